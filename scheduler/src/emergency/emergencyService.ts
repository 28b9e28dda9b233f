import type { Redis } from 'ioredis';
import type { Logger } from '@giaoban/common/logger';
import { AppError, parseOrThrow } from '@giaoban/common/errors';
import type { AttendanceEvent } from '@giaoban/common/ports';
import type { SessionClaims } from '@giaoban/common/session';
import {
  alertOf,
  conveneRequestSchema,
  type ConveneRequest,
  type Emergency,
} from '../api/emergency';
import type { RollCall } from '../api/notifications';
import { buildRollCall, type EscalationStep, type UnitStatus } from './rollCall';
import type { AttendanceStore } from '../attendance/attendanceStore';
import type { AuditLog } from '../audit/auditLog';
import type { MeetingService } from '../meetings/meetingService';
import { occurrenceId } from '../meetings/occurrences';
import { canConvene, isManager } from '../meetings/rights';
import type { NotifierHub } from '../notify/notifierHub';
import type { OrgTree } from '../orgTree/orgTree';
import { EmergencyStore } from './emergencyStore';

/** What escalation (SMS, dial-out) follows: a new emergency, a unit that answered, the end. */
export type EmergencyEvent =
  | { type: 'convened'; emergency: Emergency }
  | { type: 'settled'; emergencyId: string; unitId: string; by: 'acknowledged' | 'joined' }
  | { type: 'ended'; emergency: Emergency };

/** Roll-call pushes to the convener are coalesced to one per this interval. */
const PUSH_EVERY_MS = 250;

/**
 * Emergency convene: one action opens an audio-first meeting for the chosen
 * units, alerts every connected endpoint of them, and tracks per unit whether
 * the alert was delivered and acknowledged, whether the unit joined and whether
 * it is on audio only. The convening unit gets the roll call pushed live.
 */
export class EmergencyService {
  readonly #store: EmergencyStore;
  readonly #tree: OrgTree;
  readonly #meetings: MeetingService;
  readonly #attendance: AttendanceStore;
  readonly #notifier: NotifierHub;
  readonly #audit: AuditLog;
  readonly #log: Logger;
  readonly #durationMinutes: number;
  readonly #pushTimers = new Map<string, NodeJS.Timeout>();
  readonly #listeners: ((event: EmergencyEvent) => Promise<void>)[] = [];

  constructor(deps: {
    redis: Redis;
    tree: OrgTree;
    meetings: MeetingService;
    attendance: AttendanceStore;
    notifier: NotifierHub;
    audit: AuditLog;
    log: Logger;
    durationMinutes: number;
  }) {
    this.#store = new EmergencyStore(deps.redis);
    this.#tree = deps.tree;
    this.#meetings = deps.meetings;
    this.#attendance = deps.attendance;
    this.#notifier = deps.notifier;
    this.#audit = deps.audit;
    this.#log = deps.log;
    this.#durationMinutes = deps.durationMinutes;
    deps.attendance.onChange((event) => void this.#onAttendance(event));
  }

  async convene(
    session: SessionClaims,
    input: ConveneRequest,
  ): Promise<{ emergency: Emergency; rollCall: RollCall }> {
    if (!canConvene(this.#tree, session)) throw new AppError('FORBIDDEN');
    const req = parseOrThrow(conveneRequestSchema, input);
    const { meeting, slot } = await this.#meetings.startNow(
      session,
      {
        title: req.title,
        durationMinutes: req.durationMinutes ?? Math.min(12 * 60, this.#durationMinutes),
        selectors: req.selectors,
      },
      // Audio first: only the convening unit's video is on by default.
      { kind: 'emergency', audioFirst: true, videoUnitIds: [session.unitId] },
    );
    const now = new Date().toISOString();
    const emergency: Emergency = {
      id: meeting.id,
      meetingId: meeting.id,
      occurrenceId: occurrenceId(meeting.id, slot.originalStart),
      title: meeting.title,
      message: req.message,
      convenerUnitId: session.unitId,
      convenedBy: session.username,
      convenerName: session.displayName || (this.#tree.get(session.unitId)?.name ?? session.unitId),
      startedAt: now,
      endedAt: null,
      unitIds: meeting.invitedUnitIds,
    };
    const status: UnitStatus = {
      notifiedAt: now,
      deliveredAt: null,
      acknowledgedAt: null,
      joinedAt: null,
    };
    await this.#store.create(emergency, status);
    this.#notifier.notify(
      emergency.unitIds,
      'emergency:alert',
      alertOf(
        emergency,
        this.#tree.get(emergency.convenerUnitId)?.name ?? emergency.convenerUnitId,
      ),
    );
    this.#log.warn(
      { meetingId: meeting.id, units: emergency.unitIds.length, by: session.username },
      'emergency convened',
    );
    await this.#audit.record(session, 'emergency.convene', emergency.id, {
      title: emergency.title,
      units: emergency.unitIds.length,
    });
    this.#emit({ type: 'convened', emergency });
    return { emergency, rollCall: await this.rollCall(emergency.id) };
  }

