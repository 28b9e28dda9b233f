import express, { type Router } from 'express';
import { AppError, parseOrThrow } from '@giaoban/common/errors';
import type { SessionVerifier } from '@giaoban/common/ports';
import { dialReportSchema, dialRequestSchema, type DialCall, type DialPlan } from '../api/phone';
import type { AuditLog } from '../audit/auditLog';
import { requireSession, sessionOf } from '../auth/middleware';
import type { MeetingStore } from '../meetings/meetingStore';
import { isManager } from '../meetings/rights';
import type { OrgTree } from '../orgTree/orgTree';
import type { DialOutService } from '../phone/dialOut';
import { sameKey } from '../phone/phonePins';

/**
 * Dial-out (docs/phone.md): POST /meetings/:id/phone/calls — the host calls an
 * invited unit (the host's rights as for the PIN list; only with a phone
 * bridge). POST /phone/dial/:callId/plan and /state — the phone role (Bearer:
 * the phone key) takes up a queued call and reports its progress.
 */
export function dialOutRoutes(deps: {
  tree: OrgTree;
  meetings: MeetingStore;
  dialOut: DialOutService;
  sessions: SessionVerifier;
  audit: AuditLog;
  serviceKey: string;
  configured: boolean;
}): Router {
  const router = express.Router();
  const phoneRole = (auth = '') => {
    if (!auth.startsWith('Bearer ') || !sameKey(auth.slice(7), deps.serviceKey))
      throw new AppError('UNAUTHENTICATED');
  };

  router.post('/meetings/:id/phone/calls', requireSession(deps.sessions), async (req, res) => {
    const session = sessionOf(req);
    const entry = deps.meetings.get(String(req.params.id));
    if (!entry) throw new AppError('NOT_FOUND');
    const m = entry.meeting;
    if (!isManager(session) || !deps.tree.isInSubtree(session.unitId, m.hostUnitId))
      throw new AppError('FORBIDDEN');
    if (!deps.configured) throw new AppError('PHONE_NOT_CONFIGURED');
    const { unitId } = parseOrThrow(dialRequestSchema, req.body);
    if (!m.invitedUnitIds.includes(unitId)) throw new AppError('NOT_INVITED');
    const call: DialCall = await deps.dialOut.request({ meetingId: m.id, unitId, reason: 'host' });
    await deps.audit.record(session, 'phone.dialOut', m.id, { unitId, callId: call.callId });
    res.status(202).json(call);
  });

  router.post('/phone/dial/:callId/plan', async (req, res) => {
    phoneRole(req.headers.authorization);
    const plan: DialPlan = await deps.dialOut.plan(String(req.params.callId));
    res.json(plan);
  });

  router.post('/phone/dial/:callId/state', async (req, res) => {
    phoneRole(req.headers.authorization);
    const { state, attempt } = parseOrThrow(dialReportSchema, req.body);
    res.json({ proceed: await deps.dialOut.report(String(req.params.callId), state, attempt) });
  });

  return router;
}
