import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp } from '../../infra/test/app';
import { connect, login, startMeeting, type TestClient } from './testing/clients';

const vp8 = {
  codecs: [{ mimeType: 'video/VP8', payloadType: 96, clockRate: 90000, rtcpFeedback: [] }],
  encodings: [{ ssrc: 4242 }],
};
const good = { rttMs: 20, availableOutgoingKbps: 3_000, upLoss: 0, downLoss: 0 };

// Real all-in-one server (scheduler, signaling, one mediasoup worker, redis); the
// sockets are real socket.io clients. No browser: no RTP flows, only the decisions.
describe('last-N over signaling: selection notice and pins', () => {
  let app: Awaited<ReturnType<typeof startTestApp>>;
  const open: TestClient[] = [];
  let host: TestClient;
  let a: TestClient;
  let b: TestClient;
  let cameraId: string;

  beforeAll(async () => {
    app = await startTestApp({ SFU_WORKERS: '1', LAST_N_VIDEOS: '4' });
    const tokens: Record<string, string> = {};
    for (const u of ['host450', 'u18853', 'u18856']) tokens[u] = await login(app.url, u);
    const meetingId = await startMeeting(app.url, tokens.host450!, ['18853', '18856']);
    for (const u of ['host450', 'u18853', 'u18856']) open.push(await connect(app.url, tokens[u]));
    [host, a, b] = open as [TestClient, TestClient, TestClient];
    for (const [i, c] of open.entries()) {
      const j = await c.request('meeting:join', { meetingId, deviceId: `dev-${i}` });
      if (!j.ok) throw new Error(JSON.stringify(j.error));
      if (c === a) {
        const p = await a.request('media:produce', {
          transportId: j.data.sendTransport.id,
          kind: 'video',
          rtpParameters: vp8,
          source: 'camera',
        });
        if (!p.ok) throw new Error(JSON.stringify(p.error));
        cameraId = p.data.producerId;
      }
      if (c === b) {
        const r = await b.request('media:consume', {
          producerIds: [cameraId],
          rtpCapabilities: j.data.routerRtpCapabilities,
        });
        if (!r.ok) throw new Error(JSON.stringify(r.error));
        await b.request('media:resumeConsumers', { consumerIds: [r.data.consumers[0]!.id] });
      }
    }
  });
  afterAll(async () => {
    for (const c of open) c.close();
    await app?.close();
  });

  const selections = (c: TestClient) =>
    c.events
      .filter((e) => e.name === 'media:videoSelection')
      .map((e) => (e.payload as { producerIds: string[] }).producerIds);

  it('tells the receiver which videos it gets: none while audio-only, then the camera', async () => {
    expect(selections(b).at(-1)).toEqual([]); // audio first: no video yet
    const next = b.next('media:videoSelection', 8_000);
    for (let i = 0; i < 5 && selections(b).at(-1)?.length === 0; i++) {
      await b.request('link:report', good);
      await new Promise((r) => setTimeout(r, 1_000));
    }
    expect(await next).toEqual({ producerIds: [cameraId] });
  });

  it('pins a unit for the receiver; only a host pins for everyone', async () => {
    expect(await b.request('video:pin', { unitId: '18853', pinned: true })).toEqual({
      ok: true,
      data: { pinned: ['18853'] },
    });
    expect(await b.request('video:pinForAll', { unitId: '18853', pinned: true })).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN' },
    });
    expect(await host.request('video:pinForAll', { unitId: '18853', pinned: true })).toEqual({
      ok: true,
      data: { pinned: ['18853'] },
    });
    expect(await b.request('video:pin', { unitId: '18853', pinned: false })).toEqual({
      ok: true,
      data: { pinned: [] },
    });
    const bad = await b.request('video:pin', { unitId: '', pinned: true } as never);
    expect(bad).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
  });
});
