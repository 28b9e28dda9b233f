import express, { type Router } from 'express';
import { AppError, parseOrThrow } from '@giaoban/common/errors';
import type { SessionVerifier } from '@giaoban/common/ports';
import {
  phoneSessionRequestSchema,
  unitSessionRequestSchema,
  type MeetingPhone,
  type PhoneSessionResponse,
} from '../api/phone';
import type { AccountStore } from '../accounts/accountStore';
import type { SessionTokens } from '../auth/tokens';
import { requireSession, sessionOf } from '../auth/middleware';
import type { MeetingStore } from '../meetings/meetingStore';
import { isManager } from '../meetings/rights';
import type { OrgTree } from '../orgTree/orgTree';
import type { DialOutService } from '../phone/dialOut';
import { sameKey, type PhonePins } from '../phone/phonePins';
import type { UnitPhoneBook } from '../phone/unitPhones';

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
  /** Dial-out (the host's "Gọi điện"): which units have numbers, the calls' progress. */
  dialOut?: { service: DialOutService; phones: UnitPhoneBook };
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
    const dial = host && deps.dialOut;
    const callable = dial ? await deps.dialOut!.phones.getMany(visible) : undefined;
    const body: MeetingPhone = {
      number: deps.number ?? null,
      pins: visible.map((u) => ({
        unitId: u,
        unitName: tree.get(u)?.name ?? u,
        pin: found.get(u)!,
        ...(callable ? { callable: callable.has(u) } : {}),
      })),
      ...(dial ? { dialOut: true, calls: await deps.dialOut!.service.calls(meeting.id) } : {}),
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
    const { units } = invitedOf(target.meetingId);
    if (!units.includes(target.unitId)) throw new AppError('PHONE_PIN_WRONG');
    res.json(await sessionOfUnit(target.meetingId, target.unitId));
  });

  /** A session of the unit for the meeting, marked `via: 'phone'` (dial-in and dial-out). */
  const sessionOfUnit = async (meetingId: string, unitId: string) => {
    const { meeting } = invitedOf(meetingId);
    const all = await deps.accounts.all();
    const ofUnit = all.filter((a) => a.unitId === unitId);
    const account = ofUnit.find((a) => a.role === 'member') ?? ofUnit[0];
    if (!account) throw new AppError('NOT_FOUND', { reason: 'unit has no account' });
    // The member's rights whatever the account: a phone never hosts.
    const { token } = await deps.tokens.issue({ ...account, role: 'member' }, { via: 'phone' });
    const body: PhoneSessionResponse = {
      token,
      meetingId: meeting.id,
      unitId,
      unitName: tree.get(unitId)?.name ?? unitId,
      title: meeting.title,
    };
    return body;
  };

  /**
   * Dial-out: the callee pressed 1 — a session of unit X for meeting Y (phone key), only
   * while a dial-out call of that unit for that meeting is going on (not a PIN).
   */
  router.post('/phone/unit-session', async (req, res) => {
    requireServiceKey(req.headers.authorization);
    const { meetingId, unitId } = parseOrThrow(unitSessionRequestSchema, req.body);
    const { units } = invitedOf(meetingId);
    if (!units.includes(unitId)) throw new AppError('NOT_INVITED');
    if (!(await deps.dialOut?.service.live(meetingId, unitId)))
      throw new AppError('FORBIDDEN', { reason: 'no dial-out call of the unit' });
    res.json(await sessionOfUnit(meetingId, unitId));
  });

  const requireServiceKey = (auth = '') => {
    if (!auth.startsWith('Bearer ') || !sameKey(auth.slice(7), deps.serviceKey))
      throw new AppError('UNAUTHENTICATED');
  };

  return router;
}
