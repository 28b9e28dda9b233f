import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { types as ms } from 'mediasoup';
import { createLogger } from '@giaoban/common/logger';
import { loadSfuConfig } from '../config';
import { WorkerPool } from '../workerPool';
import { Meeting } from '../meeting';
import { opusRtpParameters } from '../testing/rtp';
import { EndpointLink } from './endpointLink';
import type { LinkSnapshot } from './endpointLink';

const log = createLogger('test', 'warn');

const vp8 = (ssrc: number): ms.RtpParameters => ({
  codecs: [{ mimeType: 'video/VP8', payloadType: 96, clockRate: 90000, rtcpFeedback: [] }],
  encodings: [{ ssrc }],
});

const good = { rttMs: 20, availableOutgoingKbps: 3_000, upLoss: 0, downLoss: 0 };
const twoG = { rttMs: 320, availableOutgoingKbps: 60, upLoss: 0.02, downLoss: 0.02 };
const gprs = { rttMs: 2_000, availableOutgoingKbps: 20, upLoss: 0.3, downLoss: 0.3 };

describe('EndpointLink (real mediasoup worker, PlainTransports)', () => {
  let pool: WorkerPool;
  let meeting: Meeting;
  let clock = 0;
  const changes: LinkSnapshot[] = [];
  let link: EndpointLink;
  let floor: string | undefined;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    pool = await WorkerPool.create(loadSfuConfig({ SFU_WORKERS: '1', RTC_PORT: '0' }), log);
    meeting = await Meeting.create({
      id: 'm-link',
      workers: () => pool.workers,
      consumerBudget: 500,
      log,
    });
    for (const [i, id] of ['a', 'b'].entries()) {
      await meeting.addEndpoint({ id, unitId: id, transport: { type: 'plain' } });
      const mic = await meeting.produce(id, {
        kind: 'audio',
        rtpParameters: opusRtpParameters(1000 + i),
        source: 'mic',
      });
      const cam = await meeting.produce(id, {
        kind: 'video',
        rtpParameters: vp8(2000 + i),
        source: 'camera',
      });
      ids[`${id}Mic`] = mic.id;
      ids[`${id}Cam`] = cam.id;
    }
    const listener = await meeting.addEndpoint({
      id: 'l',
      unitId: 'l',
      transport: { type: 'plain' },
    });
    link = new EndpointLink(listener, {
      linkProfile: 'good',
      floorEndpointId: () => floor,
      producerOwner: (p) => meeting.producer(p).appData.endpointId,
      onChange: (s) => changes.push(s),
      log,
      now: () => clock,
      tickMs: 60_000,
    });
    for (const key of ['aMic', 'aCam', 'bMic', 'bCam']) {
      const c = await meeting.consume('l', ids[key]!, meeting.rtpCapabilities);
      ids[`l_${key}`] = c.id;
    }
    // The client wires its tracks and resumes every consumer.
    await new Promise((r) => setTimeout(r, 50));
    for (const key of ['aMic', 'aCam', 'bMic', 'bCam'])
      await link.gate.setClient(ids[`l_${key}`]!, true);
  });
  afterAll(() => {
    link?.close();
    meeting?.close();
    pool?.close();
  });

  const paused = (key: string) => listenerConsumer(key).paused;
  const listenerConsumer = (key: string) => meeting.endpoint('l').consumer(ids[`l_${key}`]!);
  // Each report carries a fresh STUN round trip (a browser's RTT varies by a
  // few %): the same figure twice is one measurement read twice (LinkStateMachine).
  const feed = async (r: typeof good, fromMs: number, toMs: number) => {
    for (clock = fromMs; clock <= toMs; clock += 1_000)
      link.report({ ...r, rttMs: Math.round(r.rttMs * (1 + ((clock / 1_000) % 3) / 50)) });
    clock = toMs;
    await new Promise((r) => setTimeout(r, 50));
  };

  it('starts audio-only: video held even though the client resumed it', () => {
    expect(link.snapshot).toMatchObject({ down: 'poor', up: 'poor', plan: { audioOnly: true } });
    expect(paused('aCam')).toBe(true);
    expect(paused('bCam')).toBe(true);
    expect(paused('aMic')).toBe(false);
    expect(paused('bMic')).toBe(false);
  });

  it('lets video through once a good link is known (probation)', async () => {
    await feed(good, 0, 4_000);
    expect(link.snapshot).toMatchObject({ down: 'good', up: 'good', plan: { audioOnly: false } });
    expect(paused('aCam')).toBe(false);
    expect(paused('bCam')).toBe(false);
    expect(changes.at(-1)?.plan.send.video).toBe(true);
  });

  it('falls back to audio-only within 3 s of a 2G link, and keeps the audio', async () => {
    const before = changes.length;
    await feed(twoG, 20_000, 23_000);
    expect(link.snapshot.plan.audioOnly).toBe(true);
    const t = changes.slice(before).find((c) => c.plan.audioOnly);
    expect(t?.transition?.at).toBeLessThanOrEqual(23_000);
    expect(paused('aCam')).toBe(true);
    expect(paused('aMic')).toBe(false);
    expect(paused('bMic')).toBe(false);
  });

  it('keeps only the floor holder audio on a critical link', async () => {
    floor = 'b';
    await feed(gprs, 24_000, 28_000);
    expect(link.snapshot.down).toBe('critical');
    expect(paused('aMic')).toBe(true);
    expect(paused('bMic')).toBe(false);
    floor = 'a';
    await link.floorChanged();
    expect(paused('aMic')).toBe(false);
    expect(paused('bMic')).toBe(true);
  });

  it('climbs back one step per 10 s of good link, without flapping', async () => {
    await feed(good, 29_000, 75_000);
    expect(link.snapshot).toMatchObject({ down: 'good', up: 'good' });
    expect(paused('aCam')).toBe(false);
    expect(paused('bMic')).toBe(false);
    expect(link.flaps).toBe(0);
  });

  it('reads one STUN round trip that getStats() repeats as one measurement, not a sustained queue', async () => {
    await meeting.addEndpoint({ id: 'rr', unitId: 'rr', transport: { type: 'plain' } });
    let now = 0;
    const busy = new EndpointLink(meeting.endpoint('rr'), {
      linkProfile: 'good',
      floorEndpointId: () => undefined,
      producerOwner: () => undefined,
      onChange: () => undefined,
      log,
      now: () => now,
      tickMs: 60_000,
    });
    try {
      for (; now <= 14_000; now += 2_000)
        busy.report({ ...good, rttMs: 3 + (now % 4_000) / 1_000 });
      expect(busy.snapshot).toMatchObject({ down: 'good', up: 'good' });
      // A busy machine delayed one answer by ~120 ms; the browser reports it until the next one.
      for (const rttMs of [126, 126, 126]) {
        busy.report({ ...good, rttMs });
        now += 2_000;
      }
      expect(busy.snapshot).toMatchObject({ down: 'good', up: 'good' });
      // A real queue: new measurements keep arguing worse.
      for (const rttMs of [140, 151, 163]) {
        busy.report({ ...good, rttMs });
        now += 2_000;
      }
      expect(busy.snapshot.down).toBe('constrained');
    } finally {
      busy.close();
    }
  });

  it('a starved browser (its own timer late) falling silent is not a link verdict', async () => {
    await meeting.addEndpoint({ id: 'st', unitId: 'st', transport: { type: 'plain' } });
    let now = 0;
    const starved = new EndpointLink(meeting.endpoint('st'), {
      linkProfile: 'good',
      floorEndpointId: () => undefined,
      producerOwner: () => undefined,
      onChange: () => undefined,
      log,
      now: () => now,
      tickMs: 5,
    });
    const settle = () => new Promise((r) => setTimeout(r, 40));
    try {
      for (; now <= 4_000; now += 1_000) starved.report(good);
      // The last report says the browser's own 2 s timer fired 2.5 s late: its CPU, not its link.
      starved.report({ ...good, lateMs: 2_500 });
      // As long as the other test's silence took to reach critical, and more.
      for (now = 5_500; now <= 17_000; now += 500) await settle();
      expect(starved.snapshot).toMatchObject({ down: 'good', up: 'good' });
    } finally {
      starved.close();
    }
  });

  it('reads reports that stop arriving as a flooded uplink, and silence never as recovery', async () => {
    await meeting.addEndpoint({ id: 's', unitId: 's', transport: { type: 'plain' } });
    let now = 0;
    const seen: LinkSnapshot[] = [];
    const silent = new EndpointLink(meeting.endpoint('s'), {
      linkProfile: 'good',
      floorEndpointId: () => undefined,
      producerOwner: () => undefined,
      onChange: (c) => seen.push(c),
      log,
      now: () => now,
      tickMs: 5,
    });
    const settle = () => new Promise((r) => setTimeout(r, 40));
    try {
      for (; now <= 4_000; now += 1_000) silent.report(good);
      expect(silent.snapshot).toMatchObject({ down: 'good', up: 'good' });
      // The reports stop (a GPRS uplink flooded by the camera): nothing for 6 s is
      // still nothing, then every tick bounds the RTT from below by the silence.
      for (now = 5_000; now <= 10_000; now += 500) await settle();
      expect(silent.snapshot.up).toBe('good');
      for (now = 10_500; now <= 13_000; now += 500) await settle();
      expect(silent.snapshot).toMatchObject({
        down: 'critical',
        up: 'critical',
        plan: { audioOnly: true },
      });
      expect(seen.at(-1)?.transition?.sample.rttMs).toBeGreaterThan(4_000);
      // Still silent a minute later: no step up without a fresh RTT.
      for (now = 14_000; now <= 74_000; now += 2_000) await settle();
      expect(silent.snapshot).toMatchObject({ down: 'critical', up: 'critical' });
      // Reports again, on a good link: video after one hold of 9 s (so that with
      // the first report's delay and the SFU's last stale loss window it comes
      // within 15 s of the recovery).
      const resumedAt = now;
      const heard = seen.length;
      for (; now <= 86_000; now += 1_000) {
        silent.report(good);
        await settle();
      }
      expect(silent.snapshot.plan.audioOnly).toBe(false);
      const back = seen.slice(heard).find((c) => c.transition && !c.plan.audioOnly);
      expect(back!.transition!.at - resumedAt).toBe(9_000);
      // The browser's outbound loss is mediasoup's receiver report, which carries
      // the worst loss of the stream's receivers: not this uplink's, not used.
      for (const end = now + 6_000; now <= end; now += 1_000) {
        silent.report({ ...good, upLoss: 0.5 });
        await settle();
      }
      expect(silent.snapshot.plan.audioOnly).toBe(false);
    } finally {
      silent.close();
    }
  });

  it('respects the client: a consumer it paused stays paused when the hold ends', async () => {
    await link.gate.setClient(ids.l_bCam!, false);
    await link.setForcedAudioOnly(true);
    expect(paused('aCam')).toBe(true);
    expect(changes.at(-1)).toMatchObject({
      forced: true,
      plan: { audioOnly: true, send: { video: false } },
    });
    await link.setForcedAudioOnly(false);
    expect(paused('aCam')).toBe(false);
    expect(paused('bCam')).toBe(true);
  });
});
