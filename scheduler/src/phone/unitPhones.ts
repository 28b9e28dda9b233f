import type { Redis } from 'ioredis';
import { z } from 'zod';

const KEY = 'gb:phone:numbers';
/** unit → minutes without acknowledgement before its alert SMS (absent: the default). */
const ESCALATE_KEY = 'gb:phone:escalateAfterMin';
const listSchema = z.array(z.string());

/**
 * A unit's phone numbers (the admin edits them; alert escalation texts them and
 * dial-out calls them): one Redis hash, unit → JSON list. Numbers are personal
 * data: never log them — `maskPhone` where a log must say which one.
 */
export class UnitPhoneBook {
  readonly #redis: Redis;

  constructor(redis: Redis) {
    this.#redis = redis;
  }

  async get(unitId: string): Promise<string[]> {
    return parse(await this.#redis.hget(KEY, unitId));
  }

  /** Several units' numbers in one round trip (units without any are left out). */
  async getMany(unitIds: readonly string[]): Promise<Map<string, string[]>> {
    const out = new Map<string, string[]>();
    if (unitIds.length === 0) return out;
    const raw = await this.#redis.hmget(KEY, ...unitIds);
    unitIds.forEach((u, i) => {
      const list = parse(raw[i] ?? null);
      if (list.length > 0) out.set(u, list);
    });
    return out;
  }

  async set(unitId: string, numbers: readonly string[]): Promise<void> {
    if (numbers.length === 0) await this.#redis.hdel(KEY, unitId);
    else await this.#redis.hset(KEY, unitId, JSON.stringify(numbers));
  }
}

/** Per-unit escalation delay, in minutes (SMS_ESCALATE_AFTER_MIN when a unit has none). */
export class UnitEscalationDelays {
  readonly #redis: Redis;

  constructor(redis: Redis) {
    this.#redis = redis;
  }

  async get(unitId: string): Promise<number | null> {
    return minutes(await this.#redis.hget(ESCALATE_KEY, unitId));
  }

  /** Several units' own delays (units without one are left out). */
  async getMany(unitIds: readonly string[]): Promise<Map<string, number>> {
    const out = new Map<string, number>();
    if (unitIds.length === 0) return out;
    const raw = await this.#redis.hmget(ESCALATE_KEY, ...unitIds);
    unitIds.forEach((u, i) => {
      const m = minutes(raw[i] ?? null);
      if (m !== null) out.set(u, m);
    });
    return out;
  }

  async set(unitId: string, min: number | null): Promise<void> {
    if (min === null) await this.#redis.hdel(ESCALATE_KEY, unitId);
    else await this.#redis.hset(ESCALATE_KEY, unitId, String(min));
  }
}

function minutes(raw: string | null): number | null {
  const n = raw === null ? NaN : Number(raw);
  return Number.isFinite(n) && n > 0 ? n : null;
}

function parse(raw: string | null): string[] {
  if (!raw) return [];
  const r = listSchema.safeParse(JSON.parse(raw));
  return r.success ? r.data : [];
}

/** A number as logs and audit may show it: the first 3 and last 2 digits. */
export function maskPhone(n: string): string {
  if (n.length <= 5) return '*'.repeat(n.length);
  return n.slice(0, 3) + '*'.repeat(n.length - 5) + n.slice(-2);
}
