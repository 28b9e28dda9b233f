import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp } from '../../infra/test/app';
import { connect, login, startMeeting, type TestClient } from './testing/clients';

const opus = (ssrc: number) => ({
  codecs: [
    {
      mimeType: 'audio/opus',
      payloadType: 111,
      clockRate: 48000,
      channels: 2,
      parameters: {},
      rtcpFeedback: [],
    },
  ],
  encodings: [{ ssrc }],
  headerExtensions: [],
  rtcp: { cname: 'fuzz' },
  mid: '0',
});
const dtls = {
  role: 'client',
  fingerprints: [{ algorithm: 'sha-256', value: Array(32).fill('AB').join(':') }],
};

/** Issue 11, items 11 and 13 (real server, real mediasoup worker). */
describe('client mistakes and devices', () => {
  let app: Awaited<ReturnType<typeof startTestApp>>;
  let meetingId: string;
  const open: TestClient[] = [];
  beforeAll(async () => {
    app = await startTestApp({ SFU_WORKERS: '1' });
    meetingId = await startMeeting(app.url, await login(app.url, 'host450'), ['18853']);
  });
  afterAll(async () => {
    for (const c of open) c.close();
    await app?.close();
  });

  const joined = async (who: string, deviceId: string) => {
    const c = await connect(app.url, await login(app.url, who));
    open.push(c);
    const j = await c.request('meeting:join', { meetingId, deviceId });
    if (!j.ok) throw new Error(JSON.stringify(j.error));
    return { c, join: j.data };
  };

  it('a second connect of a transport and a produce reusing a mid are BAD_REQUEST, not INTERNAL', async () => {
    const { c, join } = await joined('u18853', 'dev-mistakes');
    const transportId = join.sendTransport.id;
    const first = await c.request('media:connectTransport', { transportId, dtlsParameters: dtls });
    expect(first.ok).toBe(true);
    const again = await c.request('media:connectTransport', { transportId, dtlsParameters: dtls });
    expect(again).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });

    const mic = await c.request('media:produce', {
      transportId,
      kind: 'audio',
      source: 'mic',
      rtpParameters: opus(1111),
    });
    expect(mic.ok).toBe(true);
    const sameMid = await c.request('media:produce', {
      transportId,
      kind: 'audio',
      source: 'screen',
      rtpParameters: opus(2222),
    });
    expect(sameMid).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    // Item 14: NUL and lone surrogates are refused in chat, and nothing is kept.
    for (const text of ['xin\u0000chào', 'xin chào \ud800'])
      expect(await c.request('chat:send', { text })).toMatchObject({
        ok: false,
        error: { code: 'BAD_REQUEST' },
      });
    expect(app.signaling.meetingState(meetingId)?.chat).toBe(0);
    // The mistakes changed nothing: the microphone is still there, alone.
    const me = app.signaling.meetingState(meetingId)?.endpoints.find((e) => e.unitId === '18853');
    expect(me?.producers.map((p) => p.source)).toEqual(['mic']);
  });

  it("another account of the same unit naming this account's deviceId does not replace it", async () => {
    const host = await joined('host450', 'shared-device');
    const member = await joined('u450', 'shared-device');
    const of450 = () =>
      app.signaling
        .meetingState(meetingId)
        ?.endpoints.filter((e) => e.unitId === '450')
        .map((e) => e.id)
        .sort();
    expect(of450()).toEqual([host.join.self.id, member.join.self.id].sort());
    expect(host.c.events.some((e) => e.name === 'meeting:ended')).toBe(false);
    // The same account from the same device still replaces its old endpoint (a rejoin).
    const ended = host.c.next('meeting:ended', 10_000);
    const again = await joined('host450', 'shared-device');
    expect(await ended).toEqual({ reason: 'replaced' });
    expect(of450()).toEqual([again.join.self.id, member.join.self.id].sort());
  });
});