  /**
   * Alerts again the units that neither acknowledged nor joined (the siren
   * sounds anew on their logged-in endpoints; others find it when they log in).
   * Only managers above the convener, while the emergency runs; audited.
   */
  async realert(
    session: SessionClaims,
    id: string,
  ): Promise<{ emergency: Emergency; unitIds: string[] }> {
    const e = await this.visible(session, id);
    if (!isManager(session) || !this.#tree.isInSubtree(session.unitId, e.convenerUnitId))
      throw new AppError('FORBIDDEN');
    if (e.endedAt) throw new AppError('MEETING_NOT_OPEN');
    const rc = await this.rollCall(id);
    const silent = rc.units.filter((u) => !u.acknowledgedAt && !u.joinedAt).map((u) => u.unitId);
    const now = new Date().toISOString();
    const next: Emergency = { ...e, realertedAt: now, realerts: (e.realerts ?? 0) + 1 };
    await this.#store.save(next);
    if (silent.length > 0)
      this.#notifier.notify(silent, 'emergency:alert', {
        ...alertOf(next, this.#tree.get(e.convenerUnitId)?.name ?? e.convenerUnitId),
        realertedAt: now,
      });
    this.#log.warn(
      { meetingId: e.meetingId, units: silent.length, by: session.username },
      'emergency re-alerted',
    );
    await this.#audit.record(session, 'emergency.realert', id, { units: silent.length });
    this.#schedulePush(next);
    return { emergency: next, unitIds: silent };
  }

  async get(id: string): Promise<Emergency> {
    return this.#store.get(id);
  }

  /** Managers above the convener or the invited units see it; members of invited units too. */
  async visible(session: SessionClaims, id: string): Promise<Emergency> {
    const e = await this.get(id);
    const ok =
      session.role === 'admin' ||
      e.unitIds.includes(session.unitId) ||
      (isManager(session) &&
        (this.#tree.isInSubtree(session.unitId, e.convenerUnitId) ||
          e.unitIds.some((u) => this.#tree.isInSubtree(session.unitId, u))));
    if (!ok) throw new AppError('NOT_FOUND');
    return e;
  }

  async list(session: SessionClaims, limit = 50): Promise<Emergency[]> {
    const ids = await this.#store.newestIds(limit * 4);
    const out: Emergency[] = [];
    for (const id of ids) {
      const e = await this.visible(session, id).catch(() => undefined);
      if (e) out.push(e);
      if (out.length >= limit) break;
    }
    return out;
  }

  async rollCall(id: string, now = Date.now()): Promise<RollCall> {
    const e = await this.get(id);
    const [statuses, presence] = await Promise.all([
      this.#store.unitStatuses(id),
      this.#attendance.ofOccurrence(e.occurrenceId),
    ]);
    return buildRollCall(this.#tree, e, statuses, presence, now);
  }

  /** An endpoint of an invited unit confirms receipt or acknowledges; the first time counts. */
  async ack(
    session: SessionClaims,
    id: string,
    stage: 'delivered' | 'acknowledged',
  ): Promise<void> {
    const e = await this.visible(session, id);
    if (!e.unitIds.includes(session.unitId)) throw new AppError('FORBIDDEN');
    const field = stage === 'delivered' ? 'deliveredAt' : 'acknowledgedAt';
    await this.#store.updateUnit(e.id, session.unitId, (s) => {
      const now = new Date().toISOString();
      // Acknowledging implies the alert was delivered.
      const next = { ...s, [field]: s[field] ?? now };
      if (stage === 'acknowledged') next.deliveredAt = s.deliveredAt ?? now;
      return next;
    });
    if (stage === 'acknowledged')
      this.#emit({ type: 'settled', emergencyId: e.id, unitId: session.unitId, by: stage });
    this.#schedulePush(e);
  }

  /**
   * The phone bridge's escalation reached a step for a unit (SMS sent or delivered, called,
   * joined by phone): the first time counts; the convener's roll call is pushed.
   */
  async markEscalation(
    id: string,
    unitId: string,
    step: EscalationStep,
    at = new Date(),
  ): Promise<void> {
    const e = await this.get(id);
    if (!e.unitIds.includes(unitId)) return;
    await this.#store.updateUnit(id, unitId, (s) => ({
      ...s,
      [step]: s[step] ?? at.toISOString(),
    }));
    this.#schedulePush(e);
  }

  async end(session: SessionClaims, id: string): Promise<Emergency> {
    const e = await this.visible(session, id);
    if (!isManager(session) || !this.#tree.isInSubtree(session.unitId, e.convenerUnitId)) {
      throw new AppError('FORBIDDEN');
    }
    if (e.endedAt) return e;
    const originalStart = Number(e.occurrenceId.split('.')[1]);
    await this.#meetings.changeOccurrence(session, e.meetingId, originalStart, (s) => ({
      ...s.override,
      endedAt: new Date().toISOString(),
    }));
    const ended: Emergency = { ...e, endedAt: new Date().toISOString() };
    await this.#store.save(ended);
    this.#notifier.notify(e.unitIds, 'emergency:ended', {
      emergencyId: id,
      meetingId: e.meetingId,
      occurrenceId: e.occurrenceId,
    });
    await this.#audit.record(session, 'emergency.end', id);
    this.#emit({ type: 'ended', emergency: ended });
    this.#schedulePush(ended);
    return ended;
  }

  async #onAttendance(event: AttendanceEvent): Promise<void> {
    try {
      const id = await this.#store.ofMeeting(event.meetingId);
      if (!id) return;
      const e = await this.get(id);
      if (event.type === 'joined' && e.unitIds.includes(event.unitId)) {
        const at = new Date(event.at).toISOString();
        // Joined by phone (dial-in or dial-out): the roll call's escalation step too.
        await this.#store.updateUnit(id, event.unitId, (s) => ({
          ...s,
          joinedAt: s.joinedAt ?? at,
          ...(event.phone ? { phoneJoinedAt: s.phoneJoinedAt ?? at } : {}),
        }));
        this.#emit({ type: 'settled', emergencyId: id, unitId: event.unitId, by: 'joined' });
      }
      this.#schedulePush(e);
    } catch (err) {
      this.#log.error({ err, meetingId: event.meetingId }, 'emergency roll call update failed');
    }
  }

  /** Escalation listens (errors are logged, never thrown back into the convene or ack). */
  onEvent(listener: (event: EmergencyEvent) => Promise<void>): void {
    this.#listeners.push(listener);
  }

  #emit(event: EmergencyEvent): void {
    for (const l of this.#listeners)
      l(event).catch((err: unknown) =>
        this.#log.error({ err, event: event.type }, 'emergency escalation hook failed'),
      );
  }

  #schedulePush(e: Emergency): void {
    if (this.#pushTimers.has(e.id)) return;
    const timer = setTimeout(() => {
      this.#pushTimers.delete(e.id);
      this.rollCall(e.id)
        .then((rc) => this.#notifier.notify([e.convenerUnitId], 'emergency:rollCall', rc))
        .catch((err: unknown) =>
          this.#log.error({ err, meetingId: e.meetingId }, 'roll call push failed'),
        );
    }, PUSH_EVERY_MS);
    timer.unref();
    this.#pushTimers.set(e.id, timer);
  }

  close(): void {
    for (const t of this.#pushTimers.values()) clearTimeout(t);
    this.#pushTimers.clear();
  }
}
