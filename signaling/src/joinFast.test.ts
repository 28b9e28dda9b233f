import { beforeAll, describe, expect, it } from 'vitest';
import { opusRtpParameters } from '@giaoban/sfu/testing/rtp';
import { startMeeting } from './testing/clients';
import { useSignalingApp } from './testing/useSignalingApp';

// Real all-in-one server (scheduler, signaling, one mediasoup worker, redis), real
// socket.io clients; no browser, so no RTP flows: this checks the join's answer and SFU state.
describe('prepared join: one round trip from click to consumers', () => {
  const t = useSignalingApp({ SFU_WORKERS: '1' }, ['host450', 'u18853', 'u18856', 'u18859']);
  const client = (who: string) => t.client(who);
  let meetingId: string;
  let micId: string;

  beforeAll(async () => {
    meetingId = await startMeeting(t.app.url, t.tokens.host450!, ['18853', '18856']);
    const host = await client('host450');
    const j = await host.request('meeting:join', { meetingId, deviceId: 'dev-h' });
    if (!j.ok) throw new Error(JSON.stringify(j.error));
    const p = await host.request('media:produce', {
      transportId: j.data.sendTransport.id,
      kind: 'audio',
      rtpParameters: opusRtpParameters(1111) as unknown as Record<string, unknown>,
      source: 'mic',
    });
    if (!p.ok) throw new Error(JSON.stringify(p.error));
    micId = p.data.producerId;
  });

  it('refuses to prepare a meeting the unit is not invited to', async () => {
    const stranger = await client('u18859');
    expect(await stranger.request('meeting:prepare', { meetingId })).toMatchObject({
      ok: false,
      error: { code: 'NOT_INVITED' },
    });
  });

  it('answers a prepared join with its consumers already resumed and a lean answer', async () => {
    const a = await client('u18853');
    const prep = await a.request('meeting:prepare', { meetingId });
    if (!prep.ok) throw new Error(JSON.stringify(prep.error));
    expect(prep.data.isHost).toBe(false);
    // The router's capabilities stand in for the browser Device's receive capabilities.
    const caps = prep.data.routerRtpCapabilities;
    expect(caps).toHaveProperty('codecs');
    expect(await a.request('media:capabilities', { rtpCapabilities: caps })).toEqual({
      ok: true,
      data: {},
    });

    const j = await a.request('meeting:join', { meetingId, deviceId: 'dev-a' });
    if (!j.ok) throw new Error(JSON.stringify(j.error));
    expect(j.data.routerRtpCapabilities).toBeUndefined();
    expect(j.data.consumers).toHaveLength(1);
    const c = j.data.consumers![0]!;
    expect(c).toMatchObject({ producerId: micId, kind: 'audio', source: 'mic', paused: false });
    const fingerprints = j.data.recvTransport.dtlsParameters.fingerprints as {
      algorithm: string;
    }[];
    expect(fingerprints.map((f) => f.algorithm)).toEqual(['sha-256']);

    // On the SFU the consumer exists and the client side of its gate is open.
    const meeting = await t.app.sfu.meeting(meetingId);
    const endpoint = meeting!.endpoints.find((e) => e.id === j.data.self.id)!;
    expect(endpoint.consumer(c.id).producerId).toBe(micId);
    expect(endpoint.consumer(c.id).paused).toBe(false);
    // A later consume of the same producer (a repeated announcement) uses the kept capabilities.
    const again = await a.request('media:consume', { producerIds: [micId] });
    expect(again).toMatchObject({ ok: true, data: { failed: [] } });
  });

  it('falls back to the full answer when the socket never told its capabilities', async () => {
    const b = await client('u18856');
    const j = await b.request('meeting:join', { meetingId, deviceId: 'dev-b' });
    if (!j.ok) throw new Error(JSON.stringify(j.error));
    expect(j.data.routerRtpCapabilities).toHaveProperty('codecs');
    expect(j.data.consumers).toBeUndefined();
    expect(j.data.endpoints.flatMap((e) => e.producers.map((p) => p.id))).toContain(micId);
  });
});
