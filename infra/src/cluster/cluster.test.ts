import { io } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '@giaoban/common/logger';
import { clusterKeys } from '@giaoban/sfu/remote/keys';
import { connect, login, startMeeting, type TestClient } from '@giaoban/signaling/testing/clients';
import { startTestCluster, type TestCluster } from '../../test/cluster';
import type { ChildNode } from './childNode';
import type { SignalingNode } from './signalingNode';

const log = createLogger('test', process.env.LOG_LEVEL ?? 'silent');

/**
 * The cluster layout on one machine, all real: one redis-server, two SFU
 * node processes (real mediasoup workers), two signaling nodes (in this
 * process, so the test can look inside them) and HAProxy in front.
 */
describe('cluster: 2 SFU node processes, 2 signaling nodes, HAProxy, one redis-server', () => {
  let cluster: TestCluster;
  let redis: TestCluster['redis'];
  let sfuNodes: Map<string, ChildNode>;
  let sig1: SignalingNode;
  let sig2: SignalingNode;
  let url: string;
  const open: TestClient[] = [];
  const client = async (url: string, token: string, meetingId?: string) => {
    const c = await connect(url, token, meetingId ? { query: { meetingId } } : {});
    open.push(c);
    return c;
  };

  beforeAll(async () => {
    cluster = await startTestCluster();
    ({ redis, sfuNodes, url } = cluster);
    [sig1, sig2] = cluster.signaling as [SignalingNode, SignalingNode];
  });
  afterAll(async () => {
    for (const c of open) c.close();
    await cluster?.close();
  });

  it('an emergency convened on one signaling node alerts, and ends the room of, a unit on the other', async () => {
    const commander = await login(sig1.url, 'chihuy');
    const commune = await client(sig2.url, await login(sig2.url, 'u18904'));
    const alerted = commune.next('emergency:alert', 5_000);
    const res = await fetch(`${sig1.url}/api/emergencies`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${commander}` },
      body: JSON.stringify({ title: 'Lũ khẩn', selectors: [{ type: 'unit', unitId: '18904' }] }),
    });
    expect(res.status).toBe(201);
    const { emergency } = (await res.json()) as { emergency: { id: string; meetingId: string } };
    expect(await alerted).toMatchObject({ meetingId: emergency.meetingId });

    const j = await commune.request('meeting:join', {
      meetingId: emergency.meetingId,
      deviceId: 'd',
    });
    if (!j.ok) throw new Error(JSON.stringify(j.error));
    expect(sig2.signaling.meetingState(emergency.meetingId)?.endpoints).toHaveLength(1);
    const ended = commune.next('meeting:ended', 5_000);
    const end = await fetch(`${sig1.url}/api/emergencies/${emergency.id}/end`, {
      method: 'POST',
      headers: { authorization: `Bearer ${commander}` },
    });
    expect(end.status).toBeLessThan(300);
    expect(await ended).toEqual({ reason: 'closed' });
    await expect.poll(() => sig2.signaling.meetings()).toEqual([]);
    // The emptied room closes its media: the SFU placement is released too.
    await expect
      .poll(() => redis.client().get(clusterKeys.placement(emergency.meetingId)))
      .toBeNull();
  });

  it('a push socket on long-polling (no WebSocket) sticks to one node by cookie and gets its alerts', async () => {
    const commander = await login(url, 'chihuy');
    const token = await login(url, 'u18907');
    // withCredentials: engine.io-client keeps HAProxy's cookie, as a browser does.
    const push = io(url, {
      auth: { token },
      transports: ['polling'],
      withCredentials: true,
      forceNew: true,
      reconnection: false,
    });
    try {
      await new Promise<void>((resolve, reject) => {
        push.once('connect', resolve);
        push.once('connect_error', reject);
      });
      const alerts: unknown[] = [];
      push.on('emergency:alert', (p: unknown) => alerts.push(p));
      for (const title of ['Bão số 1', 'Bão số 2']) {
        const res = await fetch(`${url}/api/emergencies`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${commander}` },
          body: JSON.stringify({ title, selectors: [{ type: 'unit', unitId: '18907' }] }),
        });
        expect(res.status).toBe(201);
      }
      // Many polls later (each a new HTTP request through HAProxy), still one session.
      await expect.poll(() => alerts.length, { timeout: 5_000 }).toBe(2);
      expect(push.connected).toBe(true);
      expect(push.io.engine.transport.name).toBe('polling');
    } finally {
      push.disconnect();
    }
  });

  let meetingId: string;
  let a: TestClient;
  let b: TestClient;
  it("routes a meeting's sockets through HAProxy to one signaling node and spreads meetings over the SFU nodes", async () => {
    await new Promise((r) => setTimeout(r, 600)); // heartbeats report the closed emergency gone
    const host = await login(url, 'host450');
    meetingId = await startMeeting(url, host, ['18853', '18856']);
    a = await client(url, await login(url, 'u18853'), meetingId);
    b = await client(url, await login(url, 'u18856'), meetingId);
    const ja = await a.request('meeting:join', { meetingId, deviceId: 'dev-a' });
    const jb = await b.request('meeting:join', { meetingId, deviceId: 'dev-b' });
    if (!ja.ok || !jb.ok) throw new Error('join failed');
    // b sees a: both sockets reached the same room state.
    expect(jb.data.endpoints.map((e) => e.unitId)).toEqual(['18853']);
    const hosting = [sig1, sig2].filter((s) => s.signaling.meetingState(meetingId));
    expect(hosting).toHaveLength(1);
    const sfuOfFirst = hosting[0]!.sfu.nodeOf(meetingId);
    expect(['sfu-1', 'sfu-2']).toContain(sfuOfFirst);
    expect(await redis.client().get(clusterKeys.placement(meetingId))).toBe(sfuOfFirst);

    const second = await startMeeting(url, host, ['18859']);
    const c = await client(url, await login(url, 'u18859'), second);
    const jc = await c.request('meeting:join', { meetingId: second, deviceId: 'dev-c' });
    if (!jc.ok) throw new Error(JSON.stringify(jc.error));
    expect(await redis.client().get(clusterKeys.placement(second))).not.toBe(sfuOfFirst);
  });

  it('detects an SFU node killed with SIGKILL: its endpoints are told to reconnect (sfuNodeLost) and the meeting moves with its room state', async () => {
    const sent = await a.request('chat:send', { text: 'Trước sự cố' });
    if (!sent.ok) throw new Error(JSON.stringify(sent.error));
    const victimId = (await redis.client().get(clusterKeys.placement(meetingId)))!;
    const reconnectA = a.next('media:reconnect', 8_000);
    const reconnectB = b.next('media:reconnect', 8_000);
    const t0 = performance.now();
    sfuNodes.get(victimId)!.process.kill('SIGKILL');
    // Named as a lost SFU node, not as a dead worker.
    expect(await Promise.all([reconnectA, reconnectB])).toEqual([
      { reason: 'sfuNodeLost' },
      { reason: 'sfuNodeLost' },
    ]);
    log.info({ detectMs: Math.round(performance.now() - t0) }, 'sfu node loss detected');
    const again = await a.request('meeting:join', { meetingId, deviceId: 'dev-a' });
    if (!again.ok) throw new Error(JSON.stringify(again.error));
    expect(again.data.sendTransport.iceCandidates.length).toBeGreaterThan(0);
    // Everyone left the room with the node; the rejoin takes its state back.
    expect(again.data.chat.map((m) => m.text)).toEqual(['Trước sự cố']);
    const moved = await redis.client().get(clusterKeys.placement(meetingId));
    expect(moved).not.toBe(victimId);
    expect(moved).toMatch(/^sfu-[12]$/);
  });
});
