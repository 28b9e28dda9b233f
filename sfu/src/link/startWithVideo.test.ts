import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { types as ms } from 'mediasoup';
import { createLogger } from '@giaoban/common/logger';
import { loadSfuConfig } from '../config';
import { WorkerPool } from '../workerPool';
import { Meeting } from '../meeting';
import { opusRtpParameters } from '../testing/rtp';
import { EndpointLink, type EndpointLinkOptions } from './endpointLink';

const log = createLogger('test', 'warn');
const vp8 = (ssrc: number): ms.RtpParameters => ({
  codecs: [{ mimeType: 'video/VP8', payloadType: 96, clockRate: 90000, rtcpFeedback: [] }],
  encodings: [{ ssrc }],
});
const twoG = { rttMs: 320, availableOutgoingKbps: 60 };

/**
 * Start-with-video: a device that measured its link good (pre-join test, its
 * last meetings) starts `constrained` (video, lowest layers) instead of audio
 * first, whatever its unit's profile; a link that cannot carry it still falls
 * to audio-only within seconds, and that fall is no flap. Real mediasoup
 * worker, PlainTransports, a fake clock.
 */
describe('EndpointLink start with video (real mediasoup worker)', () => {
  let pool: WorkerPool;
  let meeting: Meeting;
  let cam: string;
  let n = 0;
  const links: EndpointLink[] = [];

  beforeAll(async () => {
    pool = await WorkerPool.create(loadSfuConfig({ SFU_WORKERS: '1', RTC_PORT: '0' }), log);
    meeting = await Meeting.create({
      id: 'm-start',
      workers: () => pool.workers,
      consumerBudget: 500,
      log,
    });
    await meeting.addEndpoint({ id: 'a', unitId: 'a', transport: { type: 'plain' } });
    await meeting.produce('a', {
      kind: 'audio',
      rtpParameters: opusRtpParameters(1),
      source: 'mic',
    });
    cam = (await meeting.produce('a', { kind: 'video', rtpParameters: vp8(2), source: 'camera' }))
      .id;
  });
  afterAll(() => {
    for (const l of links) l.close();
    meeting?.close();
    pool?.close();
  });

  /** A listener joins with these options and resumes the camera's consumer as its client would. */
  async function listener(o: Partial<EndpointLinkOptions>, clock: { now: number }) {
    const id = `l${n++}`;
    const endpoint = await meeting.addEndpoint({ id, unitId: id, transport: { type: 'plain' } });
    const link = new EndpointLink(endpoint, {
      linkProfile: 'good',
      floorEndpointId: () => undefined,
      producerOwner: (p) => meeting.producer(p).appData.endpointId,
      onChange: () => undefined,
      log,
      now: () => clock.now,
      tickMs: 60_000,
      ...o,
    });
    links.push(link);
    const consumer = await meeting.consume(id, cam, meeting.rtpCapabilities);
    await new Promise((r) => setTimeout(r, 50));
    await link.gate.setClient(consumer.id, true);
    return { link, paused: () => meeting.endpoint(id).consumer(consumer.id).paused };
  }

  it('a device measured good receives and sends video from the join on', async () => {
    const { link, paused } = await listener({ startWithVideo: true }, { now: 0 });
    expect(link.snapshot).toMatchObject({ down: 'constrained', up: 'constrained' });
    expect(link.snapshot.plan).toMatchObject({ audioOnly: false, send: { video: true } });
    expect(paused()).toBe(false);
  });

  it('without a measurement the join stays audio first', async () => {
    const { link, paused } = await listener({}, { now: 0 });
    expect(link.snapshot).toMatchObject({ down: 'poor', up: 'poor', plan: { audioOnly: true } });
    expect(paused()).toBe(true);
  });

  it("a mountain commune's device measured good starts with video too", async () => {
    const { link } = await listener({ linkProfile: 'poor', startWithVideo: true }, { now: 0 });
    expect(link.snapshot.plan.audioOnly).toBe(false);
  });

  it('a link that cannot carry the video falls to audio-only within seconds, no flap', async () => {
    const clock = { now: 0 };
    const { link, paused } = await listener({ startWithVideo: true }, clock);
    for (clock.now = 0; clock.now <= 4_000; clock.now += 1_000) link.report(twoG);
    await new Promise((r) => setTimeout(r, 50));
    expect(link.snapshot.plan.audioOnly).toBe(true);
    expect(paused()).toBe(true);
    expect(link.flaps).toBe(0);
  });

  it('a satellite link (600 ms RTT, plenty of rate) keeps its video: the delay is its floor, not a queue', async () => {
    const clock = { now: 0 };
    const { link, paused } = await listener({ startWithVideo: true }, clock);
    const vsat = (queueMs = 0) => ({
      rttMs: 600 + queueMs + (clock.now % 3_000 === 0 ? 25 : 0),
      availableOutgoingKbps: 450,
    });
    for (clock.now = 0; clock.now <= 40_000; clock.now += 1_000) link.report(vsat());
    await new Promise((r) => setTimeout(r, 50));
    expect(link.snapshot.plan.audioOnly).toBe(false);
    expect(paused()).toBe(false);
    expect(link.flaps).toBe(0);
    // Its own queue still counts: 700 ms above the floor is a drowning link.
    for (let i = 0; i < 5; i++, clock.now += 1_000) link.report(vsat(700));
    await new Promise((r) => setTimeout(r, 50));
    expect(link.snapshot.plan.audioOnly).toBe(true);
  });

  it('an unmeasured link keeps the absolute RTT: 600 ms is audio-only before video is tried', async () => {
    const clock = { now: 0 };
    const { link } = await listener({}, clock);
    for (clock.now = 0; clock.now <= 20_000; clock.now += 1_000)
      link.report({ rttMs: 600, availableOutgoingKbps: 450 });
    await new Promise((r) => setTimeout(r, 50));
    expect(link.snapshot.plan.audioOnly).toBe(true);
  });
});
