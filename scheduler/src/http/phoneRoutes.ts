import express, { type Router } from 'express';
import { AppError, parseOrThrow } from '@giaoban/common/errors';
import type { SessionVerifier } from '@giaoban/common/ports';
import {
  phoneSessionRequestSchema,
  type MeetingPhone,
  type PhoneSessionResponse,
} from '../api/phone';
import type { AccountStore } from '../accounts/accountStore';
import type { SessionTokens } from '../auth/tokens';
import { requireSession, sessionOf } from '../auth/middleware';
import type { MeetingStore } from '../meetings/meetingStore';
import { isManager } from '../meetings/rights';
import type { OrgTree } from '../orgTree/orgTree';
import { sameKey, type PhonePins } from '../phone/phonePins';

/**
 * GET /meetings/:id/phone — the dial-in number and PINs (a host: every
 * invited unit's; a unit: its own). POST /phone/session — the phone role
 * (Bearer: the phone key) turns a caller's PIN into a session of the PIN's
 * unit, marked `via: 'phone'`, issued for the unit's member account (a phone
 * never gets a host's rights).
 */
export function phoneRoutes(deps: {
  tree: OrgTree;
  meetings: MeetingStore;
  pins: PhonePins;
  accounts: AccountStore;
  tokens: SessionTokens;
  sessions: SessionVerifier;
  serviceKey: string;
  number: string | undefined;
}): Router {
  const { tree, meetings, pins } = deps;
  const router = express.Router();

  const invitedOf = (meetingId: string) => {
    const entry = meetings.get(meetingId);
    if (!entry) throw new AppError('NOT_FOUND');
    const m = entry.meeting;
    return { meeting: m, units: [...new Set([m.hostUnitId, ...m.invitedUnitIds])] };
  };

  router.get('/meetings/:id/phone', requireSession(deps.sessions), async (req, res) => {
    const session = sessionOf(req);
    const { meeting, units } = invitedOf(String(req.params.id));
    const host = isManager(session) && tree.isInSubtree(session.unitId, meeting.hostUnitId);
    const visible = host ? units : units.filter((u) => u === session.unitId);
    if (visible.length === 0) throw new AppError('NOT_INVITED');
    const found = await pins.pinsFor(meeting.id, visible);
    const body: MeetingPhone = {
      number: deps.number ?? null,
      pins: visible.map((u) => ({
        unitId: u,
        unitName: tree.get(u)?.name ?? u,
        pin: found.get(u)!,
      })),
    };
    res.json(body);
  });

  router.post('/phone/session', async (req, res) => {
    const auth = req.headers.authorization ?? '';
    if (!auth.startsWith('Bearer ') || !sameKey(auth.slice(7), deps.serviceKey))
      throw new AppError('UNAUTHENTICATED');
    const { pin } = parseOrThrow(phoneSessionRequestSchema, req.body);
    const target = await pins.resolve(pin);
    if (!target) throw new AppError('PHONE_PIN_WRONG');
    const { meeting, units } = invitedOf(target.meetingId);
    if (!units.includes(target.unitId)) throw new AppError('PHONE_PIN_WRONG');
    const all = await deps.accounts.all();
    const ofUnit = all.filter((a) => a.unitId === target.unitId);
    const account = ofUnit.find((a) => a.role === 'member') ?? ofUnit[0];
    if (!account) throw new AppError('NOT_FOUND', { reason: 'unit has no account' });
    // The member's rights whatever the account: a phone never hosts.
    const { token } = await deps.tokens.issue({ ...account, role: 'member' }, { via: 'phone' });
    const body: PhoneSessionResponse = {
      token,
      meetingId: meeting.id,
      unitId: target.unitId,
      unitName: tree.get(target.unitId)?.name ?? target.unitId,
      title: meeting.title,
    };
    res.json(body);
  });

  return router;
}
