import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp } from '../../infra/test/app';
import { connect, login, startMeeting, type TestClient } from './testing/clients';

/**
 * Joins racing the meeting's media. The last endpoint leaves, and the emptied meeting's media is being closed
 * (an SFU node over Redis answers in its own time) when a unit joins: its
 * endpoint must be made after the close, not in the SFU meeting being closed,
 * where it would die unnoticed (the room lists it, it hears nothing: what
 * e2e/workerLoss saw in full CI runs). Real server and mediasoup worker; the
 * close is slowed down by wrapping the real call in a delay.
 */
describe('joins racing the meeting media', () => {
  let app: Awaited<ReturnType<typeof startTestApp>>;
  const open: TestClient[] = [];
  beforeAll(async () => {
    app = await startTestApp({ SFU_WORKERS: '1', SIGNALING_GRACE_MS: '0' });
  });
  afterAll(async () => {
    for (const c of open) c.close();
    await app?.close();
  });

  it('a join while the emptied meeting is closing gets a live endpoint in a fresh SFU meeting', async () => {
    const host = await login(app.url, 'host450');
    const meetingId = await startMeeting(app.url, host, ['18853', '18856']);
    const a = await connect(app.url, await login(app.url, 'u18853'));
    const b = await connect(app.url, await login(app.url, 'u18856'));
    open.push(a, b);
    const first = await a.request('meeting:join', { meetingId, deviceId: 'dev-a' });
    if (!first.ok) throw new Error(JSON.stringify(first.error));

    const sfu = app.sfu as { closeMeeting(id: string): Promise<void> };
    const realClose = sfu.closeMeeting.bind(sfu);
    let closing = false;
    sfu.closeMeeting = async (id) => {
      closing = true;
      await new Promise((r) => setTimeout(r, 600));
      await realClose(id);
      closing = false;
    };
    try {
      // The leave answers once the media is closed: join while it is under way.
      const left = a.request('meeting:leave', {});
      await expect.poll(() => closing, { timeout: 2_000, interval: 10 }).toBe(true);
      const joined = await b.request('meeting:join', { meetingId, deviceId: 'dev-b' });
      if (!joined.ok) throw new Error(JSON.stringify(joined.error));
      expect((await left).ok).toBe(true);
      await expect.poll(() => closing, { timeout: 5_000, interval: 20 }).toBe(false);
      // B's endpoint lives in the SFU: its transports answer.
      const restarted = await b.request('media:restartIce', {
        transportId: joined.data.recvTransport.id,
      });
      expect(restarted.ok).toBe(true);
      expect(app.signaling.meetings()).toEqual([{ meetingId, endpoints: 1 }]);
    } finally {
      sfu.closeMeeting = realClose;
    }
  });

  it('a join whose worker dies before it is admitted fails UNAVAILABLE, and the next one lives', async () => {
    const host = await login(app.url, 'host450');
    const meetingId = await startMeeting(app.url, host, ['18853']);
    const a = await connect(app.url, await login(app.url, 'u18853'));
    open.push(a);
    const sfu = app.sfu as {
      linkState(m: string, e: string): Promise<unknown>;
    };
    const realLinkState = sfu.linkState.bind(sfu);
    let killed = false;
    // The worker dies between the SFU making the endpoint and the room admitting it.
    sfu.linkState = async (m, e) => {
      if (!killed) {
        killed = true;
        const lost = new Promise<void>((resolve) => {
          const off = app.sfu.onEvent((ev) => {
            if (ev.type === 'endpointLost' && ev.endpointId === e) {
              off();
              resolve();
            }
          });
        });
        process.kill(app.workers.workers[0]!.worker.pid, 'SIGKILL');
        await lost;
      }
      return realLinkState(m, e);
    };
    try {
      const first = await a.request('meeting:join', { meetingId, deviceId: 'dev-a' });
      expect(first.ok).toBe(false);
      if (!first.ok) expect(first.error.code).toBe('UNAVAILABLE');
      expect(killed).toBe(true);
    } finally {
      sfu.linkState = realLinkState;
    }
    // The pool replaces the worker; the client's retry gets a live endpoint.
    await expect
      .poll(
        async () => {
          const j = await a.request('meeting:join', { meetingId, deviceId: 'dev-a' });
          if (!j.ok) return false;
          const r = await a.request('media:restartIce', { transportId: j.data.recvTransport.id });
          return r.ok;
        },
        { timeout: 15_000, interval: 500 },
      )
      .toBe(true);
  });
});
