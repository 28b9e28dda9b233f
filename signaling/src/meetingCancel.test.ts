import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp } from '../../infra/test/app';
import { connect, login, startMeeting, type TestClient } from './testing/clients';

/**
 * Issue 11, item 2: a meeting cancelled while people are in it closes (they
 * are told and removed, chat stops, /metrics stops counting it), and a unit
 * dropped from the open occurrence's invitations leaves the room.
 */
describe('cancelling or un-inviting empties the room', () => {
  let app: Awaited<ReturnType<typeof startTestApp>>;
  const open: TestClient[] = [];
  beforeAll(async () => {
    app = await startTestApp({ SFU_WORKERS: '1' });
  });
  afterAll(async () => {
    for (const c of open) c.close();
    await app?.close();
  });

  const api = async (token: string, method: string, path: string, body?: unknown) => {
    const res = await fetch(`${app.url}/api${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null };
  };

  /** Host 450 and the given communes in a meeting open now; returns the meeting and their clients. */
  async function meetingWith(communes: string[]) {
    const hostToken = await login(app.url, 'host450');
    const meetingId = await startMeeting(app.url, hostToken, communes);
    const clients: TestClient[] = [];
    for (const who of ['host450', ...communes.map((c) => `u${c}`)]) {
      const c = await connect(app.url, await login(app.url, who));
      open.push(c);
      const j = await c.request('meeting:join', { meetingId, deviceId: `dev-${who}` });
      if (!j.ok) throw new Error(JSON.stringify(j.error));
      clients.push(c);
    }
    const occurrence = (await api(hostToken, 'GET', `/meetings/${meetingId}`)).body.meeting;
    return {
      hostToken,
      meetingId,
      clients,
      occurrenceId: `${meetingId}.${Date.parse(occurrence.start as string)}`,
    };
  }

  const liveMeetings = async () => {
    const text = await (await fetch(`${app.url}/metrics`)).text();
    return Number(/^giaoban_meetings_live (\d+)/m.exec(text)?.[1]);
  };

  it('DELETE of the meeting tells everyone inside, removes them and closes the room', async () => {
    const { hostToken, meetingId, clients } = await meetingWith(['18853']);
    expect(await liveMeetings()).toBe(1);
    const ended = clients.map((c) => c.next('meeting:ended', 10_000));
    const res = await api(hostToken, 'DELETE', `/meetings/${meetingId}`);
    expect(res.status).toBe(200);
    expect(await Promise.all(ended)).toEqual([{ reason: 'cancelled' }, { reason: 'cancelled' }]);
    await expect.poll(() => app.signaling.meetings()).toEqual([]);
    expect(await liveMeetings()).toBe(0);
    // Chat no longer works, and nobody gets back in.
    const chat = await clients[1]!.request('chat:send', { text: 'vẫn còn đây?' });
    expect(chat).toMatchObject({ ok: false, error: { code: 'MEETING_NOT_OPEN' } });
    const rejoin = await clients[1]!.request('meeting:join', { meetingId, deviceId: 'dev-again' });
    expect(rejoin).toMatchObject({ ok: false, error: { code: 'MEETING_NOT_OPEN' } });
  });

  it('cancelling the open occurrence closes its room too', async () => {
    const { hostToken, meetingId, clients, occurrenceId } = await meetingWith(['18856']);
    const ended = clients.map((c) => c.next('meeting:ended', 10_000));
    const res = await api(hostToken, 'POST', `/occurrences/${occurrenceId}/cancel`);
    expect(res.status).toBe(200);
    expect(await Promise.all(ended)).toEqual([{ reason: 'cancelled' }, { reason: 'cancelled' }]);
    await expect
      .poll(() => app.signaling.meetings().map((m) => m.meetingId))
      .not.toContain(meetingId);
  });

  /** The units with an endpoint in the meeting's room, sorted. */
  const unitsInRoom = (meetingId: string) =>
    app.signaling
      .meetingState(meetingId)
      ?.endpoints.map((e) => e.unitId)
      .sort();

  it('a unit dropped from the open occurrence is removed and told why; the others stay', async () => {
    const { hostToken, meetingId, clients, occurrenceId } = await meetingWith(['18853', '18859']);
    const [host, kept, dropped] = clients as [TestClient, TestClient, TestClient];
    const told = dropped.next('meeting:ended', 10_000);
    const res = await api(hostToken, 'PATCH', `/occurrences/${occurrenceId}`, {
      selectors: [{ type: 'unit', unitId: '18853' }],
    });
    expect(res.status).toBe(200);
    expect(await told).toEqual({ reason: 'uninvited' });
    await expect.poll(() => unitsInRoom(meetingId)).toEqual(['18853', '450']);
    const chat = await dropped.request('chat:send', { text: 'còn nghe không?' });
    expect(chat).toMatchObject({ ok: false, error: { code: 'MEETING_NOT_OPEN' } });
    const back = await dropped.request('meeting:join', { meetingId, deviceId: 'dev-u18859' });
    expect(back).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect((await kept.request('chat:send', { text: 'vẫn họp' })).ok).toBe(true);
    expect(host.events.some((e) => e.name === 'meeting:ended')).toBe(false);
  });

  it('the same through the series: a PATCH of the meeting drops a unit from its open occurrence', async () => {
    const { hostToken, meetingId, clients } = await meetingWith(['18853', '18859']);
    const dropped = clients[2]!;
    const told = dropped.next('meeting:ended', 10_000);
    const current = (await api(hostToken, 'GET', `/meetings/${meetingId}`)).body.meeting;
    const res = await api(hostToken, 'PATCH', `/meetings/${meetingId}`, {
      version: current.version,
      selectors: [{ type: 'unit', unitId: '18853' }],
    });
    expect(res.status).toBe(200);
    expect(await told).toEqual({ reason: 'uninvited' });
    await expect.poll(() => unitsInRoom(meetingId)).toEqual(['18853', '450']);
  });
});
