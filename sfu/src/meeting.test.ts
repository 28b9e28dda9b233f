import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { types as ms } from 'mediasoup';
import { createLogger } from '@giaoban/common/logger';
import { loadSfuConfig } from './config';
import { WorkerPool } from './workerPool';
import { Meeting } from './meeting';
import type { Endpoint } from './endpoint';
import {
  opusRtpParameters,
  plainPort,
  startRtpSender,
  startRtpSink,
  type RtpSender,
  type RtpSink,
} from './testing/rtp';

const log = createLogger('test', 'warn');

describe('Meeting (real mediasoup workers, PlainTransports)', () => {
  let pool: WorkerPool;
  let sink: RtpSink;
  let sender: RtpSender;
  beforeAll(async () => {
    pool = await WorkerPool.create(loadSfuConfig({ SFU_WORKERS: '2', RTC_PORT: '0' }), log);
    sink = await startRtpSink();
    sender = await startRtpSender();
  });
  afterAll(() => {
    sender?.close();
    sink?.close();
    pool?.close();
  });

  const newMeeting = (id: string, consumerBudget: number) =>
    Meeting.create({ id, workers: () => pool.workers, consumerBudget, log });

  let ssrcSeq = 1000;
  async function speaker(m: Meeting, id: string) {
    const e = await m.addEndpoint({ id, unitId: id, transport: { type: 'plain' } });
    const ssrc = ssrcSeq++;
    const p = await m.produce(id, {
      kind: 'audio',
      rtpParameters: opusRtpParameters(ssrc),
      source: 'mic',
    });
    return { e, producerId: p.id, port: plainPort(e.sendTransport), ssrc };
  }
  async function listener(m: Meeting, id: string, producerIds: string[]) {
    const e = await m.addEndpoint({ id, unitId: id, transport: { type: 'plain' } });
    await (e.recvTransport as ms.PlainTransport).connect({ ip: '127.0.0.1', port: sink.port });
    const ssrcs: number[] = [];
    for (const producerId of producerIds) {
      const c = await m.consume(id, producerId, m.rtpCapabilities);
      expect(c.paused).toBe(true);
      await e.consumer(c.id).resume();
      ssrcs.push(c.rtpParameters.encodings![0]!.ssrc!);
    }
    return { e, ssrcs };
  }

  it('forwards RTP injected on a PlainTransport to a consumer, only once resumed', async () => {
    const m = await newMeeting('m-inject', 500);
    const a = await speaker(m, 'a');
    const b = await m.addEndpoint({ id: 'b', unitId: 'b', transport: { type: 'plain' } });
    await (b.recvTransport as ms.PlainTransport).connect({ ip: '127.0.0.1', port: sink.port });
    const c = await m.consume('b', a.producerId, m.rtpCapabilities);
    const ssrc = c.rtpParameters.encodings![0]!.ssrc!;
    await sender.send([a], 10);
    expect(sink.counts.get(ssrc) ?? 0).toBe(0); // paused consumers send nothing
    await b.consumer(c.id).resume();
    await sender.send([a], 25);
    await expect.poll(() => sink.counts.get(ssrc) ?? 0).toBeGreaterThanOrEqual(20);
    m.close();
  });

  it('pipes a producer to a router on the other worker when the budget is reached', async () => {
    const m = await newMeeting('m-pipe', 1);
    const a = await speaker(m, 'a');
    const near = await listener(m, 'near', [a.producerId]);
    const far = await listener(m, 'far', [a.producerId]);
    expect(near.e.slot.workerIndex).toBe(a.e.slot.workerIndex);
    expect(far.e.slot.workerIndex).not.toBe(a.e.slot.workerIndex);
    expect(new Set(m.routers().map((r) => r.workerIndex)).size).toBe(2);
    await sender.send([a], 25);
    await expect.poll(() => sink.counts.get(far.ssrcs[0]!) ?? 0).toBeGreaterThanOrEqual(20);
    expect(sink.counts.get(near.ssrcs[0]!) ?? 0).toBeGreaterThanOrEqual(20);
    m.close();
  });

  it('spreads a 170-endpoint meeting over both workers and every consumer receives', async () => {
    const budget = 200;
    const m = await newMeeting('m-170', budget);
    const s1 = await speaker(m, 's1');
    const s2 = await speaker(m, 's2');
    const listeners: { e: Endpoint; ssrcs: number[] }[] = [];
    for (let i = 0; i < 168; i++)
      listeners.push(await listener(m, `l${i}`, [s1.producerId, s2.producerId]));
    expect(m.endpoints).toHaveLength(170);
    const routers = m.routers();
    expect(new Set(routers.map((r) => r.workerIndex))).toEqual(new Set([0, 1]));
    for (const r of routers) {
      expect(r.endpoints).toBeGreaterThan(0);
      // The budget is checked at placement; pipe consumers added later may exceed it by the producer count.
      expect(r.consumers).toBeLessThanOrEqual(budget + 2);
    }
    await sender.send([s1, s2], 40);
    const all = listeners.flatMap((l) => l.ssrcs);
    expect(all).toHaveLength(336);
    await expect
      .poll(() => all.filter((ssrc) => (sink.counts.get(ssrc) ?? 0) >= 20).length, {
        timeout: 5_000,
      })
      .toBe(336);
    const counts = await m.mediaCounts();
    // 170 × 2 endpoint transports + one pipe transport on each side.
    expect(counts.transports).toBe(342);
    m.close();
  }, 60_000);

  it('leaks nothing after many joins and leaves, and close() frees every router', async () => {
    const before = await Promise.all(pool.workers.map((w) => w.worker.dump()));
    const m = await newMeeting('m-leak', 3);
    const a = await speaker(m, 'a');
    const baseline = await m.mediaCounts();
    for (let round = 0; round < 60; round++) {
      const id = `x${round}`;
      const l = await listener(m, id, [a.producerId]);
      await m.produce(id, {
        kind: 'audio',
        rtpParameters: opusRtpParameters(50_000 + round),
        source: 'mic',
      });
      const back = await m.consume(
        'a',
        m.producers().find((p) => p.endpointId === id)!.id,
        m.rtpCapabilities,
      );
      expect(back.endpointId).toBe(id);
      expect(l.e.consumers).toHaveLength(1);
      m.removeEndpoint(id);
    }
    // A producer's close reaches its consumers on the other routers asynchronously.
    await expect.poll(() => a.e.consumers.length).toBe(0);
    const after = await m.mediaCounts();
    // Pipe transports to a second router may remain (cached per router pair); nothing else.
    expect(after.consumers - (after.transports - baseline.transports)).toBeLessThanOrEqual(
      baseline.consumers,
    );
    expect(after.producers).toBeLessThanOrEqual(baseline.producers + (after.routers - 1));
    expect(m.endpoints).toHaveLength(1);
    m.close();
    const closed = await Promise.all(pool.workers.map((w) => w.worker.dump()));
    closed.forEach((d, i) => expect(d.routerIds).toEqual(before[i]!.routerIds));
  }, 60_000);
});
