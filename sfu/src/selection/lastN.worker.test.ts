import dgram from 'node:dgram';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { types as ms } from 'mediasoup';
import { createLogger } from '@giaoban/common/logger';
import { loadSfuConfig } from '../config';
import { WorkerPool } from '../workerPool';
import { Meeting } from '../meeting';
import { LinkSupervisor, type VideoSelectionEvent } from '../link/linkSupervisor';
import { plainPort, rtpPacket, startRtpSink, type RtpSink } from '../testing/rtp';

const log = createLogger('test', 'warn');
const VP8_PT = 96;
const vp8 = (ssrc: number): ms.RtpParameters => ({
  codecs: [{ mimeType: 'video/VP8', payloadType: VP8_PT, clockRate: 90000, rtcpFeedback: [] }],
  encodings: [{ ssrc }],
});
const good = { rttMs: 20, availableOutgoingKbps: 3_000, upLoss: 0, downLoss: 0 };

/**
 * Last-N on a real mediasoup worker: 12 communes send VP8 on PlainTransports,
 * one receiver with LAST_N_VIDEOS = 4 gets packets on 4 video consumers only,
 * and the floor, a pin and an active speaker move the selection.
 */
describe('last-N video (real mediasoup worker, 12 video producers)', () => {
  let pool: WorkerPool;
  let meeting: Meeting;
  let sink: RtpSink;
  let socket: dgram.Socket;
  let supervisor: LinkSupervisor;
  let clock = 0;
  const events: VideoSelectionEvent[] = [];
  const senders: { id: string; port: number; ssrc: number; producerId: string }[] = [];
  /** Consumer SSRC at the receiver → sender index. */
  const bySsrc = new Map<number, number>();
  let seq = 0;

  beforeAll(async () => {
    pool = await WorkerPool.create(loadSfuConfig({ SFU_WORKERS: '1', RTC_PORT: '0' }), log);
    sink = await startRtpSink();
    socket = dgram.createSocket('udp4');
    await new Promise<void>((r) => socket.bind(0, '127.0.0.1', r));
    meeting = await Meeting.create({
      id: 'm-lastn',
      workers: () => pool.workers,
      consumerBudget: 500,
      log,
    });
    supervisor = new LinkSupervisor({
      log,
      lastN: 4,
      now: () => clock,
      onEvent: (e) => {
        if (e.type === 'videoSelection') events.push(e);
      },
    });
    for (let i = 0; i < 12; i++) {
      const id = `s${i}`;
      const e = await meeting.addEndpoint({ id, unitId: `u${i}`, transport: { type: 'plain' } });
      const p = await meeting.produce(id, {
        kind: 'video',
        rtpParameters: vp8(5000 + i),
        source: 'camera',
      });
      senders.push({ id, port: plainPort(e.sendTransport), ssrc: 5000 + i, producerId: p.id });
    }
    const r = await meeting.addEndpoint({ id: 'r', unitId: 'ur', transport: { type: 'plain' } });
    await (r.recvTransport as ms.PlainTransport).connect({ ip: '127.0.0.1', port: sink.port });
    supervisor.attach(meeting, r);
    for (const [i, s] of senders.entries()) {
      const c = await meeting.consume('r', s.producerId, meeting.rtpCapabilities);
      bySsrc.set(c.rtpParameters.encodings![0]!.ssrc!, i);
      // The client resumes every consumer it wired: the SFU decides what really flows.
      await supervisor.setConsumerRunning(meeting.id, 'r', c.id, true);
    }
    // Four seconds of good reports end the audio-first start.
    for (clock = 0; clock <= 4_000; clock += 1_000) supervisor.report(meeting.id, 'r', good);
    clock = 4_000;
    await settle();
  });
  afterAll(() => {
    supervisor?.close();
    meeting?.close();
    socket?.close();
    sink?.close();
    pool?.close();
  });

  const settle = () => new Promise((r) => setTimeout(r, 100));

  /** Every sender sends 20 VP8 key-frame packets; returns the sender indexes the receiver got. */
  async function receivedFrom(): Promise<number[]> {
    sink.counts.clear();
    for (let n = 0; n < 20; n++) {
      seq++;
      for (const s of senders) {
        const pkt = rtpPacket(s.ssrc, seq, seq * 3000, VP8_PT);
        // VP8 payload descriptor (S=1, partition 0), then a key frame (inverse key frame bit 0).
        pkt[12] = 0x10;
        pkt[13] = 0x00;
        socket.send(pkt, s.port, '127.0.0.1');
      }
      await new Promise((r) => setTimeout(r, 5));
    }
    await new Promise((r) => setTimeout(r, 150));
    return [...sink.counts.entries()]
      .filter(([, n]) => n > 0)
      .map(([ssrc]) => bySsrc.get(ssrc)!)
      .sort((a, b) => a - b);
  }
  const producersOf = (idx: number[]) => idx.map((i) => senders[i]!.producerId).sort();

  it('sends only 4 of the 12 videos, and tells the receiver which', async () => {
    expect(supervisor.snapshot(meeting.id, 'r')).toMatchObject({ down: 'good', audioOnly: false });
    const got = await receivedFrom();
    expect(got).toEqual([0, 1, 2, 3]);
    const paused = meeting.endpoint('r').consumers.filter((c) => c.paused);
    expect(paused).toHaveLength(8);
    expect(events.at(-1)?.producerIds).toEqual(producersOf([0, 1, 2, 3]));
  });

  it('the floor holder takes a slot at once', async () => {
    await supervisor.setFloor(meeting.id, 's9');
    expect(await receivedFrom()).toEqual([0, 1, 2, 9]);
    expect(events.at(-1)?.producerIds).toEqual(producersOf([0, 1, 2, 9]));
  });

  it("the receiver's pin comes next", async () => {
    await supervisor.pin(meeting.id, 'r', 'u5', true);
    expect(await receivedFrom()).toEqual([0, 1, 5, 9]);
  });

  it('a new active speaker waits for the 5 s hold, then takes the oldest slot', async () => {
    // ActiveSpeakerObserver needs real voice levels (the audio-level header a browser
    // adds); synthetic RTP has none, so the meeting's event is raised directly here.
    clock = 6_000;
    meeting.emit('activeSpeaker', 's7');
    await settle();
    expect(await receivedFrom()).toEqual([0, 1, 5, 9]);
    // s0 and s1 were selected at 4 s: their slots are protected until 9 s.
    for (clock = 7_000; clock <= 9_000; clock += 1_000) supervisor.report(meeting.id, 'r', good);
    await new Promise((r) => setTimeout(r, 1_300)); // the link's 1 s tick re-selects
    expect(await receivedFrom()).toEqual([0, 5, 7, 9]);
  });

  it('the link plan reduces N further: audio-only gets no video at all', async () => {
    await supervisor.setAudioOnly(meeting.id, 'r', true);
    expect(await receivedFrom()).toEqual([]);
    expect(events.at(-1)?.producerIds).toEqual([]);
    await supervisor.setAudioOnly(meeting.id, 'r', false);
    expect(await receivedFrom()).toEqual([0, 5, 7, 9]);
  });

  it('a paused camera frees its slot', async () => {
    await meeting.producer(senders[0]!.producerId).pause();
    await settle();
    // s1 (next in the stable order) takes the slot.
    expect(await receivedFrom()).toEqual([1, 5, 7, 9]);
    expect(events.at(-1)?.producerIds).toEqual(producersOf([1, 5, 7, 9]));
  });
});
