import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '@giaoban/common/logger';
import { startTestRedis, type TestRedis } from '../../../infra/test/redis';
import { loadSfuConfig } from '../config';
import { LocalSfuClient } from '../localSfuClient';
import type { SfuEvent } from '../sfuClient';
import { opusRtpParameters } from '../testing/rtp';
import { WorkerPool } from '../workerPool';
import { spawnNode } from '../../../infra/src/cluster/childNode';
import { clusterKeys } from './keys';
import { RemoteSfuClient } from './remoteSfuClient';
import { SfuNodeServer } from './sfuNodeServer';

const log = createLogger('test', process.env.LOG_LEVEL ?? 'silent');

/** One SFU node in this process: a real worker, its LocalSfuClient, served over Redis. */
async function startNode(redisUrl: string, nodeId: string) {
  const pool = await WorkerPool.create(loadSfuConfig({ SFU_WORKERS: '1', RTC_PORT: '0' }), log);
  const sfu = new LocalSfuClient(pool, { consumerBudget: 500, log });
  const server = await SfuNodeServer.start({
    redisUrl,
    nodeId,
    sfu,
    rtcAddress: '127.0.0.1',
    rtcPorts: [],
    workers: 1,
    heartbeatMs: 200,
    ttlMs: 2_000,
    log,
  });
  return {
    server,
    sfu,
    async stop() {
      await server.close();
      await sfu.close();
      pool.close();
    },
  };
}

