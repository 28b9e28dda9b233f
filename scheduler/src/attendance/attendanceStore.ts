import type { Redis } from 'ioredis';
import { AppError } from '@giaoban/common/errors';
import type { Logger } from '@giaoban/common/logger';
import type { AttendanceEvent, AttendanceRecorder, LiveEndpoint } from '@giaoban/common/ports';
import { PresenceLeases } from './presenceLeases';
import { applyEvent, emptyPresence, type UnitPresence } from './unitPresence';

const KEY = (occurrenceId: string) => `gb:att:${occurrenceId}`;

/** Writes ARGV[3] to field ARGV[1] only if it still holds ARGV[2] ('' = absent). */
const CAS = `
local current = redis.call('HGET', KEYS[1], ARGV[1])
if (current or '') ~= ARGV[2] then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
return 1`;
const MAX_ATTEMPTS = 100;

export type PresenceListener = (event: AttendanceEvent, presence: UnitPresence) => void;

/**
 * Attendance per occurrence and unit, fed by signaling through AttendanceRecorder.
 * Events of one unit in one occurrence are applied one after another in this
 * process (a promise chain per key) and written to one Redis hash per
 * occurrence with a compare-and-set, so that several signaling nodes may
 * record the same unit at once.
 */
export class AttendanceStore implements AttendanceRecorder {
  readonly #redis: Redis;
  readonly #log: Logger;
  readonly #chains = new Map<string, Promise<void>>();
  readonly #listeners: PresenceListener[] = [];
  readonly #leases: PresenceLeases;

  constructor(redis: Redis, log: Logger) {
    this.#redis = redis;
    this.#log = log;
    this.#leases = new PresenceLeases(redis);
  }

  alive(endpoints: LiveEndpoint[]): void {
    this.#leases.renew(endpoints, Date.now()).catch((err: unknown) => {
      this.#log.warn({ err }, 'presence heartbeat not stored');
    });
  }

  /**
   * Endpoints whose signaling node stopped renewing their lease before `before`
   * (crashed, killed, its host lost; at start-up of a single node: all of them)
   * are recorded as left at the time they were last known present.
   */
  async reconcile(before: number): Promise<number> {
    const stale = await this.#leases.reclaim(before);
    for (const { endpoint, lastSeen } of stale)
      this.record({ type: 'left', ...endpoint, at: lastSeen });
    if (stale.length > 0) {
      this.#log.warn(
        { endpoints: stale.length, units: [...new Set(stale.map((s) => s.endpoint.unitId))] },
        'presence reconciled: endpoints of a lost signaling node recorded as left',
      );
    }
    await this.flush();
    return stale.length;
  }

  onChange(listener: PresenceListener): void {
    this.#listeners.push(listener);
  }

  /** Never throws into signaling: failures are logged. */
  record(event: AttendanceEvent): void {
    this.#leases.follow(event);
    const key = `${event.occurrenceId}|${event.unitId}`;
    const next = (this.#chains.get(key) ?? Promise.resolve())
      .then(() => this.#apply(event))
      .catch((err: unknown) =>
        this.#log.error(
          { err, meetingId: event.meetingId, unitId: event.unitId, endpointId: event.endpointId },
          'attendance event lost',
        ),
      );
    this.#chains.set(key, next);
    void next.finally(() => {
      if (this.#chains.get(key) === next) this.#chains.delete(key);
    });
  }

  /** Resolves once every event recorded so far is stored (tests, shutdown). */
  async flush(): Promise<void> {
    await Promise.all([...this.#chains.values()]);
  }

  async #apply(event: AttendanceEvent): Promise<void> {
    const after = await this.#commit(event);
    for (const l of this.#listeners) {
      try {
        l(event, after);
      } catch (err) {
        this.#log.error({ err }, 'attendance listener failed');
      }
    }
  }

  /**
   * Applies the event to the unit's stored presence with a compare-and-set:
   * another signaling node may be writing the same unit at the same moment, so
   * a write lands only on the exact state it was computed from, else the event
   * is applied again to the newer state (never lost, never counted twice).
   */
  async #commit(event: AttendanceEvent): Promise<UnitPresence> {
    const key = KEY(event.occurrenceId);
    for (let attempt = 0; ; attempt++) {
      const raw = await this.#redis.hget(key, event.unitId);
      const before = raw
        ? (JSON.parse(raw) as UnitPresence)
        : emptyPresence(event.unitId, event.at);
      const after = applyEvent(before, event);
      if (after === before && raw) return before; // the same event again: already counted
      const stored = await this.#redis.eval(
        CAS,
        1,
        key,
        event.unitId,
        raw ?? '',
        JSON.stringify(after),
      );
      if (stored === 1) return after;
      if (attempt >= MAX_ATTEMPTS)
        throw new AppError('UNAVAILABLE', {
          reason: 'attendance write contended',
          attempts: attempt,
        });
      // Many nodes on one hot unit: spread the retries a little.
      if (attempt > 2) await new Promise((r) => setTimeout(r, Math.random() * 5 * attempt));
    }
  }

  async ofOccurrence(occurrenceId: string): Promise<Map<string, UnitPresence>> {
    const all = await this.#redis.hgetall(KEY(occurrenceId));
    return new Map(Object.entries(all).map(([u, raw]) => [u, JSON.parse(raw) as UnitPresence]));
  }
}
