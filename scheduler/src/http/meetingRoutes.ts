import express, { type Router } from 'express';
import { AppError, parseOrThrow } from '@giaoban/common/errors';
import type { MeetingGate, SessionVerifier } from '@giaoban/common/ports';
import {
  createMeetingRequestSchema,
  editOccurrenceRequestSchema,
  listOccurrencesQuerySchema,
  startNowRequestSchema,
  updateMeetingRequestSchema,
  type MeetingAccessResponse,
  type MeetingResponse,
  type OccurrenceResponse,
  type OccurrencesResponse,
  type StartNowResponse,
} from '../api/meetings';
import type { AuditLog } from '../audit/auditLog';
import { requireSession, sessionOf } from '../auth/middleware';
import { publicMeeting, type MeetingService } from '../meetings/meetingService';
import type { MeetingViews } from '../meetings/meetingViews';
import { assertStartAhead, sameMinute } from '../meetings/pastStart';
import {
  openSlot,
  parseOccurrenceId,
  slotsInWindow,
  toOccurrence,
  type OccurrenceSlot,
} from '../meetings/occurrences';
import { canSee } from '../meetings/rights';
import type { OrgTree } from '../orgTree/orgTree';

export interface MeetingRoutesDeps {
  tree: OrgTree;
  meetings: MeetingService;
  views: MeetingViews;
  sessions: SessionVerifier;
  audit: AuditLog;
  /** Who may enter a room now (the signaling join asks the same). */
  gate: MeetingGate;
  /** Called when a host ends an occurrence early. */
  onEnded(slot: OccurrenceSlot): Promise<void>;
  /** Called with the occurrences (open or within the next day) that a cancellation removed. */
  onCancelled(slots: OccurrenceSlot[]): void;
  /** Called after an edit, with the open occurrence before and after it (units dropped from it leave). */
  onInvitationsChanged(before: OccurrenceSlot | undefined, after: OccurrenceSlot | undefined): void;
}

