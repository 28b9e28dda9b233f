import { randomUUID } from 'node:crypto';
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { z } from 'zod';
import { AppError } from '@giaoban/common/errors';
import type { Logger } from '@giaoban/common/logger';
import {
  dialStateSchema,
  finalDialStates,
  type DialCall,
  type DialPlan,
  type DialState,
} from '../api/phone';
import type { EmergencyService } from '../emergency/emergencyService';
import type { MeetingStore } from '../meetings/meetingStore';
import type { OrgTree } from '../orgTree/orgTree';
import { dialQueue, jobIdOf } from './dialQueue';
import type { UnitPhoneBook } from './unitPhones';

const CALL_KEY = (callId: string) => `gb:phone:dial:${callId}`;
const MEETING_KEY = (meetingId: string) => `gb:phone:dials:${meetingId}`;
/** A call record outlives its meeting a little (the host panel, the logs). */
const TTL_S = 2 * 86_400;

const recordSchema = z.object({
  callId: z.string(),
  meetingId: z.string(),
  unitId: z.string(),
  reason: z.enum(['host', 'emergency']),
  emergencyId: z.string().nullable(),
  state: dialStateSchema,
  attempt: z.number().int(),
  at: z.string(),
});
type DialRecord = z.infer<typeof recordSchema>;

/**
 * Dial-out on the scheduler's side: a call is a record in Redis (state, which
 * number, why) and a job on the dial-out queue; the phone role reports the
 * call's progress back (REST, phone key) and is told whether to go on — a call
 * of an emergency stops once its unit acknowledged or joined, or the emergency
 * ended. Numbers never leave through logs (the role gets them by REST).
 */
export class DialOutService {
  readonly #redis: Redis;
  readonly #tree: OrgTree;
  readonly #meetings: MeetingStore;
  readonly #phones: UnitPhoneBook;
  readonly #log: Logger;
  readonly #queue: Queue;
  readonly #connection: Redis;
  #emergencies: EmergencyService | null = null;

