import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '@giaoban/common/logger';
import { NodeRegistry } from '@giaoban/sfu/remote/nodeRegistry';
import { RemoteSfuClient } from '@giaoban/sfu/remote/remoteSfuClient';
import type { ResponseOf } from '@giaoban/signaling/protocol/index';
import { connect, login, startMeeting, type TestClient } from '@giaoban/signaling/testing/clients';
import { startTestRedis, type TestRedis } from '../../test/redis';
import { startBalancer, type Balancer } from './balancer';
import { spawnNode, type ChildNode } from './childNode';
import { MeetingRouter, meetingRouteKey } from './meetingRoute';
import { signalingNodeInfoSchema, type SignalingNodeInfo } from './signalingNode';

const log = createLogger('test', process.env.LOG_LEVEL ?? 'silent');
const timing = { CLUSTER_HEARTBEAT_MS: '250', CLUSTER_NODE_TTL_MS: '3000' };
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

  let meetingId: string;
  let a: TestClient;
  let b: TestClient;
  let h: TestClient;
  type Joined = ResponseOf<'meeting:join'>;
  const devices = new Map<TestClient, string>();
  const join = async (c: TestClient) => {
    const j = await c.request('meeting:join', { meetingId, deviceId: devices.get(c)! });
    if (!j.ok) throw new Error(JSON.stringify(j.error));
    return j.data;
  };
  const ok = async (p: Promise<{ ok: boolean; error?: unknown }>) => {
    const r = await p;
    if (!r.ok) throw new Error(JSON.stringify(r.error));
  };
  /**
   * What the client engine does after its socket came back: join again when
   * the session was not recovered, or when the server says the room is gone.
   */
  const rejoinAfter = (c: TestClient, deviceId: string) =>
    new Promise<Joined>((resolve, reject) => {
      const join = () => {
        c.socket.off('connect', onConnect);
        c.socket.off('media:reconnect', join);
        c.request('meeting:join', { meetingId, deviceId }).then((j) => {
          if (!j.ok) reject(new Error(JSON.stringify(j.error)));
          else resolve(j.data);
        }, reject);
      };
      const onConnect = () => {
        if (!c.socket.recovered) join();
      };
      c.socket.on('connect', onConnect);
      c.socket.on('media:reconnect', join);
    });
  const endpointsOnSfu = async () => {
    const sfu = await RemoteSfuClient.create({ redisUrl: redis.url, log });
    try {
      return (await sfu.routers(meetingId)).reduce((n, r) => n + r.endpoints, 0);
    } finally {
      await sfu.close();
    }
  };
  const hostingNode = async () => {
    const id = await redis.client().get(meetingRouteKey(meetingId));
    return nodes.find((n) => n.name === id)!;
  };

  /**
   * The room state every rejoin must find: two chat messages, a's hand up and
   * a muted by the host, the floor with b, the meeting locked.
   */
  const expectRoomState = (joins: Joined[]) => {
    const [ja, jb, jh] = joins as [Joined, Joined, Joined];
    for (const j of joins) {
      expect(j.chat.map((m) => m.text)).toEqual(['Xin chào', 'Đã rõ']);
      expect(j.meeting.locked).toBe(true);
    }
    expect(ja.self).toMatchObject({ handRaised: true, hostMuted: true });
    expect(jb.self).toMatchObject({ handRaised: false, hostMuted: false });
    expect(jb.meeting.floorEndpointId).toBe(jb.self.id);
    // Whoever rejoined after b sees the floor with b's new endpoint.
    const last = [...joins].sort((x, y) => x.endpoints.length - y.endpoints.length).pop()!;
    if (last !== jb) expect(last.meeting.floorEndpointId).toBe(jb.self.id);
    expect(jh.isHost).toBe(true);
  };

  it('killed: the sockets reconnect through the balancer to the other node and rejoin with the room state', async () => {
    const host = await login(balancer.url, 'host450');
    meetingId = await startMeeting(balancer.url, host, ['18853', '18856', '18859']);
    const tokens = [await login(balancer.url, 'u18853'), await login(balancer.url, 'u18856')];
    for (const token of [...tokens, host]) {
      open.push(await connect(balancer.url, token, { query: { meetingId }, reconnection: true }));
    }
    [a, b, h] = open as [TestClient, TestClient, TestClient];
    devices.set(a, 'dev-a').set(b, 'dev-b').set(h, 'dev-h');
    await join(h);
    const ea = (await join(a)).self.id;
    const eb = (await join(b)).self.id;
    // The room state a failover must not lose.
    await ok(a.request('chat:send', { text: 'Xin chào' }));
    await ok(b.request('chat:send', { text: 'Đã rõ' }));
    await ok(a.request('hand:raise', {}));
    await ok(h.request('moderation:mute', { endpointId: ea }));
    await ok(h.request('moderation:giveFloor', { endpointId: eb }));
    await ok(h.request('moderation:lock', { locked: true }));

    const hosting = await hostingNode();
    const rejoined = [a, b, h].map((c) => rejoinAfter(c, devices.get(c)!));
    const t0 = performance.now();
    hosting.process.kill('SIGKILL');
    const joins = await Promise.all(rejoined);
    log.info({ failoverMs: Math.round(performance.now() - t0) }, 'signaling failover (kill)');
    expect((await hostingNode()).name).not.toBe(hosting.name);
    expect(a.socket.recovered).toBe(false);
    expectRoomState(joins);
    // Presence is rebuilt from the sockets that came back, not from the dead node's room.
    const last = [...joins].sort((x, y) => x.endpoints.length - y.endpoints.length).pop()!;
    expect(last.endpoints.length).toBe(2);
    expect(last.endpoints.map((e) => e.id)).not.toContain(ea);
    expect(last.endpoints.map((e) => e.id)).not.toContain(eb);
    // The lock holds for a unit that was not in the meeting, even on the new node.
    const outsider = await connect(balancer.url, await login(balancer.url, 'u18859'), {
      query: { meetingId },
    });
    open.push(outsider);
    const refused = await outsider.request('meeting:join', { meetingId, deviceId: 'dev-c' });
    expect(refused).toMatchObject({ ok: false, error: { code: 'MEETING_LOCKED' } });
    // The dead node's endpoints are reaped on the SFU node: three endpoints remain, not six.
    await expect.poll(endpointsOnSfu, { timeout: 5_000 }).toBe(3);
  });

  it('stopped cleanly (SIGTERM): it hands its meeting over to another node without ending it', async () => {
    const env = { ...process.env, ...timing, REDIS_URL: redis.url, LOG_LEVEL: 'warn' };
    Object.assign(env, { SFU_MODE: 'remote', SIGNALING_NODE_ID: 'sig-3', PORT: '0' });
    Object.assign(env, { HOST: '127.0.0.1', DATA_DIR: dataDir, SEED_DEMO: 'false' });
    nodes.push(await spawnNode('sig-3', 'signaling', env, { stdio: 'ignore' }));
    const hosting = await hostingNode();
    const ended: unknown[] = [];
    for (const c of [a, b, h]) c.socket.on('meeting:ended', (p: unknown) => ended.push(p));
    const rejoined = [a, b, h].map((c) => rejoinAfter(c, devices.get(c)!));
    const t0 = performance.now();
    await hosting.stop();
    const joins = await Promise.all(rejoined);
    log.info({ handoverMs: Math.round(performance.now() - t0) }, 'signaling handover (SIGTERM)');
    expect(ended).toEqual([]);
    expect((await hostingNode()).name).not.toBe(hosting.name);
    // Closing its rooms on the way out did not clear the state: the next node has it.
    expectRoomState(joins);
    await expect.poll(endpointsOnSfu, { timeout: 5_000 }).toBe(3);
  });
});
