import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSchedulerApp, type ApiClient, type SchedulerTestApp } from '../testing/schedulerApp';
import type { ConveneResponse } from '../api/emergency';
import type { RollCall } from '../api/notifications';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const floodUnits = [
  { type: 'tier', unitId: '452', tier: 'commune' },
  { type: 'tier', unitId: '453', tier: 'commune' },
] as const;

describe('emergency convene (real redis-server)', () => {
  let app: SchedulerTestApp;
  let chihuy: ApiClient;
  let convened: ConveneResponse;
  beforeAll(async () => {
    app = await startSchedulerApp();
    chihuy = await app.as('chihuy');
  });
  afterAll(async () => {
    await app?.close();
  });

  it('only the commander, province hosts and admins may convene', async () => {
    for (const [user, status] of [
      ['u18904', 403],
      ['u44', 403],
      ['host452', 403],
      ['host450', 403],
    ] as const) {
      const res = await (
        await app.as(user)
      ).call('POST', '/emergencies', { selectors: floodUnits });
      expect(res.status, user).toBe(status);
    }
    expect(app.scheduler.meetings.store.size).toBe(0);
    expect(app.notifier.of('emergency:alert')).toHaveLength(0);
  });

  it('opens an audio-first meeting for all communes of 452 and 453 and alerts them in one action', async () => {
    const res = await chihuy.call('POST', '/emergencies', {
      title: 'Lũ khẩn cấp',
      message: 'Báo cáo tình hình ngập lụt ngay',
      selectors: floodUnits,
    });
    expect(res.status).toBe(201);
    convened = res.body as ConveneResponse;
    expect(convened.emergency.unitIds).toHaveLength(15 + 19);
    expect(convened.rollCall.totals).toMatchObject({
      invited: 34,
      delivered: 0,
      acknowledged: 0,
      joined: 0,
    });
    expect(convened.rollCall.units.every((u) => u.notifiedAt !== null)).toBe(true);

    const alerts = app.notifier.of('emergency:alert');
    expect(alerts).toHaveLength(1);
    expect(alerts[0]?.unitIds).toHaveLength(34);
    expect(alerts[0]?.payload).toMatchObject({
      title: 'Lũ khẩn cấp',
      audioFirst: true,
      convenerUnitId: '44',
    });

    const session = await app.scheduler.sessions.verify((await app.as('u18904')).token);
    const grant = await app.scheduler.gate.authorizeJoin(convened.emergency.meetingId, session);
    expect(grant).toMatchObject({
      kind: 'emergency',
      audioFirst: true,
      videoUnitIds: ['44'],
      isHost: false,
    });
    const cmd = await app.scheduler.gate.authorizeJoin(
      convened.emergency.meetingId,
      await app.scheduler.sessions.verify(chihuy.token),
    );
    expect(cmd.isHost).toBe(true);
  });

  it('tracks delivered, acknowledged, joined and audio-only per unit and pushes the roll call', async () => {
    const id = convened.emergency.id;
    const commune = await app.as('u18904');
    expect(
      (await commune.call('POST', `/emergencies/${id}/ack`, { stage: 'delivered' })).status,
    ).toBe(204);
    const other = await app.as('u18949'); // Đồng Lê, district 453
    expect(
      (await other.call('POST', `/emergencies/${id}/ack`, { stage: 'acknowledged' })).status,
    ).toBe(204);
    const outsider = await app.as('u18853'); // Đồng Hới: not invited
    expect(
      (await outsider.call('POST', `/emergencies/${id}/ack`, { stage: 'acknowledged' })).status,
    ).toBe(404);
    expect((await commune.call('POST', `/emergencies/${id}/ack`, { stage: 'seen' })).status).toBe(
      400,
    );

    const base = {
      meetingId: convened.emergency.meetingId,
      occurrenceId: convened.emergency.occurrenceId,
    };
    app.scheduler.attendance.record({
      ...base,
      type: 'joined',
      unitId: '18904',
      endpointId: 'e1',
      at: Date.now(),
      audioOnly: true,
      reconnect: false,
    });
    app.scheduler.attendance.record({
      ...base,
      type: 'joined',
      unitId: '18949',
      endpointId: 'e2',
      at: Date.now(),
      audioOnly: false,
      reconnect: false,
    });
    await app.scheduler.attendance.flush();
    await sleep(400); // roll-call pushes are coalesced every 250 ms

    const pushed = app.notifier.of('emergency:rollCall');
    expect(pushed.length).toBeGreaterThan(0);
    expect(pushed.every((p) => p.unitIds.join() === '44')).toBe(true);
    const last = pushed[pushed.length - 1]?.payload as RollCall;
    expect(last.totals).toMatchObject({
      invited: 34,
      delivered: 2,
      acknowledged: 1,
      joined: 2,
      present: 2,
      audioOnly: 1,
    });
    const u18904 = last.units.find((u) => u.unitId === '18904');
    expect(u18904).toMatchObject({ present: true, audioOnly: true, acknowledgedAt: null });
    expect(u18904?.deliveredAt).not.toBeNull();

    const viaRest = await chihuy.call('GET', `/emergencies/${id}`);
    expect(viaRest.body.rollCall.totals).toEqual(last.totals);
    const ownLine = await commune.call('GET', `/emergencies/${id}`);
    expect(ownLine.body.rollCall.units.map((u: { unitId: string }) => u.unitId)).toEqual(['18904']);
  });

  it('ends the emergency: endpoints told, room closed, actions audited', async () => {
    const id = convened.emergency.id;
    expect((await (await app.as('host452')).call('POST', `/emergencies/${id}/end`)).status).toBe(
      403,
    );
    const res = await chihuy.call('POST', `/emergencies/${id}/end`);
    expect(res.status).toBe(200);
    expect(res.body.emergency.endedAt).not.toBeNull();
    expect(app.notifier.of('emergency:ended')[0]?.unitIds).toHaveLength(34);
    const session = await app.scheduler.sessions.verify((await app.as('u18904')).token);
    await expect(
      app.scheduler.gate.authorizeJoin(convened.emergency.meetingId, session),
    ).rejects.toMatchObject({
      code: 'MEETING_NOT_OPEN',
    });
    const audit = await chihuy.call('GET', '/audit');
    expect(audit.body.entries.map((e: { action: string }) => e.action).slice(0, 2)).toEqual([
      'emergency.end',
      'emergency.convene',
    ]);
    expect((await (await app.as('host44')).call('GET', '/audit')).status).toBe(403);
  });

  it('keeps the emergency and its roll call across a restart of redis-server and the app', async () => {
    const id = convened.emergency.id;
    const before = (await chihuy.call('GET', `/emergencies/${id}`)).body.rollCall as RollCall;
    await app.restart();
    chihuy = await app.as('chihuy');
    const after = (await chihuy.call('GET', `/emergencies/${id}`)).body.rollCall as RollCall;
    expect(after.totals).toEqual(before.totals);
    expect(after.endedAt).not.toBeNull();
    expect(after.units.find((u) => u.unitId === '18949')?.acknowledgedAt).toBe(
      before.units.find((u) => u.unitId === '18949')?.acknowledgedAt,
    );
  });
});