  constructor(deps: {
    redis: Redis;
    tree: OrgTree;
    meetings: MeetingStore;
    phones: UnitPhoneBook;
    log: Logger;
  }) {
    this.#redis = deps.redis;
    this.#tree = deps.tree;
    this.#meetings = deps.meetings;
    this.#phones = deps.phones;
    this.#log = deps.log;
    ({ queue: this.#queue, connection: this.#connection } = dialQueue(deps.redis));
  }

  /** Emergency calls check the roll call and record `calledAt` (set once both exist). */
  useEmergencies(e: EmergencyService): void {
    this.#emergencies = e;
  }

  /**
   * Calls a unit for a meeting (its numbers one after another). Idempotent: a
   * call still going on for the unit is returned as it is; an emergency's call
   * of a unit is made once (`callId` derived from both).
   */
  async request(o: {
    meetingId: string;
    unitId: string;
    reason: 'host' | 'emergency';
    emergencyId?: string;
  }): Promise<DialCall> {
    if ((await this.#phones.get(o.unitId)).length === 0) throw new AppError('PHONE_NO_NUMBER');
    const callId =
      o.reason === 'emergency' ? jobIdOf(`esc_${o.emergencyId}_${o.unitId}`) : randomUUID();
    const latestId = await this.#redis.hget(MEETING_KEY(o.meetingId), o.unitId);
    const latest = latestId ? await this.#get(latestId) : undefined;
    if (latest && !finalDialStates.includes(latest.state)) return view(latest);
    if (o.reason === 'emergency') {
      const made = await this.#get(callId);
      if (made) return view(made);
    }
    const rec: DialRecord = {
      callId,
      meetingId: o.meetingId,
      unitId: o.unitId,
      reason: o.reason,
      emergencyId: o.emergencyId ?? null,
      state: 'queued',
      attempt: 0,
      at: new Date().toISOString(),
    };
    const created = await this.#redis.set(CALL_KEY(callId), JSON.stringify(rec), 'EX', TTL_S, 'NX');
    if (created !== 'OK') return view((await this.#get(callId)) ?? rec);
    await this.#redis
      .multi()
      .hset(MEETING_KEY(o.meetingId), o.unitId, callId)
      .expire(MEETING_KEY(o.meetingId), TTL_S)
      .exec();
    await this.#queue.add('dial', { callId }, { jobId: jobIdOf(callId) });
    this.#log.info(
      { callId, meetingId: o.meetingId, unitId: o.unitId, reason: o.reason },
      'dial-out queued',
    );
    return view(rec);
  }

  /** The latest call of each unit of a meeting (the host panel). */
  async calls(meetingId: string): Promise<DialCall[]> {
    const ids = Object.values(await this.#redis.hgetall(MEETING_KEY(meetingId)));
    const recs = await Promise.all(ids.map((id) => this.#get(id)));
    return recs.filter((r): r is DialRecord => r !== undefined).map(view);
  }

  /** The phone role takes up a job: the unit's numbers and what the callee hears first. */
  async plan(callId: string): Promise<DialPlan> {
    const rec = await this.#get(callId);
    if (!rec) throw new AppError('NOT_FOUND');
    const meeting = this.#meetings.get(rec.meetingId)?.meeting;
    const numbers = await this.#phones.get(rec.unitId);
    return {
      proceed: (await this.#proceed(rec)) && meeting !== undefined,
      meetingId: rec.meetingId,
      unitId: rec.unitId,
      numbers,
      title: meeting?.title ?? '',
      hostName: meeting ? (this.#tree.get(meeting.hostUnitId)?.name ?? '') : '',
    };
  }

  /** The role's progress report; `proceed: false` tells it to stop (cancelled, no longer needed). */
  async report(callId: string, state: DialState, attempt: number): Promise<boolean> {
    const rec = await this.#get(callId);
    if (!rec) throw new AppError('NOT_FOUND');
    if (finalDialStates.includes(rec.state)) return false;
    const proceed = await this.#proceed(rec);
    // Answered and no longer needed: the role releases the callee unless 1 was just
    // pressed (then it reports 'joined'), and says which; until then the call is answered.
    const keep = proceed || finalDialStates.includes(state) || state === 'answered';
    const next: DialRecord = {
      ...rec,
      state: keep ? state : 'cancelled',
      attempt,
      at: new Date().toISOString(),
    };
    await this.#redis.set(CALL_KEY(callId), JSON.stringify(next), 'EX', TTL_S);
    if (state === 'calling' && proceed && rec.emergencyId)
      await this.#emergencies?.markEscalation(rec.emergencyId, rec.unitId, 'calledAt');
    this.#log.info(
      { callId, meetingId: rec.meetingId, unitId: rec.unitId, state: next.state, attempt },
      'dial-out progress',
    );
    return proceed;
  }

  /** Whether a call of this unit is going on now (the phone role asks for its session). */
  async live(meetingId: string, unitId: string): Promise<boolean> {
    const id = await this.#redis.hget(MEETING_KEY(meetingId), unitId);
    const rec = id ? await this.#get(id) : undefined;
    return rec !== undefined && !finalDialStates.includes(rec.state);
  }

  async #proceed(rec: DialRecord): Promise<boolean> {
    if (rec.state === 'cancelled') return false;
    if (!rec.emergencyId || !this.#emergencies) return true;
    const e = await this.#emergencies.get(rec.emergencyId).catch(() => undefined);
    if (!e || e.endedAt) return false;
    const rc = await this.#emergencies.rollCall(e.id);
    const u = rc.units.find((x) => x.unitId === rec.unitId);
    return u !== undefined && !u.acknowledgedAt && !u.joinedAt;
  }

  async #get(callId: string): Promise<DialRecord | undefined> {
    const raw = await this.#redis.get(CALL_KEY(callId));
    if (!raw) return undefined;
    const r = recordSchema.safeParse(JSON.parse(raw));
    return r.success ? r.data : undefined;
  }

  async close(): Promise<void> {
    await this.#queue.close();
    this.#connection.disconnect();
  }
}

function view(r: DialRecord): DialCall {
  return {
    callId: r.callId,
    unitId: r.unitId,
    state: r.state,
    attempt: r.attempt,
    at: r.at,
    reason: r.reason,
  };
}
