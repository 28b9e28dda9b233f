import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp } from '../../../infra/test/app';
import { connect, login, type TestClient } from '../../../signaling/src/testing/clients';
import type { AttendanceResponse } from '../api/attendance';

/**
 * The whole all-in-one server (real signaling, real mediasoup worker, real
 * redis-server): scheduler notifications reach connected sockets of the
 * addressed units only, and joins through signaling land in attendance and in
 * the emergency roll call.
 */
/** The first matching event already received or arriving within the timeout. */
async function eventOf(client: TestClient, name: string, timeoutMs = 5000): Promise<unknown> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const hit = client.events.find((e) => e.name === name);
    if (hit) return hit.payload;
    if (Date.now() > deadline) throw new Error(`no ${name} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('scheduler ↔ signaling delivery (whole app)', () => {
  let app: Awaited<ReturnType<typeof startTestApp>>;
  const clients: TestClient[] = [];
  const post = async (token: string, path: string, body: unknown) => {
    const res = await fetch(`${app.url}/api${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as Record<string, any> }; // eslint-disable-line @typescript-eslint/no-explicit-any
  };
  beforeAll(async () => {
    // Reminder 3 s before, room opens 2 s before.
    app = await startTestApp({
      SFU_WORKERS: '1',
      REMINDER_LEAD_MIN: '0.05',
      OPEN_LEAD_MIN: '0.0334',
    });
  });
  afterAll(async () => {
    for (const c of clients) c.close();
    await app?.close();
  });

  it("delivers reminders and room opening to the invited units' sockets, not to others", async () => {
    const invited = await connect(app.url, await login(app.url, 'u18904'));
    const stranger = await connect(app.url, await login(app.url, 'u18853'));
    clients.push(invited, stranger);
    const host = await login(app.url, 'host452');
    const start = Date.now() + 5000;
    const created = await post(host, '/meetings', {
      title: 'Giao ban Minh Hóa',
      start: new Date(start).toISOString(),
      durationMinutes: 30,
      selectors: [{ type: 'tier', unitId: '452', tier: 'commune' }],
    });
    expect(created.status).toBe(201);
    const reminder = (await eventOf(invited, 'meeting:reminder', 6000)) as {
      meetingId: string;
      title: string;
    };
    expect(reminder).toMatchObject({
      meetingId: created.body.meeting.id,
      title: 'Giao ban Minh Hóa',
    });
    const opened = (await eventOf(invited, 'meeting:opened', 4000)) as { meetingId: string };
    expect(opened.meetingId).toBe(created.body.meeting.id);
    expect(stranger.events.filter((e) => e.name.startsWith('meeting:'))).toEqual([]);
  });

  it('alerts every connected endpoint of the convened units; joins feed the roll call and attendance', async () => {
    const dan = await connect(app.url, await login(app.url, 'u18904'));
    const dongLe = await connect(app.url, await login(app.url, 'u18949'));
    const hoiThanh = await connect(app.url, await login(app.url, 'u18853')); // Đồng Hới: not convened
    const chihuyToken = await login(app.url, 'chihuy');
    const command = await connect(app.url, chihuyToken);
    clients.push(dan, dongLe, hoiThanh, command);

    const convened = await post(chihuyToken, '/emergencies', {
      title: 'Lũ khẩn cấp',
      selectors: [
        { type: 'tier', unitId: '452', tier: 'commune' },
        { type: 'tier', unitId: '453', tier: 'commune' },
      ],
    });
    expect(convened.status).toBe(201);
    const { emergency } = convened.body;
    const alerts = await Promise.all([
      eventOf(dan, 'emergency:alert'),
      eventOf(dongLe, 'emergency:alert'),
    ]);
    expect(alerts.map((a) => (a as { emergencyId: string }).emergencyId)).toEqual([
      emergency.id,
      emergency.id,
    ]);
    expect(hoiThanh.events.some((e) => e.name === 'emergency:alert')).toBe(false);

    const joined = await dan.request('meeting:join', {
      meetingId: emergency.meetingId,
      deviceId: 'dev-dan-1',
    });
    expect(joined).toMatchObject({ ok: true });
    const refused = await hoiThanh.request('meeting:join', {
      meetingId: emergency.meetingId,
      deviceId: 'dev-ht-1',
    });
    expect(refused).toMatchObject({ ok: false });

    // The command post (unit 44) gets the roll call pushed with Dân Hóa joined.
    const deadline = Date.now() + 5000;
    let joinedCount = 0;
    while (Date.now() < deadline && joinedCount === 0) {
      const pushed = command.events.filter((e) => e.name === 'emergency:rollCall');
      const last = pushed[pushed.length - 1]?.payload as { totals: { joined: number } } | undefined;
      joinedCount = last?.totals.joined ?? 0;
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(joinedCount).toBe(1);

    const res = await fetch(`${app.url}/api/attendance/${emergency.occurrenceId}`, {
      headers: { authorization: `Bearer ${chihuyToken}` },
    });
    const attendance = (await res.json()) as AttendanceResponse;
    const row = attendance.rows.find((r) => r.unitId === '18904');
    expect(row).toMatchObject({ present: true });
    expect(row?.firstJoinAt).not.toBeNull();
  });
});
