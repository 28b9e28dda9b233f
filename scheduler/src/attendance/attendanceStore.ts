import type { Redis } from 'ioredis';
import type { Logger } from '@giaoban/common/logger';
import type { AttendanceEvent, AttendanceRecorder } from '@giaoban/common/ports';
import { applyEvent, emptyPresence, type UnitPresence } from './unitPresence';

const KEY = (occurrenceId: string) => `gb:att:${occurrenceId}`;

export type PresenceListener = (event: AttendanceEvent, presence: UnitPresence) => void;

/**
 * Attendance per occurrence and unit, fed by signaling through AttendanceRecorder.
 * Events of one unit in one occurrence are applied one after another (a promise
 * chain per key) and the result is written to one Redis hash per occurrence.
 */
export class AttendanceStore implements AttendanceRecorder {
  readonly #redis: Redis;
  readonly #log: Logger;
  readonly #chains = new Map<string, Promise<void>>();
  readonly #listeners: PresenceListener[] = [];

  constructor(redis: Redis, log: Logger) {
    this.#redis = redis;
    this.#log = log;
  }

  onChange(listener: PresenceListener): void {
    this.#listeners.push(listener);
  }

  /** Never throws into signaling: failures are logged. */
  record(event: AttendanceEvent): void {
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
    const raw = await this.#redis.hget(KEY(event.occurrenceId), event.unitId);
    const before = raw ? (JSON.parse(raw) as UnitPresence) : emptyPresence(event.unitId, event.at);
    const after = applyEvent(before, event);
    await this.#redis.hset(KEY(event.occurrenceId), event.unitId, JSON.stringify(after));
    for (const l of this.#listeners) {
      try {
        l(event, after);
      } catch (err) {
        this.#log.error({ err }, 'attendance listener failed');
      }
    }
  }

  async ofOccurrence(occurrenceId: string): Promise<Map<string, UnitPresence>> {
    const all = await this.#redis.hgetall(KEY(occurrenceId));
    return new Map(Object.entries(all).map(([u, raw]) => [u, JSON.parse(raw) as UnitPresence]));
  }
}
