import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import ical, { ICalAlarmType, ICalEventStatus } from 'ical-generator';
import type { MeetingService } from '../meetings/meetingService';
import { occurrenceId, statusOf, type OccurrenceSlot } from '../meetings/occurrences';
import type { OrgTree } from '../orgTree/orgTree';
import { collectCooperatively, mapCooperatively, Pacer } from '../meetings/cooperative';
import { foldLines } from './foldLines';

const TOKENS_KEY = 'gb:ical:tokens';
const BY_TOKEN_KEY = 'gb:ical:byToken';
const DAY = 86_400_000;
/** A feed holds at most this many occurrences, the nearest to now (a calendar app shows weeks). */
export const MAX_FEED_EVENTS = 500;
/** A rendered feed is served again for this long (calendar apps poll; the feed says 15 min). */
const CACHE_MS = 60_000;

/**
 * Sets the unit's token and revokes the one it replaces, in one step: two
 * rotations at once must not leave either's old link working. With ARGV[3]
 * = "keep", an existing token is returned instead (the first link of a unit).
 */
const ROTATE_SCRIPT = `
local old = redis.call('HGET', KEYS[1], ARGV[1])
if old and ARGV[3] == 'keep' then return old end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('HSET', KEYS[2], ARGV[2], ARGV[1])
if old then redis.call('HDEL', KEYS[2], old) end
return ARGV[2]`;

/**
 * iCal feed per unit at a secret URL (the token is the only credential, as in
 * every calendar app's subscription links): the unit's occurrences from 30 days
 * back to 92 days ahead, with a reminder. Rotating the token revokes old links.
 * The feed is unauthenticated: it is built in batches between turns of the
 * event loop, holds at most MAX_FEED_EVENTS occurrences and is cached a minute
 * per unit, so that polling it cannot stall the server.
 */
export class CalendarFeed {
  readonly #redis: Redis;
  readonly #tree: OrgTree;
  readonly #meetings: MeetingService;
  readonly #cache = new Map<string, { at: number; body: Promise<Buffer> }>();

  constructor(redis: Redis, tree: OrgTree, meetings: MeetingService) {
    this.#redis = redis;
    this.#tree = tree;
    this.#meetings = meetings;
  }

  async token(unitId: string): Promise<string> {
    return this.#setToken(unitId, true);
  }

  async rotate(unitId: string): Promise<string> {
    return this.#setToken(unitId, false);
  }

  async #setToken(unitId: string, keep: boolean): Promise<string> {
    const token = randomBytes(24).toString('base64url');
    const out = await this.#redis.eval(
      ROTATE_SCRIPT,
      2,
      TOKENS_KEY,
      BY_TOKEN_KEY,
      unitId,
      token,
      keep ? 'keep' : 'replace',
    );
    return String(out);
  }

  async unitOf(token: string): Promise<string | undefined> {
    if (!/^[A-Za-z0-9_-]{20,64}$/.test(token)) return undefined;
    return (await this.#redis.hget(BY_TOKEN_KEY, token)) ?? undefined;
  }

  /** The feed as served: cached a minute per unit, one rendering at a time per unit. */
  cached(unitId: string, now = Date.now()): Promise<Buffer> {
    const hit = this.#cache.get(unitId);
    if (hit && now - hit.at < CACHE_MS) return hit.body;
    for (const [id, c] of this.#cache) if (now - c.at >= CACHE_MS) this.#cache.delete(id);
    const body = this.render(unitId, now);
    this.#cache.set(unitId, { at: now, body });
    body.catch(() => this.#cache.delete(unitId));
    return body;
  }

  async render(unitId: string, now = Date.now()): Promise<Buffer> {
    const unit = this.#tree.get(unitId);
    const cal = ical({
      name: `GiaoBan — ${unit?.name ?? unitId}`,
      prodId: { company: 'GiaoBan', product: 'scheduler', language: 'VI' },
      ttl: 15 * 60,
    });
    const pacer = new Pacer();
    const slots = await collectCooperatively(
      this.#meetings.slots(now - 30 * DAY, now + 92 * DAY, [unitId]),
      (slot) => slot.invitedUnitIds.includes(unitId) || slot.meeting.hostUnitId === unitId,
      Number.POSITIVE_INFINITY,
      pacer,
    );
    // The nearest to now when there are too many, then in time order.
    const kept = slots
      .sort((a, b) => Math.abs(a.start - now) - Math.abs(b.start - now))
      .slice(0, MAX_FEED_EVENTS)
      .sort((a, b) => a.start - b.start);
    // The calendar's own lines, then each event's: ical-generator folds a whole
    // calendar in one call at ≈ 1 µs per character (1 s for 2,000 events).
    const shell = cal.toString();
    const end = shell.lastIndexOf('END:VCALENDAR');
    // Bytes, event by event: joining a megabyte of strings at the end held the loop 40–100 ms.
    const events = await mapCooperatively(
      kept,
      (slot) => Buffer.from(this.#event(cal, slot, now)),
      pacer,
    );
    return Buffer.concat([
      Buffer.from(shell.slice(0, end)),
      ...events,
      Buffer.from(shell.slice(end)),
    ]);
  }

  #event(cal: ReturnType<typeof ical>, slot: OccurrenceSlot, now: number): string {
    const status = statusOf(slot, this.#meetings.timing, now);
    const event = cal.createEvent({
      id: `${occurrenceId(slot.meeting.id, slot.originalStart)}@giaoban`,
      start: new Date(slot.start),
      end: new Date(slot.end),
      summary: slot.override?.title ?? slot.meeting.title,
      description: slot.meeting.description,
      sequence: slot.meeting.version,
      status: status === 'cancelled' ? ICalEventStatus.CANCELLED : ICalEventStatus.CONFIRMED,
    });
    if (status !== 'cancelled') {
      event.createAlarm({
        type: ICalAlarmType.display,
        trigger: this.#meetings.timing.reminderLeadMs / 1000,
      });
    }
    const text = foldLines(event.toString());
    cal.clear();
    return text;
  }
}
