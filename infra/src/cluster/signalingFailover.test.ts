import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '@giaoban/common/logger';
import { NodeRegistry } from '@giaoban/sfu/remote/nodeRegistry';
import { RemoteSfuClient } from '@giaoban/sfu/remote/remoteSfuClient';
import { connect, login, startMeeting, type TestClient } from '@giaoban/signaling/testing/clients';
import { startTestRedis, type TestRedis } from '../../test/redis';
import { startBalancer, type Balancer } from './balancer';
import { spawnNode, type ChildNode } from './childNode';
import { MeetingRouter, meetingRouteKey } from './meetingRoute';
import { signalingNodeInfoSchema, type SignalingNodeInfo } from './signalingNode';

const log = createLogger('test', process.env.LOG_LEVEL ?? 'silent');
const timing = { CLUSTER_HEARTBEAT_MS: '250', CLUSTER_NODE_TTL_MS: '1000' };
const node = (id: string): SignalingNodeInfo => ({
  id,
  url: 'http://127.0.0.1:9',
  sockets: 0,
  startedAt: 0,
  pid: 1,
});

describe('meeting routes between signaling nodes (real redis-server)', () => {
  let redis: TestRedis;
  beforeAll(async () => {
    redis = await startTestRedis();
  });
  afterAll(async () => {
    await redis?.destroy();
  });

  it('keeps a running meeting on its node when a node is added, and moves it when its node dies', async () => {
    const registry = new NodeRegistry(redis.client(), 'signaling', signalingNodeInfoSchema, log);
    const two = [node('sig-1'), node('sig-2')];
    const three = [...two, node('sig-3')];
    // Meetings the hash would give to sig-3 once it exists.
    const meetings = Array.from({ length: 40 }, (_, i) => `m${i}`);
    const first = new Map<string, string>();
    const a = new MeetingRouter(redis.client(), registry, log);
    for (const m of meetings) first.set(m, (await a.route(m, two))!.id);
    // A second balancer, after sig-3 joined: every running meeting stays where it is.
    const b = new MeetingRouter(redis.client(), registry, log);
    for (const m of meetings) expect((await b.route(m, three))!.id).toBe(first.get(m));
    // A new meeting may go to sig-3.
    const fresh = await Promise.all(meetings.map((m) => b.route(`new-${m}`, three)));
    expect(fresh.map((n) => n!.id)).toContain('sig-3');
    // sig-1 dies: its meetings move, the others stay.
    const survivors = three.filter((n) => n.id !== 'sig-1');
    for (const m of meetings) {
      const now = (await b.route(m, survivors))!.id;
      if (first.get(m) === 'sig-1') expect(now).not.toBe('sig-1');
      else expect(now).toBe(first.get(m));
      expect(await redis.client().get(meetingRouteKey(m))).toBe(now);
    }
  });
});

/** Signaling nodes as real processes: one is killed with SIGKILL mid-meeting. */
describe('a signaling node dies: its meeting goes on on the other node', () => {
  let redis: TestRedis;
  let dataDir: string;
  const nodes: ChildNode[] = [];
  let balancer: Balancer;
  const open: TestClient[] = [];

  beforeAll(async () => {
    redis = await startTestRedis();
    dataDir = mkdtempSync(path.join(tmpdir(), 'gb-sigfail-'));
    const base = { ...process.env, ...timing, REDIS_URL: redis.url, LOG_LEVEL: 'warn' };
    const sfuEnv = { ...base, SFU_NODE_ID: 'sfu-1', SFU_WORKERS: '1', RTC_PORT: '0' };
    nodes.push(await spawnNode('sfu-1', 'sfu', sfuEnv, { stdio: 'ignore' }));
    for (const [i, id] of ['sig-1', 'sig-2'].entries()) {
      const env = { ...base, SFU_MODE: 'remote', SIGNALING_NODE_ID: id, PORT: '0' };
      Object.assign(env, { HOST: '127.0.0.1', DATA_DIR: dataDir, SEED_DEMO: String(i === 0) });
      nodes.push(await spawnNode(id, 'signaling', env, { stdio: 'ignore' }));
    }
    balancer = await startBalancer({ redisUrl: redis.url, port: 0, host: '127.0.0.1', log });
  });
  afterAll(async () => {
    for (const c of open) c.close();
    await balancer?.close();
    for (const n of [...nodes].reverse()) await n.stop();
    await redis?.destroy();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('the sockets reconnect through the balancer to the other node and rejoin the same meeting', async () => {
    const host = await login(balancer.url, 'host450');
    const meetingId = await startMeeting(balancer.url, host, ['18853', '18856']);
    const tokens = [await login(balancer.url, 'u18853'), await login(balancer.url, 'u18856')];
    for (const token of tokens) {
      open.push(await connect(balancer.url, token, { query: { meetingId }, reconnection: true }));
    }
    const [a, b] = open as [TestClient, TestClient];
    for (const [c, deviceId] of [
      [a, 'dev-a'],
      [b, 'dev-b'],
    ] as const) {
      const j = await c.request('meeting:join', { meetingId, deviceId });
      if (!j.ok) throw new Error(JSON.stringify(j.error));
    }
    const hostingId = await redis.client().get(meetingRouteKey(meetingId));
    const hosting = nodes.find((n) => n.name === hostingId)!;
    // What the client engine does on a reconnection that was not recovered: join again.
    const rejoined = [a, b].map(
      (c, i) =>
        new Promise<{ unitIds: string[] }>((resolve, reject) => {
          c.socket.once('connect', () => {
            c.request('meeting:join', { meetingId, deviceId: `dev-${'ab'[i]}` }).then((j) => {
              if (!j.ok) reject(new Error(JSON.stringify(j.error)));
              else resolve({ unitIds: j.data.endpoints.map((e) => e.unitId) });
            }, reject);
          });
        }),
    );
    const t0 = performance.now();
    hosting.process.kill('SIGKILL');
    const results = await Promise.all(rejoined);
    log.info({ failoverMs: Math.round(performance.now() - t0) }, 'signaling failover');
    // Whoever rejoined second sees the first: one room state again, on the survivor.
    expect(results.flatMap((r) => r.unitIds)).toHaveLength(1);
    const now = await redis.client().get(meetingRouteKey(meetingId));
    expect(now).not.toBe(hostingId);
    expect(now).toMatch(/^sig-[12]$/);
    expect(a.socket.recovered).toBe(false);
    // The dead node's endpoints are reaped on the SFU node: two endpoints remain, not four.
    const sfu = await RemoteSfuClient.create({ redisUrl: redis.url, log });
    try {
      await expect
        .poll(async () => (await sfu.routers(meetingId)).reduce((n, r) => n + r.endpoints, 0), {
          timeout: 5_000,
        })
        .toBe(2);
    } finally {
      await sfu.close();
    }
  });
});
