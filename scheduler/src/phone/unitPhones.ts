import type { Redis } from 'ioredis';
import { z } from 'zod';

const KEY = 'gb:phone:numbers';
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