describe('RemoteSfuClient against real SFU nodes over a real redis-server', () => {
  let redis: TestRedis;
  let nodeA: Awaited<ReturnType<typeof startNode>>;
  let nodeB: Awaited<ReturnType<typeof startNode>>;
  /** Two signaling nodes' SFU clients. */
  let sig1: RemoteSfuClient;
  let sig2: RemoteSfuClient;

  beforeAll(async () => {
    redis = await startTestRedis();
    nodeA = await startNode(redis.url, 'sfu-a');
    nodeB = await startNode(redis.url, 'sfu-b');
    sig1 = await RemoteSfuClient.create({ redisUrl: redis.url, log, checkMs: 200 });
    sig2 = await RemoteSfuClient.create({ redisUrl: redis.url, log, checkMs: 200 });
  });
  const restarted: Awaited<ReturnType<typeof startNode>>[] = [];
  afterAll(async () => {
    await sig1?.close();
    await sig2?.close();
    await nodeA?.stop();
    await nodeB?.stop();
    for (const n of restarted) await n.stop();
    await redis?.destroy();
  });

  it('joins, produces and consumes over the RPC; media events arrive; errors keep their code', async () => {
    const events: SfuEvent[] = [];
    const off = sig1.onEvent((e) => events.push(e));
    const a = await sig1.join({ meetingId: 'm1', endpointId: 'a', unitId: 'ua' });
    expect(a.routerRtpCapabilities.codecs?.map((c) => c.mimeType)).toContain('audio/opus');
    expect(a.sendTransport.iceCandidates[0]).toMatchObject({ ip: '127.0.0.1' });
    // Any node answers for the deployment's codecs (a browser loads its Device before joining).
    expect(await sig2.routerRtpCapabilities()).toEqual(a.routerRtpCapabilities);
    const b = await sig1.join({ meetingId: 'm1', endpointId: 'b', unitId: 'ub' });
    const producer = await sig1.produce('m1', 'a', {
      kind: 'audio',
      rtpParameters: opusRtpParameters(1111),
      source: 'mic',
    });
    expect(producer).toMatchObject({ endpointId: 'a', kind: 'audio', source: 'mic' });
    const consumer = await sig1.consume('m1', 'b', producer.id, b.routerRtpCapabilities);
    expect(consumer).toMatchObject({ producerId: producer.id, endpointId: 'a', kind: 'audio' });
    expect(consumer.rtpParameters.codecs[0]?.mimeType).toBe('audio/opus');
    // The media really is on the node the placement names.
    const node = sig1.nodeOf('m1') === 'sfu-a' ? nodeA : nodeB;
    expect((await node.sfu.producers('m1')).map((p) => p.id)).toEqual([producer.id]);
    expect(await sig2.producers('m1')).toEqual([expect.objectContaining({ id: producer.id })]);

    await sig1.closeProducer('m1', 'a', producer.id);
    await expect
      .poll(() => events.find((e) => e.type === 'consumerClosed'))
      .toMatchObject({ meetingId: 'm1', endpointId: 'b', consumerId: consumer.id });
    await expect(sig1.resumeConsumer('m1', 'b', 'nope')).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    await expect(sig1.routers('never-placed')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(
      sig1.consume('m1', 'b', producer.id, { codecs: 'x' } as never),
    ).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    off();
    await sig1.closeMeeting('m1');
    await expect(sig2.routers('m1')).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('spreads meetings over both nodes, and two signaling nodes agree on placement', async () => {
    // Let both heartbeats report the closed m1 gone: placement reads the announced load.
    await new Promise((r) => setTimeout(r, 600));
    await sig1.join({ meetingId: 'p1', endpointId: 'e1', unitId: 'u1' });
    await sig2.join({ meetingId: 'p2', endpointId: 'e2', unitId: 'u2' });
    expect(new Set([sig1.nodeOf('p1'), sig2.nodeOf('p2')])).toEqual(new Set(['sfu-a', 'sfu-b']));
    // Both signaling nodes place the same new meeting at the same moment.
    await Promise.all([
      sig1.join({ meetingId: 'p3', endpointId: 'x', unitId: 'ux' }),
      sig2.join({ meetingId: 'p3', endpointId: 'y', unitId: 'uy' }),
    ]);
    expect(sig1.nodeOf('p3')).toBeDefined();
    expect(sig1.nodeOf('p3')).toBe(sig2.nodeOf('p3'));
    const [router] = await sig1.routers('p3');
    expect(router?.endpoints).toBe(2);
    for (const m of ['p1', 'p2', 'p3']) await sig1.closeMeeting(m);
  });

  it('tells endpoints to rejoin when their node stops, and re-places the meeting', async () => {
    const events: SfuEvent[] = [];
    const off = sig1.onEvent((e) => events.push(e));
    await sig1.join({ meetingId: 'f1', endpointId: 'a', unitId: 'ua' });
    await sig1.join({ meetingId: 'f1', endpointId: 'b', unitId: 'ub' });
    const first = sig1.nodeOf('f1');
    const victim = first === 'sfu-a' ? nodeA : nodeB;
    await victim.server.close(); // its channel goes silent and it leaves the registry
    await expect
      .poll(() =>
        events
          .filter((e) => e.type === 'endpointLost' && e.meetingId === 'f1')
          .map((e) => e.type === 'endpointLost' && `${e.endpointId}:${e.reason}`)
          .sort(),
      )
      .toEqual(['a:sfuNodeLost', 'b:sfuNodeLost']);
    const rejoin = await sig1.join({ meetingId: 'f1', endpointId: 'a', unitId: 'ua' });
    expect(rejoin.sendTransport.iceCandidates.length).toBeGreaterThan(0);
    expect(sig1.nodeOf('f1')).not.toBe(first);
    expect(await sig2.routers('f1')).toHaveLength(1);
    off();
    await sig1.closeMeeting('f1');
  });

  it('notices a node restarted under the same id within its TTL (new boot id): its meetings are lost', async () => {
    // Checks run by hand here: the restart must be caught by the boot id, not by a gap.
    const sig3 = await RemoteSfuClient.create({ redisUrl: redis.url, log, checkMs: 60_000 });
    try {
      const events: SfuEvent[] = [];
      sig3.onEvent((e) => events.push(e));
      await sig3.join({ meetingId: 'r1', endpointId: 'a', unitId: 'ua' });
      await sig3.join({ meetingId: 'r1', endpointId: 'b', unitId: 'ub' });
      const id = sig3.nodeOf('r1')!;
      const old = id === 'sfu-a' ? nodeA : nodeB;
      await old.server.close();
      restarted.push(await startNode(redis.url, id)); // a supervisor restarting it at once
      await sig3.checkNodes();
      expect(
        events
          .filter((e) => e.type === 'endpointLost')
          .map((e) => e.type === 'endpointLost' && `${e.endpointId}:${e.reason}`)
          .sort(),
      ).toEqual(['a:sfuNodeLost', 'b:sfuNodeLost']);
      await sig3.join({ meetingId: 'r1', endpointId: 'a', unitId: 'ua' });
      const [router] = await sig3.routers('r1');
      expect(router?.endpoints).toBe(1);
      await sig3.closeMeeting('r1');
    } finally {
      await sig3.close();
    }
  });

  it('loses a node whose process was killed long before its heartbeat key lapses: its request channel empties at once', async () => {
    // An SFU node process whose key would live a minute after its last beat.
    const env = { ...process.env, REDIS_URL: redis.url, SFU_NODE_ID: 'sfu-k', SFU_WORKERS: '1' };
    Object.assign(env, {
      RTC_PORT: '0',
      CLUSTER_HEARTBEAT_MS: '250',
      CLUSTER_NODE_TTL_MS: '60000',
    });
    const killed = await spawnNode('sfu-k', 'sfu', env, { stdio: 'ignore' });
    const sig = await RemoteSfuClient.create({ redisUrl: redis.url, log, checkMs: 200 });
    try {
      const events: SfuEvent[] = [];
      sig.onEvent((e) => events.push(e));
      await redis.client().set(clusterKeys.placement('k1'), 'sfu-k');
      await sig.join({ meetingId: 'k1', endpointId: 'a', unitId: 'ua' });
      await sig.join({ meetingId: 'k1', endpointId: 'b', unitId: 'ub' });
      expect(sig.nodeOf('k1')).toBe('sfu-k');
      const t0 = performance.now();
      killed.process.kill('SIGKILL');
      await expect
        .poll(
          () =>
            events
              .filter((e) => e.type === 'endpointLost')
              .map((e) => e.type === 'endpointLost' && `${e.endpointId}:${e.reason}`)
              .sort(),
          { timeout: 5_000 },
        )
        .toEqual(['a:sfuNodeLost', 'b:sfuNodeLost']);
      log.info({ lostMs: Math.round(performance.now() - t0) }, 'killed sfu node lost');
      // Out of the registry for everyone: the rejoin is placed on a live node.
      expect(await redis.client().exists(clusterKeys.node('sfu', 'sfu-k'))).toBe(0);
      await sig.join({ meetingId: 'k1', endpointId: 'a', unitId: 'ua' });
      expect(sig.nodeOf('k1')).not.toBe('sfu-k');
      await sig.closeMeeting('k1');
    } finally {
      await sig.close();
      await killed.stop();
    }
  });
});
