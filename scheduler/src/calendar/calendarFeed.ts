import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import ical, { ICalAlarmType, ICalEventStatus } from 'ical-generator';
import type { MeetingService } from '../meetings/meetingService';
import { occurrenceId, statusOf } from '../meetings/occurrences';
import type { OrgTree } from '../orgTree/orgTree';

const TOKENS_KEY = 'gb:ical:tokens';
const BY_TOKEN_KEY = 'gb:ical:byToken';
const DAY = 86_400_000;

/**
 * iCal feed per unit at a secret URL (the token is the only credential, as in
 * every calendar app's subscription links): the unit's occurrences from 30 days
 * back to 92 days ahead, with a reminder. Rotating the token revokes old links.
 */
export class CalendarFeed {
  readonly #redis: Redis;
  readonly #tree: OrgTree;
  readonly #meetings: MeetingService;

  constructor(redis: Redis, tree: OrgTree, meetings: MeetingService) {
    this.#redis = redis;
    this.#tree = tree;
    this.#meetings = meetings;
  }

  async token(unitId: string): Promise<string> {
    const existing = await this.#redis.hget(TOKENS_KEY, unitId);
    return existing ?? this.rotate(unitId);
  }

  async rotate(unitId: string): Promise<string> {
    const token = randomBytes(24).toString('base64url');
    const old = await this.#redis.hget(TOKENS_KEY, unitId);
    const multi = this.#redis
      .multi()
      .hset(TOKENS_KEY, unitId, token)
      .hset(BY_TOKEN_KEY, token, unitId);
    if (old) multi.hdel(BY_TOKEN_KEY, old);
    await multi.exec();
    return token;
  }

  async unitOf(token: string): Promise<string | undefined> {
    if (!/^[A-Za-z0-9_-]{20,64}$/.test(token)) return undefined;
    return (await this.#redis.hget(BY_TOKEN_KEY, token)) ?? undefined;
  }

  render(unitId: string, now = Date.now()): string {
    const unit = this.#tree.get(unitId);
    const cal = ical({
      name: `GiaoBan — ${unit?.name ?? unitId}`,
      prodId: { company: 'GiaoBan', product: 'scheduler', language: 'VI' },
      ttl: 15 * 60,
    });
    for (const slot of this.#meetings.slots(now - 30 * DAY, now + 92 * DAY, [unitId])) {
      if (!slot.invitedUnitIds.includes(unitId) && slot.meeting.hostUnitId !== unitId) continue;
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
    }
    return cal.toString();
  }
}
