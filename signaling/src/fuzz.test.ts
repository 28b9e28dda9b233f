import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp } from '../../infra/test/app';
import { requestNames } from './protocol/index';
import { connect, login, startMeeting, type TestClient } from './testing/clients';

/** Deterministic PRNG so a failure replays. */
function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

describe('signaling fuzz', () => {
  let app: Awaited<ReturnType<typeof startTestApp>>;
  let meetingId: string;
  const clients: TestClient[] = [];

  beforeAll(async () => {
    // A high rate limit so that the fuzz reaches validation and handlers instead of the limiter.
    app = await startTestApp({ SFU_WORKERS: '1', SIGNALING_RATE_PER_SECOND: '100000' });
    const host = await login(app.url, 'host450');
    meetingId = await startMeeting(app.url, host, ['18853', '18856']);
    for (const [who, device] of [
      ['host450', 'h'],
      ['u18853', 'a'],
    ] as const) {
      const c = await connect(app.url, await login(app.url, who));
      const j = await c.request('meeting:join', { meetingId, deviceId: device });
      expect(j.ok).toBe(true);
      clients.push(c);
    }
    // A third socket that never joined: out-of-order calls.
    clients.push(await connect(app.url, await login(app.url, 'u18856')));
  });
  afterAll(async () => {
    for (const c of clients) c.close();
    await app?.close();
  });

  async function snapshot() {
    const m = await app.sfu.meeting(meetingId);
    return {
      meetings: app.signaling.meetings(),
      state: app.signaling.meetingState(meetingId),
      producers: await app.sfu.producers(meetingId),
      media: await m!.mediaCounts(),
    };
  }

  it('survives thousands of malformed and random messages with its state unchanged', async () => {
    const before = await snapshot();
    const rand = rng(42);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
    const junkValue = (depth = 0): unknown => {
      switch (Math.floor(rand() * 10)) {
        case 0:
          return null;
        case 1:
          return Math.floor(rand() * 2 ** 40) * (rand() < 0.5 ? -1 : 1);
        case 2:
          return 'x'.repeat(Math.floor(rand() * 60_000)); // just under the 64 KiB frame limit
        case 3:
          return rand() < 0.5;
        case 4:
          return depth < 3 ? Array.from({ length: 3 }, () => junkValue(depth + 1)) : [];
        case 5:
          return { __proto__: { polluted: true }, constructor: 'x' };
        case 6:
          return `ghost-${Math.floor(rand() * 1e6)}`; // unknown ids
        case 7:
          return depth < 3 ? junkObject(depth + 1) : {};
        case 8:
          return rand() * 1e308;
        default:
          return '\u0000\uffff🙂'.repeat(Math.floor(rand() * 20));
      }
    };
    const keys = [
      'meetingId',
      'deviceId',
      'producerId',
      'consumerId',
      'consumerIds',
      'producerIds',
      'transportId',
      'endpointId',
      'text',
      'locked',
      'kind',
      'source',
      'rtpParameters',
      'dtlsParameters',
      'rtpCapabilities',
      'layers',
    ];
    const junkObject = (depth: number): Record<string, unknown> => {
      const o: Record<string, unknown> = { [pick(keys)]: junkValue(depth) };
      for (let i = 0; i < 3; i++) if (rand() < 0.5) o[pick(keys)] = junkValue(depth);
      return o;
    };
    // Valid shapes that point at nothing, so they must fail on ids, not on validation.
    const wellFormedGhost = (name: string): unknown => {
      const id = `ghost-${Math.floor(rand() * 1e6)}`;
      if (name === 'meeting:join') return { meetingId: id, deviceId: 'fuzz' };
      if (name.startsWith('moderation:') && name !== 'moderation:lock') return { endpointId: id };
      if (name === 'media:consume') return { producerIds: [id], rtpCapabilities: { codecs: [] } };
      if (name.endsWith('Consumers')) return { consumerIds: [id] };
      if (name === 'media:setPreferredLayers')
        return { consumerId: id, layers: { spatialLayer: 1 } };
      if (name === 'media:restartIce') return { transportId: id };
      if (name === 'media:connectTransport')
        return { transportId: id, dtlsParameters: { role: 'client', fingerprints: [] } };
      if (name === 'media:produce')
        return { transportId: id, kind: 'audio', source: 'mic', rtpParameters: { codecs: [] } };
      return { producerId: id };
    };
    // Requests that would legitimately change state when well formed are only ever sent malformed.
    const stateful = new Set([
      'meeting:leave',
      'hand:raise',
      'hand:lower',
      'moderation:muteAll',
      'moderation:takeFloor',
      'moderation:lowerAllHands',
      'moderation:lock',
      'chat:send',
    ]);

    const sends: Promise<unknown>[] = [];
    const acks: unknown[] = [];
    const oks: unknown[] = [];
    for (let i = 0; i < 3000; i++) {
      const c = pick(clients);
      const known = rand() < 0.85;
      const name = known ? pick(requestNames) : `fuzz:${Math.floor(rand() * 100)}`;
      let payload =
        known && !stateful.has(name) && rand() < 0.3 ? wellFormedGhost(name) : junkValue();
      // Nested junk can exceed the frame limit, which cuts the socket (tested separately below).
      if (Buffer.byteLength(JSON.stringify(payload) ?? '') > 60_000) payload = 'y'.repeat(60_000);
      if (!known || rand() < 0.1) {
        c.socket.emit(name, payload); // unknown events and requests without an ack are ignored
        continue;
      }
      sends.push(
        c.socket
          .timeout(10_000)
          .emitWithAck(name, payload)
          .then(
            (a: unknown) => {
              acks.push(a);
              if ((a as { ok?: boolean }).ok) oks.push({ name, a });
            },
            () => acks.push('timeout'),
          ),
      );
      if (i % 200 === 0) await Promise.all(sends.splice(0));
    }
    await Promise.all(sends);
    const answered = acks.filter((a) => typeof a === 'object' && a !== null) as {
      ok: boolean;
      error?: { code: string };
    }[];
    expect(acks.filter((a) => a === 'timeout')).toEqual([]);
    // The only success a ghost may get: a batch consume that consumed nothing.
    for (const { name, a } of oks as { name: string; a: { data: unknown } }[]) {
      expect(name).toBe('media:consume');
      expect(a.data).toMatchObject({ consumers: [] });
    }
    expect(answered.every((a) => a.ok || typeof a.error?.code === 'string')).toBe(true);
    expect(answered.length).toBeGreaterThan(1000);
    expect(answered.some((a) => a.error?.code === 'INTERNAL')).toBe(false);

    // A frame over the 64 KiB limit cuts that socket only.
    const big = await connect(app.url, await login(app.url, 'u18859'));
    const cut = new Promise((resolve) => big.socket.once('disconnect', resolve));
    big.socket.emit('chat:send', { text: 'x'.repeat(200_000) }, () => undefined);
    expect(await cut).toBe('transport close');

    const health = await fetch(`${app.url}/healthz`);
    expect(health.status).toBe(200);
    expect(await snapshot()).toEqual(before);
  }, 60_000);
});
