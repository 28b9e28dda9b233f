import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '@giaoban/common/logger';
import { RemoteSfuClient } from '@giaoban/sfu/remote/remoteSfuClient';
import type { ResponseOf } from '@giaoban/signaling/protocol/index';
import { connect, login, startMeeting, type TestClient } from '@giaoban/signaling/testing/clients';
import { startTestRedis, type TestRedis } from '../../test/redis';
import { nodeOfMeeting } from '../../test/edge';
import { startLocalEdge, type LocalEdge } from '../edge/localEdge';
import { freePort } from '../redisServer';
import { spawnNode, type ChildNode } from './childNode';

const log = createLogger('test', process.env.LOG_LEVEL ?? 'silent');
const timing = { CLUSTER_HEARTBEAT_MS: '250', CLUSTER_NODE_TTL_MS: '3000' };
/**
 * Signaling nodes as real processes behind HAProxy (rendered from the
 * deployment's template): one is killed with SIGKILL mid-meeting, then one is
 * stopped with SIGTERM.
 */
describe('a signaling node dies: its meeting goes on on the other node', () => {
  let redis: TestRedis;
  let dataDir: string;
  const nodes: ChildNode[] = [];
  /** Fixed ports: a node restarted (as systemd would) comes back where HAProxy expects it. */
  const ports = new Map<string, number>();
  let edge: LocalEdge;
  const open: TestClient[] = [];

  beforeAll(async () => {
    redis = await startTestRedis();
    dataDir = mkdtempSync(path.join(tmpdir(), 'gb-sigfail-'));
    const base = { ...process.env, ...timing, REDIS_URL: redis.url, LOG_LEVEL: 'warn' };
    const sfuEnv = { ...base, SFU_NODE_ID: 'sfu-1', SFU_WORKERS: '1', RTC_PORT: '0' };
    nodes.push(await spawnNode('sfu-1', 'sfu', sfuEnv, { stdio: 'ignore' }));
    for (const [i, id] of ['sig-1', 'sig-2'].entries()) {
      ports.set(id, await freePort());
      const env = {
        ...base,
        SFU_MODE: 'remote',
        SIGNALING_NODE_ID: id,
        PORT: String(ports.get(id)),
      };
      Object.assign(env, { HOST: '127.0.0.1', DATA_DIR: dataDir, SEED_DEMO: String(i === 0) });
      nodes.push(await spawnNode(id, 'signaling', env, { stdio: 'ignore' }));
    }
    edge = await startLocalEdge({
      nodes: nodes
        .filter((n) => n.ready.ready === 'signaling')
        .map((n) => ({ name: n.name, url: String(n.ready.url) })),
      dir: dataDir,
      httpPort: await freePort(),
      checkMs: 500,
    });
  });
  afterAll(async () => {
    for (const c of open) c.close();
    await edge?.stop();
    for (const n of [...nodes].reverse()) await n.stop();
    await redis?.destroy();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  let meetingId: string;
  /** The node killed in the first test (restarted in the second). */
  let killed = '';
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
    const id = await nodeOfMeeting(edge.url, meetingId);
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

  it('killed: the sockets reconnect through HAProxy to the other node and rejoin with the room state', async () => {
    const host = await login(edge.url, 'host450');
    meetingId = await startMeeting(edge.url, host, ['18853', '18856', '18859']);
    const tokens = [await login(edge.url, 'u18853'), await login(edge.url, 'u18856')];
    for (const token of [...tokens, host]) {
      open.push(await connect(edge.url, token, { query: { meetingId }, reconnection: true }));
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

    // Other meetings, placed by the hash over both nodes before the kill.
    const others = Array.from({ length: 24 }, (_, i) => `probe-${i}`);
    const before = new Map<string, string>();
    for (const m of others) before.set(m, await nodeOfMeeting(edge.url, m));
    expect(new Set(before.values())).toEqual(new Set(['sig-1', 'sig-2']));

    const hosting = await hostingNode();
    killed = hosting.name;
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
    const outsider = await connect(edge.url, await login(edge.url, 'u18859'), {
      query: { meetingId },
    });
    open.push(outsider);
    const refused = await outsider.request('meeting:join', { meetingId, deviceId: 'dev-c' });
    expect(refused).toMatchObject({ ok: false, error: { code: 'MEETING_LOCKED' } });
    // The dead node's endpoints are reaped on the SFU node: three endpoints remain, not six.
    await expect.poll(endpointsOnSfu, { timeout: 5_000 }).toBe(3);
    // Only the dead node's meetings moved.
    for (const [m, was] of before) {
      const survivor = hosting.name === 'sig-1' ? 'sig-2' : 'sig-1';
      expect(await nodeOfMeeting(edge.url, m)).toBe(was === killed ? survivor : was);
    }
  });

  it('restarted on its address, the dead node gets new meetings but not the running one, which stays whole', async () => {
    const env = { ...process.env, ...timing, REDIS_URL: redis.url, LOG_LEVEL: 'warn' };
    Object.assign(env, {
      SFU_MODE: 'remote',
      SIGNALING_NODE_ID: killed,
      PORT: String(ports.get(killed)),
    });
    Object.assign(env, { HOST: '127.0.0.1', DATA_DIR: dataDir, SEED_DEMO: 'false' });
    nodes.push(await spawnNode(killed, 'signaling', env, { stdio: 'ignore' }));
    // HAProxy's checks bring it back: fresh meetings hash to it again.
    await expect
      .poll(
        async () => {
          const fresh = Array.from({ length: 8 }, (_, i) => `fresh-${Date.now()}-${i}`);
          const names = await Promise.all(fresh.map((m) => nodeOfMeeting(edge.url, m)));
          return names.includes(killed);
        },
        { timeout: 10_000, interval: 250 },
      )
      .toBe(true);
    // The running meeting sticks to the node that took it over (HAProxy's
    // stick table): a client that reconnects now reaches the room the others
    // are in, not an empty one on the node the hash would pick.
    expect((await hostingNode()).name).not.toBe(killed);
  });

  it('stopped cleanly (SIGTERM): it hands its meeting over to another node without ending it', async () => {
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
