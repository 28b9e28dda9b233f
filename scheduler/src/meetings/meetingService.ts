import { randomBytes } from 'node:crypto';
import { AppError, parseOrThrow } from '@giaoban/common/errors';
import type { SessionClaims } from '@giaoban/common/session';
import {
  MEETING_TIME_ZONE,
  type Conflict,
  type CreateMeetingRequest,
  type Meeting,
  type StartNowRequest,
  type UpdateMeetingRequest,
  createMeetingRequestSchema,
  startNowRequestSchema,
} from '../api/meetings';
import type { OrgTree } from '../orgTree/orgTree';
import type { MeetingStore, StoredMeeting } from './meetingStore';
import {
  slotsInWindow,
  type OccurrenceSlot,
  type Timing,
  occurrenceId,
  slotOf,
} from './occurrences';
import { parseRule } from './recurrence';
import { assertCanAddress, assertCanManage } from './rights';
import { resolveSelectors } from './selectors';
import { findConflicts } from './conflicts';
import { assertSessionAhead, sameMinute } from './pastStart';

export const newMeetingId = () => randomBytes(8).toString('hex');

export function publicMeeting(m: StoredMeeting): Meeting {
  const { exceptions: _exceptions, ...rest } = m;
  return rest;
}

export interface MeetingChangeListener {
  (meeting: StoredMeeting): void;
}

/** Creating, changing and cancelling meetings, with rights and invitations checked first. */
export class MeetingService {
  readonly #tree: OrgTree;
  readonly #store: MeetingStore;
  readonly timing: Timing;
  readonly #listeners: MeetingChangeListener[] = [];

  constructor(tree: OrgTree, store: MeetingStore, timing: Timing) {
    this.#tree = tree;
    this.#store = store;
    this.timing = timing;
  }

  get store(): MeetingStore {
    return this.#store;
  }

  /** Called after every successful save (jobs planning). */
  onChange(listener: MeetingChangeListener): void {
    this.#listeners.push(listener);
  }

  #changed(meeting: StoredMeeting): void {
    for (const l of this.#listeners) l(meeting);
  }

