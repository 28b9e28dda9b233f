/**
 * bench:cluster — what the cluster's hop through Redis costs.
 *  1. SfuClient calls, in-process (LocalSfuClient) vs over Redis to an SFU
 *     node process (RemoteSfuClient): join, consume, producers(), and 151
 *     joins to one new meeting at once (an emergency convene);
 *  2. `meeting:join` as a browser sees it (socket.io request → ack with the
 *     transports): the all-in-one server vs the cluster through HAProxy
 *     (HAProxy → signaling node → Redis → SFU node);
 *  3. an emergency alert to 151 commune push sockets, all-in-one vs spread
 *     over two signaling nodes (socket.io Redis streams adapter);
 *  4. failover (cluster/failover.ts): SIGKILL of a signaling node until every
 *     client of its meeting is back in the room with its state, and of an SFU
 *     node until two communes in Chromium hear each other again.
 * BENCH_ONLY=failover runs part 4 alone; BENCH_FAILOVER=0 skips it.
 * Prints a table and writes bench-results/cluster.json.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createLogger } from '@giaoban/common/logger';
import { loadSfuConfig } from '@giaoban/sfu/config';
import { LocalSfuClient } from '@giaoban/sfu/localSfuClient';
import { RemoteSfuClient } from '@giaoban/sfu/remote/remoteSfuClient';
import type { SfuClient } from '@giaoban/sfu/sfuClient';
import { opusRtpParameters } from '@giaoban/sfu/testing/rtp';
import { WorkerPool } from '@giaoban/sfu/workerPool';
import { connect, login, startMeeting } from '@giaoban/signaling/testing/clients';
import { spawnNode } from '../src/cluster/childNode';
import { startSignalingNode } from '../src/cluster/signalingNode';
import { loadAppConfig } from '../src/config';
import { startLocalEdge } from '../src/edge/localEdge';
import { freePort, startRedisServer } from '../src/redisServer';
import { quangBinhUnits } from '@giaoban/scheduler/orgTree/seedData';
import { startTestApp } from '../test/app';
import { measureFailover, type FailoverRun, type SfuFailoverRun } from './cluster/failover';
import { emergencyFanout } from './cluster/fanout';

process.env.LOG_LEVEL ??= 'error';
const CALLS = Number(process.env.BENCH_CALLS ?? 300);
const JOINS = Number(process.env.BENCH_JOINS ?? 30);
const FANOUT_RUNS = Number(process.env.BENCH_FANOUT_RUNS ?? 5);
const FAILOVER_RUNS = Number(process.env.BENCH_FAILOVER_RUNS ?? 3);
const FAILOVER_CLIENTS = Number(process.env.BENCH_FAILOVER_CLIENTS ?? 20);
const ONLY_FAILOVER = process.env.BENCH_ONLY === 'failover';
const log = createLogger('bench', process.env.LOG_LEVEL);

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]! : NaN;
};
const round = (x: number) => Math.round(x * 100) / 100;
const stats = (xs: number[]) => ({
  n: xs.length,
  p50: round(pct(xs, 50)),
  p99: round(pct(xs, 99)),
});
const timed = async <T>(out: number[], fn: () => Promise<T>): Promise<T> => {
  const t0 = performance.now();
  const r = await fn();
  out.push(performance.now() - t0);
  return r;
};

/** join, consume and producers() through one SfuClient, CALLS times each. */
async function sfuCalls(sfu: SfuClient, tag: string) {
  const t = { join: [] as number[], consume: [] as number[], producers: [] as number[] };
  const meetingId = `bench-${tag}`;
  const speaker = await sfu.join({ meetingId, endpointId: 'speaker', unitId: 'u0' });
  const producer = await sfu.produce(meetingId, 'speaker', {
    kind: 'audio',
    rtpParameters: opusRtpParameters(4242),
    source: 'mic',
  });
  for (let i = 0; i < CALLS; i++) {
    const endpointId = `listener-${i}`;
    await timed(t.join, () => sfu.join({ meetingId, endpointId, unitId: `u${i}` }));
    await timed(t.consume, () =>
      sfu.consume(meetingId, endpointId, producer.id, speaker.routerRtpCapabilities),
    );
    await timed(t.producers, () => sfu.producers(meetingId));
  }
  await sfu.closeMeeting(meetingId);
  // An emergency convene: 151 communes join one new meeting at once.
  const burstId = `burst-${tag}`;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: 151 }, (_, i) =>
      sfu.join({ meetingId: burstId, endpointId: `c${i}`, unitId: `c${i}` }),
    ),
  );
  const burstMs = round(performance.now() - t0);
  await sfu.closeMeeting(burstId);
  return {
    join: stats(t.join),
    consume: stats(t.consume),
    producers: stats(t.producers),
    burst151Ms: burstMs,
  };
}

