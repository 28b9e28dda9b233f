import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { Redis } from 'ioredis';
import { io, type Socket } from 'socket.io-client';
import type { Logger } from '@giaoban/common/logger';
import { clusterKeys } from '@giaoban/sfu/remote/keys';
import { login, startMeeting } from '@giaoban/signaling/testing/clients';
import { launchChromium } from '../../../e2e/browser';
import {
  buildMeetingHarness,
  harnessJoin,
  harnessSelfId,
  openHarnessPage,
} from '../../../e2e/harness';
import { spawnNode, type ChildNode } from '../../src/cluster/childNode';
import { startLocalEdge, type LocalEdge } from '../../src/edge/localEdge';
import { freePort, startRedisServer } from '../../src/redisServer';
import { nodeOfMeeting } from '../../test/edge';

export interface FailoverRun {
  run: number;
  /** Clients of the meeting (host + communes) back in the room with its state. */
  clients: number;
  /** SIGKILL → the first / the median / the last client's join answer (with the chat). */
  firstMs: number;
  p50Ms: number;
  allBackMs: number;
}
export interface SfuFailoverRun {
  run: number;
  /** SIGKILL → both browsers joined again (new endpoints). */
  rejoinedMs: number;
  /** SIGKILL → each browser receives the other's audio again (the later of the two). */
  mediaMs: number;
}

const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function until<T>(what: string, ms: number, fn: () => Promise<T | undefined>): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`failover bench: ${what} within ${ms} ms`);
    await wait(50);
  }
}

/**
 * What losing a node costs, on the cluster layout (redis-server, 2 SFU node
 * processes, 2 signaling node processes, HAProxy rendered from the
 * deployment's template with its default checks: every 1 s, 250 ms once
 * failing) with the production timing (heartbeat 1 s, dead after 4 s) unless
 * CLUSTER_* say otherwise:
 *  - a signaling node killed (SIGKILL) → every client of its meeting back in
 *    the room with its state (the chat in its join answer); socket.io clients
 *    reconnect as the app's do (0.5 s, doubling up to 5 s, ±50 %);
 *  - an SFU node killed (SIGKILL) → two communes in Chromium (the app's
 *    meeting engine, fake microphone) hear each other again.
 * After each kill the dead node is started again on its address (as systemd
 * restarts it) and HAProxy's checks bring it back.
 */
