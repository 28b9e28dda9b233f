import type { Redis } from 'ioredis';
import type { AttendanceEvent, LiveEndpoint } from '@giaoban/common/ports';

const LEASES = 'gb:att:leases';

const member = (e: LiveEndpoint) =>
  JSON.stringify([e.meetingId, e.occurrenceId, e.unitId, e.endpointId]);

function parse(raw: string): LiveEndpoint | undefined {
  try {
    const [meetingId, occurrenceId, unitId, endpointId] = JSON.parse(raw) as string[];
    if (!meetingId || !occurrenceId || !unitId || !endpointId) return undefined;
    return { meetingId, occurrenceId, unitId, endpointId };
  } catch {
    return undefined;
  }
}

/**
 * Who is really connected: every endpoint attendance counts as present holds
 * a lease (a sorted set scored by the last time its signaling node said it is
 * there). A node that crashed, or was killed, or lost its host stops renewing;
 * its endpoints' leases go stale and they are recorded as left at the last
 * time they were known present, so attendance and the roll call stop showing
 * units present with no endpoint.
 */
export class PresenceLeases {
  readonly #redis: Redis;

  constructor(redis: Redis) {
    this.#redis = redis;
  }

  /** Follows join/leave as they are recorded (in order, on one connection). */
  follow(event: AttendanceEvent): void {
    const m = member(event);
    const done = () => undefined;
    if (event.type === 'joined') void this.#redis.zadd(LEASES, event.at, m).catch(done);
    else if (event.type === 'left') void this.#redis.zrem(LEASES, m).catch(done);
  }

  /** A signaling node's heartbeat: these endpoints are still there. */
  async renew(endpoints: LiveEndpoint[], at: number): Promise<void> {
    if (endpoints.length === 0) return;
    // XX: renew only what is leased; a lease already reclaimed stays reclaimed.
    await this.#redis.zadd(LEASES, 'XX', ...endpoints.flatMap((e) => [at, member(e)]));
  }

  /**
   * Takes the leases not renewed since `before` (each by one process only:
   * ZREM says who got it), with the time each was last known present.
   */
  async reclaim(before: number): Promise<{ endpoint: LiveEndpoint; lastSeen: number }[]> {
    const stale = await this.#redis.zrangebyscore(LEASES, '-inf', `(${before}`, 'WITHSCORES');
    const out: { endpoint: LiveEndpoint; lastSeen: number }[] = [];
    for (let i = 0; i < stale.length; i += 2) {
      const raw = stale[i] as string;
      if ((await this.#redis.zrem(LEASES, raw)) !== 1) continue;
      const endpoint = parse(raw);
      if (endpoint) out.push({ endpoint, lastSeen: Number(stale[i + 1]) });
    }
    return out;
  }
}
