import { randomBytes, randomInt, timingSafeEqual } from 'node:crypto';
import type { Redis } from 'ioredis';
import { z } from 'zod';

const PIN_PREFIX = 'gb:phone:pin:';
const MEETING_PREFIX = 'gb:phone:pins:';
const SERVICE_KEY = 'gb:secret:phone';

/** Digits a caller types; 6 of them: 1 in 900 000 per guess, three guesses per call. */
export const PIN_DIGITS = 6;

const pinTargetSchema = z.object({ meetingId: z.string().min(1), unitId: z.string().min(1) });
export type PinTarget = z.infer<typeof pinTargetSchema>;

/**
 * The phone key (PHONE_SERVICE_KEY, else generated once into Redis like the
 * JWT secret): the phone role proves with it that it may turn a PIN into a session.
 */
export async function loadPhoneServiceKey(redis: Redis, fromEnv?: string): Promise<string> {
  if (fromEnv) return fromEnv;
  await redis.set(SERVICE_KEY, randomBytes(32).toString('base64url'), 'NX');
  const key = await redis.get(SERVICE_KEY);
  if (!key) throw new Error('phone service key missing from Redis');
  return key;
}

export function sameKey(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * One numeric PIN per invited unit per meeting (an emergency is a meeting):
 * made on first use, kept in Redis both ways (PIN → meeting and unit; meeting
 * → its units' PINs), unique across meetings (SET NX).
 */
export class PhonePins {
  readonly #redis: Redis;

  constructor(redis: Redis) {
    this.#redis = redis;
  }

  /** The unit's PIN for the meeting, made now if it has none. */
  async pinFor(meetingId: string, unitId: string): Promise<string> {
    const existing = await this.#redis.hget(MEETING_PREFIX + meetingId, unitId);
    if (existing) return existing;
    for (let i = 0; i < 20; i++) {
      const pin = String(randomInt(10 ** (PIN_DIGITS - 1), 10 ** PIN_DIGITS));
      const taken = await this.#redis.set(
        PIN_PREFIX + pin,
        JSON.stringify({ meetingId, unitId }),
        'NX',
      );
      if (taken !== 'OK') continue;
      // Two requests at once: the first PIN written for the unit wins, the other is dropped.
      const set = await this.#redis.hsetnx(MEETING_PREFIX + meetingId, unitId, pin);
      if (set === 1) return pin;
      await this.#redis.del(PIN_PREFIX + pin);
      const winner = await this.#redis.hget(MEETING_PREFIX + meetingId, unitId);
      if (winner) return winner;
    }
    throw new Error('no free PIN');
  }

  /** Every unit's PIN: the meeting's existing PINs in one read, only the missing ones made. */
  async pinsFor(meetingId: string, unitIds: readonly string[]): Promise<Map<string, string>> {
    const existing = await this.#redis.hgetall(MEETING_PREFIX + meetingId);
    const out = new Map<string, string>();
    for (const u of unitIds) out.set(u, existing[u] ?? (await this.pinFor(meetingId, u)));
    return out;
  }

  /** Whose PIN this is (undefined: nobody's). */
  async resolve(pin: string): Promise<PinTarget | undefined> {
    if (!/^\d{4,12}$/.test(pin)) return undefined;
    const raw = await this.#redis.get(PIN_PREFIX + pin);
    if (!raw) return undefined;
    const parsed = pinTargetSchema.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : undefined;
  }

  /** The meeting is gone: its PINs stop working. */
  async dropMeeting(meetingId: string): Promise<void> {
    const pins = await this.#redis.hvals(MEETING_PREFIX + meetingId);
    if (pins.length > 0) await this.#redis.del(...pins.map((p) => PIN_PREFIX + p));
    await this.#redis.del(MEETING_PREFIX + meetingId);
  }
}
