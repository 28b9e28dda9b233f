import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp } from '../../infra/test/app';
import { connect, login, startMeeting, type TestClient } from './testing/clients';

/** "Kết thúc cuộc họp" must empty the room, not only stop new joins. */
describe('ending an occurrence closes its room', () => {
  let app: Awaited<ReturnType<typeof startTestApp>>;
  const open: TestClient[] = [];
  beforeAll(async () => {
    app = await startTestApp({ SFU_WORKERS: '1' });
  });
  afterAll(async () => {
    for (const c of open) c.close();
    await app?.close();
  });

  it('tells every endpoint inside "meeting:ended" (closed) and frees the meeting', async () => {
    const hostToken = await login(app.url, 'host450');
    const communeToken = await login(app.url, 'u18853');
    const meetingId = await startMeeting(app.url, hostToken, ['18853']);
    for (const [token, device] of [
      [hostToken, 'dev-h'],
      [communeToken, 'dev-c'],
    ] as const) {
      const c = await connect(app.url, token);
      open.push(c);
      const j = await c.request('meeting:join', { meetingId, deviceId: device });
      if (!j.ok) throw new Error(JSON.stringify(j.error));
    }
    expect(app.signaling.meetings()).toEqual([{ meetingId, endpoints: 2 }]);

    const q = new URLSearchParams({
      from: new Date(Date.now() - 3_600_000).toISOString(),
      to: new Date(Date.now() + 3_600_000).toISOString(),
    });
    const list = await fetch(`${app.url}/api/occurrences?${q}`, {
      headers: { authorization: `Bearer ${hostToken}` },
    });
    const { occurrences } = (await list.json()) as {
      occurrences: { id: string; meetingId: string }[];
    };
    const occurrence = occurrences.find((o) => o.meetingId === meetingId)!;
    const ended = open.map((c) => c.next('meeting:ended', 10_000));
    const res = await fetch(`${app.url}/api/occurrences/${occurrence.id}/end`, {
      method: 'POST',
      headers: { authorization: `Bearer ${hostToken}` },
    });
    expect(res.status).toBeLessThan(300);
    expect(await Promise.all(ended)).toEqual([{ reason: 'closed' }, { reason: 'closed' }]);
    await expect.poll(() => app.signaling.meetings()).toEqual([]);
    await expect(app.sfu.routers(meetingId)).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('ending an emergency closes its room too', async () => {
    const commanderToken = await login(app.url, 'chihuy');
    const communeToken = await login(app.url, 'u18904');
    const res = await fetch(`${app.url}/api/emergencies`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${commanderToken}` },
      body: JSON.stringify({ title: 'Họp khẩn', selectors: [{ type: 'unit', unitId: '18904' }] }),
    });
    expect(res.status).toBe(201);
    const { emergency } = (await res.json()) as { emergency: { id: string; meetingId: string } };
    const c = await connect(app.url, communeToken);
    open.push(c);
    const j = await c.request('meeting:join', {
      meetingId: emergency.meetingId,
      deviceId: 'dev-e',
    });
    if (!j.ok) throw new Error(JSON.stringify(j.error));
    const ended = c.next('meeting:ended', 10_000);
    const end = await fetch(`${app.url}/api/emergencies/${emergency.id}/end`, {
      method: 'POST',
      headers: { authorization: `Bearer ${commanderToken}` },
    });
    expect(end.status).toBeLessThan(300);
    expect(await ended).toEqual({ reason: 'closed' });
    await expect.poll(() => app.signaling.meetings()).toEqual([]);
  });
});