/** /meetings and /occurrences. */
export function meetingRoutes(deps: MeetingRoutesDeps): Router {
  const { meetings, views, audit, tree } = deps;
  const router = express.Router();
  router.use(['/meetings', '/occurrences'], requireSession(deps.sessions));
  const timing = meetings.timing;

  router.post('/meetings', async (req, res) => {
    const body = parseOrThrow(createMeetingRequestSchema, req.body);
    const { meeting, conflicts } = await meetings.create(sessionOf(req), body);
    const out: MeetingResponse = { meeting: publicMeeting(meeting), conflicts };
    res.status(201).json(out);
  });

  router.post('/meetings/start-now', async (req, res) => {
    const body = parseOrThrow(startNowRequestSchema, req.body);
    const { meeting, slot, conflicts } = await meetings.startNow(sessionOf(req), body);
    const out: StartNowResponse = {
      meeting: publicMeeting(meeting),
      occurrence: toOccurrence(slot, timing, Date.now()),
      conflicts,
    };
    res.status(201).json(out);
  });

  router.get('/meetings/:id', async (req, res) => {
    const entry = meetings.store.get(req.params.id);
    const session = sessionOf(req);
    const m = entry?.meeting;
    if (!m || !canSee(tree, session, m.hostUnitId, m.invitedUnitIds))
      throw new AppError('NOT_FOUND');
    res.json({ meeting: publicMeeting(m) });
  });

  router.get('/meetings/:id/access', async (req, res) => {
    const grant = await deps.gate.authorizeJoin(req.params.id, sessionOf(req));
    const out: MeetingAccessResponse = {
      title: grant.title,
      kind: grant.kind,
      isHost: grant.isHost,
    };
    res.json(out);
  });

  const openNow = (meetingId: string) => openSlot(meetings.store.get(meetingId), timing);

  router.patch('/meetings/:id', async (req, res) => {
    const body = parseOrThrow(updateMeetingRequestSchema, req.body);
    const before = openNow(req.params.id);
    const { meeting, conflicts } = await meetings.update(sessionOf(req), req.params.id, body);
    deps.onInvitationsChanged(before, openNow(meeting.id));
    const out: MeetingResponse = { meeting: publicMeeting(meeting), conflicts };
    res.json(out);
  });

  router.delete('/meetings/:id', async (req, res) => {
    const session = sessionOf(req);
    const before = meetings.store.get(req.params.id);
    const meeting = await meetings.cancel(session, req.params.id);
    if (before) {
      const now = Date.now();
      // From the close grace back: a room still open after its end closes too.
      const soon = slotsInWindow(before, now - timing.closeGraceMs, now + 86_400_000).filter(
        (s) => !s.override?.cancelled && !s.override?.endedAt,
      );
      deps.onCancelled(soon);
    }
    await audit.record(session, 'meeting.cancel', meeting.id, { title: meeting.title });
    res.json({ meeting: publicMeeting(meeting) });
  });

  router.get('/occurrences', async (req, res) => {
    const query = parseOrThrow(listOccurrencesQuerySchema, req.query);
    const out: OccurrencesResponse = { occurrences: await views.list(sessionOf(req), query) };
    res.json(out);
  });

  router.get('/occurrences/:id', (req, res) => {
    res.json({ occurrence: views.occurrence(sessionOf(req), req.params.id) });
  });

  router.patch('/occurrences/:id', async (req, res) => {
    const body = parseOrThrow(editOccurrenceRequestSchema, req.body);
    const session = sessionOf(req);
    views.slot(session, req.params.id);
    const { meetingId, originalStart } = parseOccurrenceId(req.params.id);
    const invitedUnitIds = body.selectors ? meetings.resolve(body.selectors) : undefined;
    const before = openNow(meetingId);
    const { slot, conflicts } = await meetings.changeOccurrence(
      session,
      meetingId,
      originalStart,
      (s) => {
        // Moving a session into the past is refused; editing a running or past one otherwise
        // is not. The form has minutes: a start in the same minute is no move.
        const moved = body.start !== undefined && !sameMinute(Date.parse(body.start), s.start);
        if (moved) assertStartAhead(Date.parse(body.start as string));
        return {
          ...s.override,
          ...(body.title ? { title: body.title } : {}),
          ...(moved ? { start: new Date(Date.parse(body.start as string)).toISOString() } : {}),
          ...(body.durationMinutes ? { durationMinutes: body.durationMinutes } : {}),
          ...(body.selectors && invitedUnitIds
            ? { selectors: body.selectors, invitedUnitIds }
            : {}),
        };
      },
    );
    deps.onInvitationsChanged(before, openNow(meetingId));
    const out: OccurrenceResponse = {
      occurrence: toOccurrence(slot, timing, Date.now()),
      conflicts,
    };
    res.json(out);
  });

  const occurrenceAction = (action: 'cancel' | 'end') =>
    (async (req, res) => {
      const session = sessionOf(req);
      views.slot(session, req.params.id as string);
      const { meetingId, originalStart } = parseOccurrenceId(req.params.id as string);
      const { slot } = await meetings.changeOccurrence(session, meetingId, originalStart, (s) =>
        action === 'cancel'
          ? { ...s.override, cancelled: true }
          : { ...s.override, endedAt: new Date().toISOString() },
      );
      if (action === 'end') await deps.onEnded(slot);
      else if (slot.end + timing.closeGraceMs > Date.now()) deps.onCancelled([slot]);
      await audit.record(session, `occurrence.${action}`, req.params.id as string);
      const out: OccurrenceResponse = {
        occurrence: toOccurrence(slot, timing, Date.now()),
        conflicts: [],
      };
      res.json(out);
    }) satisfies express.RequestHandler;
  router.post('/occurrences/:id/cancel', occurrenceAction('cancel'));
  /** Ends an open occurrence now (its room closes). */
  router.post('/occurrences/:id/end', occurrenceAction('end'));

  return router;
}
