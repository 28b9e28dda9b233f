import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSchedulerApp, type ApiClient, type SchedulerTestApp } from '../testing/schedulerApp';
import type { AttendanceResponse } from '../api/attendance';
import type { ConveneResponse } from '../api/emergency';
import type { RollCall } from '../api/notifications';
import type { DialCall, DialPlan, MeetingPhone } from '../api/phone';

const KEY = 'dialout-unit-key-0123456789abcdef';

/**
 * Dial-out and "joined by phone" on the scheduler's side (real redis-server,
 * bullmq): the phone role's routes (phone key), the emergency's automatic
 * call of silent units, the roll call's phoneJoinedAt for any phone join
 * (dial-in too), attendance by phone. No phone role runs here: jobs stay
 * queued (e2e/phoneDialOut.test.ts places the calls).
 */
describe('dial-out on the scheduler (real redis-server)', () => {
  let app: SchedulerTestApp;
  let host: ApiClient;
  let chihuy: ApiClient;
  const role = async (path: string, body: unknown, key = KEY) => {
    const res = await fetch(`${app.url}/api${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json().catch(() => null)) as unknown };
  };

  beforeAll(async () => {
    app = await startSchedulerApp({
      PHONE_SERVICE_KEY: KEY,
      PHONE_SIP_NUMBER: '02323800017',
      PHONE_ESCALATE_CALL_AFTER_MIN: '0.02',
    });
    host = await app.as('host450');
    chihuy = await app.as('chihuy');
    const admin = await app.as('admin');
    for (const [u, n] of [
      ['18856', '0912000056'],
      ['18853', '0912000053'],
    ] as const)
      expect((await admin.call('PUT', `/units/${u}/phones`, { numbers: [n] })).status).toBe(200);
  });
  afterAll(async () => {
    await app?.close();
  });

  it('the host calls a unit once at a time; the role gets its numbers and a session only while it goes on', async () => {
    const start = await host.call('POST', '/meetings/start-now', {
      title: 'Họp thử',
      durationMinutes: 60,
      selectors: [{ type: 'unit', unitId: '18856' }],
    });
    const meetingId = (start.body as { meeting: { id: string } }).meeting.id;
    expect(
      (await role('/phone/unit-session', { meetingId, unitId: '18856' })).status,
      'no call, no session',
    ).toBe(403);
    const first = await host.call('POST', `/meetings/${meetingId}/phone/calls`, {
      unitId: '18856',
    });
    expect(first.status).toBe(202);
    const again = await host.call('POST', `/meetings/${meetingId}/phone/calls`, {
      unitId: '18856',
    });
    expect((again.body as DialCall).callId).toBe((first.body as DialCall).callId);
    const callId = (first.body as DialCall).callId;
    expect((await role(`/phone/dial/${callId}/plan`, {}, 'x'.repeat(32))).status).toBe(401);
    const plan = (await role(`/phone/dial/${callId}/plan`, {})).body as DialPlan;
    expect(plan).toMatchObject({ proceed: true, unitId: '18856', numbers: ['0912000056'] });
    expect(
      (await role(`/phone/dial/${callId}/state`, { state: 'ringing', attempt: 1 })).body,
    ).toEqual({
      proceed: true,
    });
    const session = await role('/phone/unit-session', { meetingId, unitId: '18856' });
    expect(session.status).toBe(200);
    const claims = await app.scheduler.sessions.verify((session.body as { token: string }).token);
    expect(claims).toMatchObject({ unitId: '18856', role: 'member', via: 'phone' });
    await role(`/phone/dial/${callId}/state`, { state: 'noAnswer', attempt: 1 });
    const seen = (await host.call('GET', `/meetings/${meetingId}/phone`)).body as MeetingPhone;
    expect(seen.calls).toEqual([expect.objectContaining({ unitId: '18856', state: 'noAnswer' })]);
    expect((await role('/phone/unit-session', { meetingId, unitId: '18856' })).status).toBe(403);
    // A unit without numbers, a unit not invited.
    expect(
      (await host.call('POST', `/meetings/${meetingId}/phone/calls`, { unitId: '450' })).status,
    ).toBe(403);
  });

  it('an emergency calls the silent unit with numbers, not the one that acknowledged; a phone join sets phoneJoinedAt', async () => {
    const res = await chihuy.call('POST', '/emergencies', {
      title: 'Lũ quét',
      selectors: [
        { type: 'unit', unitId: '18853' },
        { type: 'unit', unitId: '18856' },
      ],
    });
    const e = (res.body as ConveneResponse).emergency;
    const u18853 = await app.as('u18853');
    expect(
      (await u18853.call('POST', `/emergencies/${e.id}/ack`, { stage: 'acknowledged' })).status,
    ).toBe(204);
    const calls = async () =>
      ((await chihuy.call('GET', `/meetings/${e.meetingId}/phone`)).body as MeetingPhone).calls ??
      [];
    await expect
      .poll(async () => (await calls()).map((c) => c.unitId), { timeout: 10_000 })
      .toEqual(['18856']);
    const callId = (await calls())[0]!.callId;
    // The role places it: calledAt. Then 18856 joins by phone (as the phone role's endpoint does).
    await role(`/phone/dial/${callId}/state`, { state: 'calling', attempt: 1 });
    const at = Date.now();
    app.scheduler.attendance.record({
      type: 'joined',
      meetingId: e.meetingId,
      occurrenceId: e.occurrenceId,
      unitId: '18856',
      endpointId: 'phone-ep',
      at,
      audioOnly: true,
      reconnect: false,
      phone: true,
    });
    const rollCall = async () =>
      ((await chihuy.call('GET', `/emergencies/${e.id}`)).body as { rollCall: RollCall }).rollCall;
    await expect
      .poll(async () => (await rollCall()).units.find((u) => u.unitId === '18856')?.phoneJoinedAt)
      .toBe(new Date(at).toISOString());
    const rc = await rollCall();
    expect(rc.units.find((u) => u.unitId === '18856')?.calledAt).toBeTruthy();
    expect(rc.units.find((u) => u.unitId === '18853')).toMatchObject({
      calledAt: null,
      phoneJoinedAt: null,
    });
    // Joined: the call is no longer needed.
    expect(
      (await role(`/phone/dial/${callId}/state`, { state: 'calling', attempt: 2 })).body,
    ).toEqual({
      proceed: false,
    });

    // Attendance: 18856 by phone (its minutes), 18853 in a browser is not.
    app.scheduler.attendance.record({
      type: 'joined',
      meetingId: e.meetingId,
      occurrenceId: e.occurrenceId,
      unitId: '18853',
      endpointId: 'browser-ep',
      at,
      audioOnly: false,
      reconnect: false,
    });
    app.scheduler.attendance.record({
      type: 'left',
      meetingId: e.meetingId,
      occurrenceId: e.occurrenceId,
      unitId: '18856',
      endpointId: 'phone-ep',
      at: at + 90_000,
    });
    const att = (await chihuy.call('GET', `/attendance/${e.occurrenceId}`))
      .body as AttendanceResponse;
    expect(att.rows.find((r) => r.unitId === '18856')).toMatchObject({
      joinedByPhone: true,
      minutesByPhone: 1.5,
    });
    expect(att.rows.find((r) => r.unitId === '18853')).toMatchObject({
      joinedByPhone: false,
      minutesByPhone: 0,
    });
    const csv = await fetch(`${app.url}/api/attendance/${e.occurrenceId}/csv`, {
      headers: { authorization: `Bearer ${chihuy.token}` },
    }).then((r) => r.text());
    expect(csv.split('\r\n')[0]).toContain('present_now,joined_by_phone,minutes_by_phone');
  });

  it('an emergency that ended calls nobody', async () => {
    const res = await chihuy.call('POST', '/emergencies', {
      title: 'Báo động thử',
      selectors: [{ type: 'unit', unitId: '18856' }],
    });
    const e = (res.body as ConveneResponse).emergency;
    expect((await chihuy.call('POST', `/emergencies/${e.id}/end`)).status).toBe(200);
    await new Promise((r) => setTimeout(r, 3_000));
    expect(
      ((await chihuy.call('GET', `/meetings/${e.meetingId}/phone`)).body as MeetingPhone).calls,
    ).toEqual([]);
  });
});