  async create(
    session: SessionClaims,
    input: CreateMeetingRequest,
    extra: Partial<Pick<StoredMeeting, 'kind' | 'audioFirst' | 'videoUnitIds'>> = {},
  ): Promise<{ meeting: StoredMeeting; conflicts: Conflict[] }> {
    const req = parseOrThrow(createMeetingRequestSchema, input);
    const hostUnitId = req.hostUnitId ?? session.unitId;
    if (!this.#tree.get(hostUnitId))
      throw new AppError('BAD_REQUEST', [{ path: 'hostUnitId', message: 'unknown unit' }]);
    assertCanAddress(this.#tree, session, [hostUnitId]);
    const invitedUnitIds = resolveSelectors(this.#tree, req.selectors);
    assertCanAddress(this.#tree, session, invitedUnitIds);
    const startMs = Date.parse(req.start);
    if (req.recurrence) parseRule(req.recurrence.rrule, startMs);
    assertSessionAhead(startMs, req.recurrence?.rrule);
    const now = new Date().toISOString();
    const meeting: StoredMeeting = {
      id: newMeetingId(),
      title: req.title,
      description: req.description,
      kind: extra.kind ?? 'regular',
      hostUnitId,
      createdBy: session.accountId,
      start: new Date(startMs).toISOString(),
      durationMinutes: req.durationMinutes,
      timeZone: MEETING_TIME_ZONE,
      recurrence: req.recurrence,
      selectors: req.selectors,
      invitedUnitIds,
      audioFirst: extra.audioFirst ?? false,
      videoUnitIds: extra.videoUnitIds ?? [],
      status: 'active',
      version: 1,
      createdAt: now,
      updatedAt: now,
      exceptions: {},
    };
    const entry = await this.#store.save(meeting, -1);
    this.#changed(meeting);
    return { meeting, conflicts: findConflicts(this.#store, entry) };
  }

  /** A one-off meeting starting now: its room is open at once. */
  async startNow(
    session: SessionClaims,
    input: StartNowRequest,
    extra: Partial<Pick<StoredMeeting, 'kind' | 'audioFirst' | 'videoUnitIds'>> = {},
  ): Promise<{ meeting: StoredMeeting; slot: OccurrenceSlot; conflicts: Conflict[] }> {
    const req = parseOrThrow(startNowRequestSchema, input);
    const start = new Date(Math.floor(Date.now() / 1000) * 1000).toISOString();
    const { meeting, conflicts } = await this.create(
      session,
      { title: req.title, start, durationMinutes: req.durationMinutes, selectors: req.selectors },
      extra,
    );
    return { meeting, slot: slotOf(meeting, Date.parse(meeting.start)), conflicts };
  }

  async #load(id: string): Promise<StoredMeeting> {
    const meeting = await this.#store.fetch(id);
    if (!meeting) throw new AppError('NOT_FOUND');
    return meeting;
  }

  async update(
    session: SessionClaims,
    id: string,
    req: UpdateMeetingRequest,
  ): Promise<{ meeting: StoredMeeting; conflicts: Conflict[] }> {
    const current = await this.#load(id);
    assertCanManage(this.#tree, session, current.hostUnitId);
    if (current.status === 'cancelled') throw new AppError('CONFLICT', { reason: 'cancelled' });
    if (req.version !== current.version)
      throw new AppError('CONFLICT', { reason: 'stale version', version: current.version });
    // The form shows minutes: its start in the same minute as a "meet now" start
    // (08:02:37) is the same start, and re-timing it would change the occurrence id.
    const start =
      req.start && !sameMinute(Date.parse(req.start), Date.parse(current.start))
        ? new Date(Date.parse(req.start)).toISOString()
        : current.start;
    const recurrence = req.recurrence === undefined ? current.recurrence : req.recurrence;
    // The client sends the whole form: only a real change of start or rule re-times the meeting.
    const retimed =
      start !== current.start ||
      (recurrence?.rrule ?? null) !== (current.recurrence?.rrule ?? null);
    if (retimed) {
      if (recurrence) parseRule(recurrence.rrule, Date.parse(start));
      // Re-timing may not put the meeting in the past; a title or invitation
      // change of a running or past meeting stays allowed.
      assertSessionAhead(Date.parse(start), recurrence?.rrule);
    }
    const next: StoredMeeting = {
      ...current,
      title: req.title ?? current.title,
      description: req.description ?? current.description,
      start,
      durationMinutes: req.durationMinutes ?? current.durationMinutes,
      recurrence,
      selectors: req.selectors ?? current.selectors,
      version: current.version + 1,
      updatedAt: new Date().toISOString(),
    };
    if (req.selectors) {
      next.invitedUnitIds = resolveSelectors(this.#tree, req.selectors);
      assertCanAddress(this.#tree, session, next.invitedUnitIds);
    }
    if (retimed) {
      // A new series: single-occurrence edits no longer point at real occurrences.
      next.exceptions = {};
    }
    const entry = await this.#store.save(next, current.version);
    this.#changed(next);
    return { meeting: next, conflicts: findConflicts(this.#store, entry) };
  }

  async cancel(session: SessionClaims, id: string): Promise<StoredMeeting> {
    const current = await this.#load(id);
    assertCanManage(this.#tree, session, current.hostUnitId);
    if (current.status === 'cancelled') return current;
    const next: StoredMeeting = {
      ...current,
      status: 'cancelled',
      version: current.version + 1,
      updatedAt: new Date().toISOString(),
    };
    await this.#store.save(next, current.version);
    this.#changed(next);
    return next;
  }

  /** Applies a change to one occurrence (edit, cancel, end) with the same rights as the series. */
  async changeOccurrence(
    session: SessionClaims,
    meetingId: string,
    originalStart: number,
    change: (slot: OccurrenceSlot) => StoredMeeting['exceptions'][string],
  ): Promise<{ meeting: StoredMeeting; slot: OccurrenceSlot; conflicts: Conflict[] }> {
    const current = await this.#load(meetingId);
    assertCanManage(this.#tree, session, current.hostUnitId);
    const entry = this.#store.get(meetingId);
    const known =
      current.exceptions[String(originalStart)] !== undefined ||
      (entry?.starts.includes(originalStart) ?? false);
    if (!known) throw new AppError('NOT_FOUND');
    const override = change(slotOf(current, originalStart));
    if (override.invitedUnitIds) assertCanAddress(this.#tree, session, override.invitedUnitIds);
    const next: StoredMeeting = {
      ...current,
      exceptions: { ...current.exceptions, [String(originalStart)]: override },
      version: current.version + 1,
      updatedAt: new Date().toISOString(),
    };
    const saved = await this.#store.save(next, current.version);
    this.#changed(next);
    const slot = slotOf(next, originalStart);
    const conflicts = findConflicts(this.#store, saved).filter(
      (c) => c.occurrenceId === occurrenceId(meetingId, originalStart),
    );
    return { meeting: next, slot, conflicts };
  }

  resolve(selectors: Parameters<typeof resolveSelectors>[1]): string[] {
    return resolveSelectors(this.#tree, selectors);
  }

  /** Occurrences overlapping [from, to) of every meeting, or of those touching these units (callers filter by rights). */
  *slots(from: number, to: number, unitIds?: string[]): Generator<OccurrenceSlot> {
    const entries = unitIds ? this.#store.forUnits(unitIds) : this.#store.entries();
    for (const entry of entries) yield* slotsInWindow(entry, from, to);
  }
}
