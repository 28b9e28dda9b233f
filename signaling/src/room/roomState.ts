import type { Redis } from 'ioredis';
import { z } from 'zod';
import type { Logger } from '@giaoban/common/logger';
import { chatMessageSchema } from '../protocol/meeting';
import type { ChatMessage } from '../protocol/index';

/** What the room remembers of one unit's device while it is away (a failover, a rejoin). */
export const deviceStateSchema = z.object({ handRaised: z.boolean(), hostMuted: z.boolean() });
export type DeviceState = z.infer<typeof deviceStateSchema>;

/**
 * An account's device in a meeting: hands, host mutes and the floor follow it,
 * not an endpoint id. Keyed by account too: another account of the same unit
 * naming the same deviceId is another device (it must not take this one's
 * place). Keys written before accounts were part of them are [unit, device].
 */
export const deviceKey = (unitId: string, accountId: string, deviceId: string) =>
  JSON.stringify([unitId, deviceId, accountId]);
const deviceKeySchema = z.union([
  z.tuple([z.string(), z.string(), z.string()]),
  z.tuple([z.string(), z.string()]),
]);
export const unitOfDeviceKey = (key: string): string | undefined => {
  try {
    const parsed = deviceKeySchema.safeParse(JSON.parse(key));
    return parsed.success ? parsed.data[0] : undefined;
  } catch {
    return undefined;
  }
};

/** A meeting's room state as Redis holds it; presence is not part of it. */
export interface RoomSnapshot {
  /** The occurrence it belongs to: the next occurrence of a recurring meeting starts afresh. */
  occurrenceId: string | null;
  locked: boolean;
  /** The floor holder's device key: the floor comes back with that device. */
  floor: string | null;
  chat: ChatMessage[];
  devices: Map<string, DeviceState>;
}

export const emptySnapshot = (): RoomSnapshot => ({
  occurrenceId: null,
  locked: false,
  floor: null,
  chat: [],
  devices: new Map(),
});

export const roomStateKeys = (meetingId: string) => ({
  /** HASH occurrence (id), locked ("1"/"0"), floor (device key or ""). */
  meta: `gb:room:${meetingId}:meta`,
  /** LIST of chat messages (JSON), the newest last, capped at the chat history. */
  chat: `gb:room:${meetingId}:chat`,
  /** HASH device key → DeviceState (JSON): who was in the meeting and their hand and mute. */
  devices: `gb:room:${meetingId}:devices`,
});

/**
 * The room state of every meeting in Redis, so that a signaling node taking a
 * meeting over (its node died, a rolling restart, the all-in-one restarted)
 * finds its chat, hands, host mutes, floor and lock. Every write is one
 * MULTI that also pushes the keys' expiry back: the state lives while a node
 * holds the room (`touch`) and `ttlMs` after, and goes at once when the
 * meeting ends (`drop`). Each write sets its own field or appends, so two
 * nodes briefly holding one meeting cannot undo each other's writes.
 */
export class RoomStateStore {
  readonly #redis: Redis;
  readonly #ttlMs: number;
  readonly #chatHistory: number;
  readonly #log: Logger;

  constructor(redis: Redis, o: { ttlMs: number; chatHistory: number; log: Logger }) {
    this.#redis = redis;
    this.#ttlMs = o.ttlMs;
    this.#chatHistory = o.chatHistory;
    this.#log = o.log;
  }

  async load(meetingId: string): Promise<RoomSnapshot> {
    const k = roomStateKeys(meetingId);
    const res = await this.#redis
      .multi()
      .hgetall(k.meta)
      .lrange(k.chat, 0, -1)
      .hgetall(k.devices)
      .exec();
    if (!res) return emptySnapshot();
    for (const [err] of res) if (err) throw err;
    const meta = res[0]![1] as Record<string, string>;
    const chat = (res[1]![1] as string[]).flatMap((raw) => {
      const m = safeJson(chatMessageSchema, raw);
      return m ? [m] : [];
    });
    const devices = new Map<string, DeviceState>();
    for (const [key, raw] of Object.entries(res[2]![1] as Record<string, string>)) {
      const d = safeJson(deviceStateSchema, raw);
      if (d && unitOfDeviceKey(key) !== undefined) devices.set(key, d);
    }
    if (chat.length < (res[1]![1] as string[]).length)
      this.#log.warn({ meetingId }, 'room state: unreadable chat messages skipped');
    return {
      occurrenceId: meta.occurrence || null,
      locked: meta.locked === '1',
      floor: meta.floor || null,
      chat,
      devices,
    };
  }

  async appendChat(meetingId: string, message: ChatMessage): Promise<void> {
    if (this.#chatHistory === 0) return;
    const k = roomStateKeys(meetingId);
    const m = this.#redis
      .multi()
      .rpush(k.chat, JSON.stringify(message))
      .ltrim(k.chat, -this.#chatHistory, -1);
    await this.#exec(this.#expire(m, meetingId));
  }

  async setMeta(
    meetingId: string,
    fields: { occurrenceId?: string; locked?: boolean; floor?: string | null },
  ) {
    const values: Record<string, string> = {};
    if (fields.occurrenceId !== undefined) values.occurrence = fields.occurrenceId;
    if (fields.locked !== undefined) values.locked = fields.locked ? '1' : '0';
    if (fields.floor !== undefined) values.floor = fields.floor ?? '';
    const m = this.#redis.multi().hset(roomStateKeys(meetingId).meta, values);
    await this.#exec(this.#expire(m, meetingId));
  }

  /** `null`: the device left the meeting on purpose; it is no longer remembered. */
  async setDevice(meetingId: string, key: string, state: DeviceState | null): Promise<void> {
    const k = roomStateKeys(meetingId).devices;
    const m =
      state === null
        ? this.#redis.multi().hdel(k, key)
        : this.#redis.multi().hset(k, key, JSON.stringify(state));
    await this.#exec(this.#expire(m, meetingId));
  }

  /** The rooms a node holds stay remembered as long as it lives. */
  async touch(meetingIds: string[]): Promise<void> {
    if (meetingIds.length === 0) return;
    const m = this.#redis.multi();
    for (const id of meetingIds) this.#expire(m, id);
    await this.#exec(m);
  }

  /** The meeting ended (or everyone left it): nothing is left to take over. */
  async drop(meetingId: string): Promise<void> {
    const k = roomStateKeys(meetingId);
    await this.#redis.del(k.meta, k.chat, k.devices);
  }

  #expire(m: ReturnType<Redis['multi']>, meetingId: string) {
    const k = roomStateKeys(meetingId);
    return m
      .pexpire(k.meta, this.#ttlMs)
      .pexpire(k.chat, this.#ttlMs)
      .pexpire(k.devices, this.#ttlMs);
  }

  async #exec(m: ReturnType<Redis['multi']>): Promise<void> {
    const res = await m.exec();
    for (const [err] of res ?? []) if (err) throw err;
  }
}

function safeJson<T>(schema: z.ZodType<T>, raw: string): T | undefined {
  try {
    const parsed = schema.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