/**
 * meeting:join round trips (request → ack) against `url`. The socket leaves
 * between joins, which empties the meeting: every join creates its media
 * (and, in the cluster, places it on an SFU node).
 */
async function signalingJoins(url: string) {
  const host = await login(url, 'host450');
  const meetingId = await startMeeting(url, host, ['18853']);
  const c = await connect(url, await login(url, 'u18853'), { query: { meetingId } });
  const times: number[] = [];
  for (let i = 0; i < JOINS; i++) {
    const ack = await timed(times, () =>
      c.request('meeting:join', { meetingId, deviceId: 'bench' }),
    );
    if (!ack.ok) throw new Error(`join: ${JSON.stringify(ack.error)}`);
    await c.request('meeting:leave', {});
  }
  c.close();
  return stats(times);
}

async function main() {
  const results: Record<string, unknown> = { date: new Date().toISOString(), calls: CALLS };
  const dataDir = mkdtempSync(path.join(tmpdir(), 'gb-bench-cluster-'));
  const redis = await startRedisServer({ dataDir: path.join(dataDir, 'redis') });
  const env = { ...process.env, REDIS_URL: redis.url, RTC_PORT: '0', SFU_WORKERS: '1' };
  const stops: (() => Promise<void> | void)[] = [];
  try {
    if (!ONLY_FAILOVER) {
      // 1. SfuClient calls
      const pool = await WorkerPool.create(loadSfuConfig({ SFU_WORKERS: '1', RTC_PORT: '0' }), log);
      const local = new LocalSfuClient(pool, { consumerBudget: 500, log });
      results.local = await sfuCalls(local, 'local');
      await local.close();
      pool.close();
      for (const id of ['sfu-1', 'sfu-2']) {
        const node = await spawnNode(id, 'sfu', { ...env, SFU_NODE_ID: id }, { stdio: 'ignore' });
        stops.push(() => node.stop());
      }
      const remote = await RemoteSfuClient.create({ redisUrl: redis.url, log });
      results.remote = await sfuCalls(remote, 'remote');
      await remote.close();

      // 2. meeting:join, all-in-one vs cluster through HAProxy
      const limits = { SIGNALING_RATE_PER_SECOND: '1000', LOGIN_MAX_FAILURES_PER_IP: '100000' };
      const app = await startTestApp({ SFU_WORKERS: '1', ...limits });
      stops.push(() => app.close());
      results.joinAllInOne = await signalingJoins(app.url);
      const communes = app.scheduler.orgTree
        .all()
        .filter((u) => u.tier === 'commune')
        .map((u) => u.id);
      results.fanoutAllInOne = stats(await emergencyFanout(app.url, communes, FANOUT_RUNS));
      await stops.pop()?.();
      const sigEnv = {
        ...env,
        ...limits,
        SFU_MODE: 'remote',
        PORT: '0',
        HOST: '127.0.0.1',
        DATA_DIR: dataDir,
      };
      const nodes: { name: string; url: string }[] = [];
      for (const [i, id] of ['sig-1', 'sig-2'].entries()) {
        const e = { ...sigEnv, SIGNALING_NODE_ID: id, SEED_DEMO: String(i === 0) };
        const sig = await startSignalingNode(loadAppConfig(e), log, e);
        stops.push(() => sig.close());
        nodes.push({ name: id, url: sig.url });
      }
      const edge = await startLocalEdge({ nodes, dir: dataDir, httpPort: await freePort() });
      stops.push(() => edge.stop());
      results.joinCluster = await signalingJoins(edge.url);
      results.fanoutCluster = stats(await emergencyFanout(edge.url, communes, FANOUT_RUNS));
    }
  } finally {
    for (const stop of stops.reverse()) await stop();
    await redis.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
  // 4. Failover, on a cluster of its own (node processes that can be killed).
  if (process.env.BENCH_FAILOVER !== '0') {
    const communes = quangBinhUnits()
      .filter((u) => u.tier === 'commune')
      .map((u) => u.id);
    results.failover = {
      clusterTiming: {
        heartbeatMs: Number(process.env.CLUSTER_HEARTBEAT_MS ?? 1000),
        nodeTtlMs: Number(process.env.CLUSTER_NODE_TTL_MS ?? 4000),
      },
      ...(await measureFailover({
        communes,
        clients: FAILOVER_CLIENTS,
        runs: FAILOVER_RUNS,
        log,
      })),
    };
  }

  const r = results as Record<string, Record<string, { n: number; p50: number; p99: number }>>;
  const rows: [string, { n: number; p50: number; p99: number } | undefined][] = [
    ['SfuClient.join        local', r.local?.join],
    ['SfuClient.join        remote', r.remote?.join],
    ['SfuClient.consume     local', r.local?.consume],
    ['SfuClient.consume     remote', r.remote?.consume],
    ['SfuClient.producers   local', r.local?.producers],
    ['SfuClient.producers   remote', r.remote?.producers],
    ['meeting:join ack  all-in-one', results.joinAllInOne as never],
    ['meeting:join ack  cluster', results.joinCluster as never],
    ['emergency alert   all-in-one', results.fanoutAllInOne as never],
    ['emergency alert   cluster', results.fanoutCluster as never],
  ];
  const pad = (x: unknown, n: number) => String(x).padStart(n);
  if (!ONLY_FAILOVER) {
    console.log('\ncall                               n    p50 ms   p99 ms');
    for (const [name, s] of rows) {
      if (!s) continue;
      console.log(`${name.padEnd(32)} ${pad(s.n, 4)} ${pad(s.p50, 8)} ${pad(s.p99, 8)}`);
    }
    const burst = (k: 'local' | 'remote') =>
      (results[k] as { burst151Ms?: number } | undefined)?.burst151Ms;
    console.log(
      `\n151 joins at once (one new meeting): ${burst('local')} ms local, ${burst('remote')} ms remote`,
    );
  }
  const failover = results.failover as
    { signaling: FailoverRun[]; sfu: SfuFailoverRun[] } | undefined;
  if (failover) {
    console.log(
      "\nSIGKILL of a signaling node → its meeting's clients back in the room with its state (ms)",
    );
    console.log('run  clients    first      p50  all back');
    for (const f of failover.signaling)
      console.log(
        `${pad(f.run, 3)}  ${pad(f.clients, 7)} ${pad(f.firstMs, 8)} ${pad(f.p50Ms, 8)} ${pad(f.allBackMs, 9)}`,
      );
    console.log('\nSIGKILL of an SFU node → two communes in Chromium (ms)');
    console.log('run  rejoined  hear each other again');
    for (const f of failover.sfu)
      console.log(`${pad(f.run, 3)}  ${pad(f.rejoinedMs, 8)}  ${pad(f.mediaMs, 21)}`);
  }
  mkdirSync('bench-results', { recursive: true });
  writeFileSync('bench-results/cluster.json', JSON.stringify(results, null, 2));
  console.log('\nwrote bench-results/cluster.json');
}

await main();
process.exit(0);