export async function measureFailover(o: {
  communes: readonly string[];
  clients: number;
  runs: number;
  log: Logger;
}): Promise<{ signaling: FailoverRun[]; sfu: SfuFailoverRun[] }> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'gb-bench-failover-'));
  const redis = await startRedisServer({ dataDir: path.join(dataDir, 'redis') });
  const base = { ...process.env, REDIS_URL: redis.url, LOG_LEVEL: 'error' };
  const procs: ChildNode[] = [];
  let edge: LocalEdge | undefined;
  let seq = 0;
  const sigPorts = new Map<string, number>();
  const sfuNode = async () => {
    const id = `sfu-${++seq}`;
    const env = { ...base, SFU_NODE_ID: id, SFU_WORKERS: '1', RTC_PORT: '0' };
    procs.push(await spawnNode(id, 'sfu', env, { stdio: 'ignore' }));
  };
  const signalingNode = async (seed: boolean, again?: string) => {
    const id = again ?? `sig-${++seq}`;
    if (!sigPorts.has(id)) sigPorts.set(id, await freePort());
    const env = { ...base, SFU_MODE: 'remote', SIGNALING_NODE_ID: id };
    Object.assign(env, { PORT: String(sigPorts.get(id)) });
    Object.assign(env, { HOST: '127.0.0.1', DATA_DIR: dataDir, SEED_DEMO: String(seed) });
    Object.assign(env, { SIGNALING_RATE_PER_SECOND: '1000' });
    procs.push(await spawnNode(id, 'signaling', env, { stdio: 'ignore' }));
  };
  /** HAProxy's checks see the node again: fresh meetings hash to it. */
  const edgeSees = (name: string) =>
    until(`HAProxy sends meetings to ${name} again`, 15_000, async () => {
      const fresh = Array.from({ length: 8 }, (_, i) => `fresh-${Date.now()}-${i}`);
      const names = await Promise.all(fresh.map((m) => nodeOfMeeting(edge!.url, m)));
      return names.includes(name) ? true : undefined;
    });
  const live = (name: string | null) => {
    const p = procs.findLast((n) => n.name === name && n.process.exitCode === null);
    if (!p) throw new Error(`failover bench: no live process ${name}`);
    return p;
  };
  const sockets: Socket[] = [];
  const browser = await launchChromium();
  try {
    for (let i = 0; i < 2; i++) await sfuNode();
    for (let i = 0; i < 2; i++) await signalingNode(i === 0);
    const nodes = [...sigPorts].map(([name, port]) => ({ name, url: `http://127.0.0.1:${port}` }));
    edge = await startLocalEdge({ nodes, dir: dataDir, httpPort: await freePort() });
    const url = edge.url;
    // The province's host: every commune is in its scope.
    const host = await login(url, 'host44');

    // 1. A signaling node killed under a meeting of `clients` endpoints.
    const units = o.communes.slice(0, o.clients - 1);
    const meetingId = await startMeeting(url, host, units);
    const tokens = [host, ...(await Promise.all(units.map((u) => login(url, `u${u}`))))];
    for (const [i, token] of tokens.entries()) {
      const s = io(url, {
        auth: { token },
        query: { meetingId },
        transports: ['websocket'],
        reconnectionDelay: 500,
        reconnectionDelayMax: 5_000,
        forceNew: true,
      });
      sockets.push(s);
      await new Promise<void>((resolve, reject) => {
        s.once('connect', () => resolve());
        s.once('connect_error', reject);
      });
      await ack(s, 'meeting:join', { meetingId, deviceId: `dev-${i}` });
    }
    await ack(sockets[0]!, 'chat:send', { text: 'Bắt đầu' });
    await ack(sockets[0]!, 'moderation:lock', { locked: true });
    const signaling: FailoverRun[] = [];
    for (let run = 1; run <= o.runs; run++) {
      const victim = live(await nodeOfMeeting(url, meetingId));
      const t0 = performance.now();
      const back = sockets.map((s, i) =>
        rejoined(s, meetingId, `dev-${i}`).then(() => performance.now() - t0),
      );
      victim.process.kill('SIGKILL');
      const ms = (await Promise.all(back)).sort((a, b) => a - b);
      signaling.push({
        run,
        clients: ms.length,
        firstMs: Math.round(ms[0]!),
        p50Ms: Math.round(ms[Math.floor(ms.length / 2)]!),
        allBackMs: Math.round(ms[ms.length - 1]!),
      });
      await signalingNode(false, victim.name);
      await edgeSees(victim.name);
    }
    for (const s of sockets) s.close();

    // 2. An SFU node killed under two communes talking in Chromium.
    const pair = o.communes.slice(o.clients, o.clients + 2);
    const sfuMeeting = await startMeeting(url, host, pair);
    const harness = await buildMeetingHarness();
    const pages: Page[] = [];
    for (const unit of pair) {
      const page = await openHarnessPage(browser, url, harness, `u${unit}`);
      const token = await login(url, `u${unit}`);
      const joined = await harnessJoin(page, { token, meetingId: sfuMeeting, mic: true });
      if (!joined) throw new Error('failover bench: a browser could not join');
      pages.push(page);
    }
    const [a, b] = pages as [Page, Page];
    await until('audio both ways', 30_000, () => hearsEachOther(a, b));
    const sfu: SfuFailoverRun[] = [];
    for (let run = 1; run <= o.runs; run++) {
      const before = [await selfId(a), await selfId(b)];
      const victim = live(await redisGet(redis.url, clusterKeys.placement(sfuMeeting)));
      const t0 = performance.now();
      victim.process.kill('SIGKILL');
      await until('both browsers rejoined', 60_000, async () => {
        const now = [await selfId(a), await selfId(b)];
        return now.every((id, i) => id && id !== before[i]) ? true : undefined;
      });
      const rejoinedMs = Math.round(performance.now() - t0);
      await until('audio again', 60_000, () => hearsEachOther(a, b));
      sfu.push({ run, rejoinedMs, mediaMs: Math.round(performance.now() - t0) });
      await sfuNode();
    }
    return { signaling, sfu };
  } finally {
    for (const s of sockets) s.close();
    await browser.close();
    await edge?.stop();
    for (const p of [...procs].reverse()) await p.stop();
    await redis.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function ack(s: Socket, name: string, payload: unknown) {
  const r = (await s.timeout(15_000).emitWithAck(name, payload)) as {
    ok: boolean;
    data?: { chat?: { text: string }[] };
    error?: unknown;
  };
  if (!r.ok) throw new Error(`${name}: ${JSON.stringify(r.error)}`);
  return r.data;
}

/** As the client engine does: join again when not recovered, or when told the room is gone. */
function rejoined(s: Socket, meetingId: string, deviceId: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const join = () => {
      s.off('connect', onConnect);
      s.off('media:reconnect', join);
      ack(s, 'meeting:join', { meetingId, deviceId }).then((data) => {
        // Back "with state": the chat written before the kill is in the answer.
        if (data?.chat?.some((m) => m.text === 'Bắt đầu')) resolve();
        else reject(new Error('failover bench: rejoined without the room state'));
      }, reject);
    };
    const onConnect = () => {
      if (!s.recovered) join();
    };
    s.on('connect', onConnect);
    s.on('media:reconnect', join);
  });
}

const selfId = harnessSelfId;

interface Inbound {
  endpointId: string;
  kind: string;
  bytesReceived: number;
}
const audioFrom = async (page: Page, endpointId: string) =>
  (
    (await page.evaluate(() =>
      (
        globalThis as unknown as { giaobanMeeting?: { inboundStats(): Promise<Inbound[]> } }
      ).giaobanMeeting?.inboundStats(),
    )) ?? []
  )
    .filter((s) => s.endpointId === endpointId && s.kind === 'audio')
    .reduce((n, s) => n + s.bytesReceived, 0);

/** Each page receives audio bytes from the other's current endpoint. */
async function hearsEachOther(a: Page, b: Page): Promise<true | undefined> {
  const [ia, ib] = [await selfId(a), await selfId(b)];
  if (!ia || !ib) return undefined;
  return (await audioFrom(a, ib)) > 0 && (await audioFrom(b, ia)) > 0 ? true : undefined;
}

async function redisGet(url: string, key: string): Promise<string | null> {
  const r = new Redis(url, { maxRetriesPerRequest: 2 });
  try {
    return await r.get(key);
  } finally {
    r.disconnect();
  }
}
