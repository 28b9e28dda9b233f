import type { Redis } from 'ioredis';
import { AppError } from '@giaoban/common/errors';
import type { Emergency } from '../api/emergency';
import type { UnitStatus } from './rollCall';

const KEY = (id: string) => `gb:emergency:${id}`;
const UNITS_KEY = (id: string) => `gb:emergency:${id}:units`;
const BY_MEETING_KEY = 'gb:emergency:byMeeting';
const LIST_KEY = 'gb:emergencies';

/**
 * Where emergencies live in Redis: the emergency itself, each invited unit's
 * status (notified, delivered, acknowledged, joined, escalation steps), the
 * meeting → emergency index and the list newest first.
 */
export class EmergencyStore {
  readonly #redis: Redis;
  /** meetingId → emergency id ('' = the meeting is not an emergency). */
  readonly #byMeeting = new Map<string, string>();

  constructor(redis: Redis) {
    this.#redis = redis;
  }

  /** A new emergency with every invited unit at `status`, in one transaction. */
  async create(e: Emergency, status: UnitStatus): Promise<void> {
    await this.#redis
      .multi()
      .set(KEY(e.id), JSON.stringify(e))
      .hset(UNITS_KEY(e.id), Object.fromEntries(e.unitIds.map((u) => [u, JSON.stringify(status)])))
      .hset(BY_MEETING_KEY, e.meetingId, e.id)
      .zadd(LIST_KEY, Date.now(), e.id)
      .exec();
    this.#byMeeting.set(e.meetingId, e.id);
  }

  async save(e: Emergency): Promise<void> {
    await this.#redis.set(KEY(e.id), JSON.stringify(e));
  }

  async get(id: string): Promise<Emergency> {
    const raw = await this.#redis.get(KEY(id));
    if (!raw) throw new AppError('NOT_FOUND');
    return JSON.parse(raw) as Emergency;
  }

  /** The newest ids first (a few more than needed: the caller filters by visibility). */
  async newestIds(count: number): Promise<string[]> {
    return this.#redis.zrevrange(LIST_KEY, '0', String(count));
  }

  async unitStatuses(id: string): Promise<Map<string, UnitStatus>> {
    const raw = await this.#redis.hgetall(UNITS_KEY(id));
    return new Map(Object.entries(raw).map(([u, s]) => [u, JSON.parse(s) as UnitStatus]));
  }

  async updateUnit(
    id: string,
    unitId: string,
    change: (s: UnitStatus) => UnitStatus,
  ): Promise<void> {
    // Read-modify-write without a lock: fields only ever go from null to a time, so
    // two endpoints of one unit racing can at worst keep the later of two close times.
    const raw = await this.#redis.hget(UNITS_KEY(id), unitId);
    const current: UnitStatus = raw
      ? (JSON.parse(raw) as UnitStatus)
      : { notifiedAt: null, deliveredAt: null, acknowledgedAt: null, joinedAt: null };
    await this.#redis.hset(UNITS_KEY(id), unitId, JSON.stringify(change(current)));
  }

  /** The emergency a meeting belongs to, or undefined (cached: a meeting never changes kind). */
  async ofMeeting(meetingId: string): Promise<string | undefined> {
    let id = this.#byMeeting.get(meetingId);
    if (id === undefined) {
      id = (await this.#redis.hget(BY_MEETING_KEY, meetingId)) ?? '';
      this.#byMeeting.set(meetingId, id);
    }
    return id || undefined;
  }
}
