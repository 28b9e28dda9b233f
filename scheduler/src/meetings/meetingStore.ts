import type { Redis } from 'ioredis';
import type { Logger } from '@giaoban/common/logger';
import { AppError } from '@giaoban/common/errors';
import type { Meeting, Selector } from '../api/meetings';
import { expandStarts, parseRule } from './recurrence';
import { watchRedisConnection } from '@giaoban/common/redisWatch';

/** A change to one occurrence of a series (or of a one-off meeting). */
export interface OccurrenceOverride {
  cancelled?: boolean;
  start?: string;
  durationMinutes?: number;
  title?: string;
  selectors?: Selector[];
  invitedUnitIds?: string[];
  /** The host ended the occurrence early (emergency ended, "end meeting"). */
  endedAt?: string;
}

export interface StoredMeeting extends Meeting {
  /** Keyed by the original start in ms (the suffix of the occurrence id). */
  exceptions: Record<string, OccurrenceOverride>;
}

/** A meeting plus its expanded original start times, sorted. */
export interface CatalogEntry {
  meeting: StoredMeeting;
  starts: number[];
  /** Earliest start and latest end over all occurrences, overrides included. */
  firstStart: number;
  lastEnd: number;
}

const KEY = (id: string) => `gb:meeting:${id}`;
const ALL_KEY = 'gb:meetings';
const CHANGED_CHANNEL = 'gb:meetings:changed';

/** Compare-and-set on the stored version, so concurrent edits cannot overwrite each other. */
const SAVE_SCRIPT = `
local current = redis.call('GET', KEYS[1])
local expected = tonumber(ARGV[1])
if expected == -1 then
  if current then return 0 end
else
  if not current then return 0 end
  if cjson.decode(current).version ~= expected then return 0 end
end
redis.call('SET', KEYS[1], ARGV[2])
redis.call('SADD', KEYS[2], ARGV[3])
redis.call('PUBLISH', KEYS[3], ARGV[3])
return 1`;

function unitsOfMeeting(m: StoredMeeting): Set<string> {
  const units = new Set([...m.invitedUnitIds, m.hostUnitId]);
  for (const o of Object.values(m.exceptions)) for (const u of o.invitedUnitIds ?? []) units.add(u);
  return units;
}

export function entryOf(meeting: StoredMeeting, now = Date.now()): CatalogEntry {
  const startMs = Date.parse(meeting.start);
  const starts = meeting.recurrence
    ? expandStarts(parseRule(meeting.recurrence.rrule, startMs), Math.max(now, startMs))
    : [startMs];
  const durMs = meeting.durationMinutes * 60_000;
  let firstStart = starts[0] ?? startMs;
  let lastEnd = (starts[starts.length - 1] ?? startMs) + durMs;
  for (const [key, o] of Object.entries(meeting.exceptions)) {
    const s = o.start ? Date.parse(o.start) : Number(key);
    firstStart = Math.min(firstStart, s);
    lastEnd = Math.max(lastEnd, s + (o.durationMinutes ?? meeting.durationMinutes) * 60_000);
  }
  return { meeting, starts, firstStart, lastEnd };
}

/**
 * Meetings in Redis (one JSON key each, compare-and-set on version) with an
 * in-memory catalog of expanded series for fast window and conflict queries.
 * Every process keeps its catalog current through a Redis pub/sub channel, so
 * several scheduler processes can share one store.
 */
export class MeetingStore {
  readonly #redis: Redis;
  readonly #sub: Redis;
  readonly #log: Logger;
  readonly #entries = new Map<string, CatalogEntry>();
  /** unit id → meetings that invite it (any occurrence) or that it organises. */
  readonly #byUnit = new Map<string, Set<string>>();

  private constructor(redis: Redis, log: Logger) {
    this.#redis = redis;
    this.#sub = redis.duplicate();
    watchRedisConnection(this.#sub, log, 'meeting-catalog');
    this.#log = log;
  }

  static async load(redis: Redis, log: Logger): Promise<MeetingStore> {
    const store = new MeetingStore(redis, log);
    store.#sub.on('message', (_channel: string, id: string) => {
      store
        .refresh(id)
        .catch((err: unknown) => log.error({ err, meetingId: id }, 'catalog refresh failed'));
    });
    await store.#sub.subscribe(CHANGED_CHANNEL);
    const ids = await redis.smembers(ALL_KEY);
    for (let i = 0; i < ids.length; i += 500) {
      const chunk = ids.slice(i, i + 500);
      const raws = await redis.mget(...chunk.map(KEY));
      for (const raw of raws) if (raw) store.#put(JSON.parse(raw) as StoredMeeting);
    }
    return store;
  }

  #put(meeting: StoredMeeting): CatalogEntry {
    const current = this.#entries.get(meeting.id);
    if (current && current.meeting.version >= meeting.version) return current;
    const entry = entryOf(meeting);
    this.#set(entry);
    return entry;
  }

  #set(entry: CatalogEntry): void {
    const old = this.#entries.get(entry.meeting.id);
    if (old)
      for (const u of unitsOfMeeting(old.meeting)) this.#byUnit.get(u)?.delete(old.meeting.id);
    this.#entries.set(entry.meeting.id, entry);
    for (const u of unitsOfMeeting(entry.meeting)) {
      let set = this.#byUnit.get(u);
      if (!set) this.#byUnit.set(u, (set = new Set()));
      set.add(entry.meeting.id);
    }
  }

  /** Meetings that invite (or are organised by) any of these units. */
  *forUnits(unitIds: Iterable<string>): Generator<CatalogEntry> {
    const seen = new Set<string>();
    for (const u of unitIds) {
      for (const id of this.#byUnit.get(u) ?? []) {
        if (seen.has(id)) continue;
        seen.add(id);
        const entry = this.#entries.get(id);
        if (entry) yield entry;
      }
    }
  }

  async refresh(id: string): Promise<void> {
    const raw = await this.#redis.get(KEY(id));
    if (raw) this.#put(JSON.parse(raw) as StoredMeeting);
  }

  get(id: string): CatalogEntry | undefined {
    return this.#entries.get(id);
  }

  /** Re-reads from Redis: the authority before a write. */
  async fetch(id: string): Promise<StoredMeeting | undefined> {
    const raw = await this.#redis.get(KEY(id));
    return raw ? (JSON.parse(raw) as StoredMeeting) : undefined;
  }

  entries(): IterableIterator<CatalogEntry> {
    return this.#entries.values();
  }

  get size(): number {
    return this.#entries.size;
  }

  /**
   * Writes the meeting if the stored version is still `expectedVersion` (-1: new).
   * CONFLICT otherwise; the catalog entry is computed first so a bad rule writes nothing.
   */
  async save(meeting: StoredMeeting, expectedVersion: number): Promise<CatalogEntry> {
    const entry = entryOf(meeting);
    const ok = await this.#redis.eval(
      SAVE_SCRIPT,
      3,
      KEY(meeting.id),
      ALL_KEY,
      CHANGED_CHANNEL,
      String(expectedVersion),
      JSON.stringify(meeting),
      meeting.id,
    );
    if (ok !== 1)
      throw new AppError('CONFLICT', {
        reason: 'meeting changed meanwhile',
        meetingId: meeting.id,
      });
    this.#set(entry);
    this.#log.debug({ meetingId: meeting.id, version: meeting.version }, 'meeting saved');
    return entry;
  }

  async close(): Promise<void> {
    this.#sub.disconnect();
  }
}
