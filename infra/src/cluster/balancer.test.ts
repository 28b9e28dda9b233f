import { createServer, type Server } from 'node:http';
import { connect } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { createLogger } from '@giaoban/common/logger';
import { NodeRegistry } from '@giaoban/sfu/remote/nodeRegistry';
import { startTestRedis, type TestRedis } from '../../test/redis';
import { freePort } from '../redisServer';
import { startBalancer, type Balancer } from './balancer';
import { meetingRouteKey } from './meetingRoute';
import { signalingNodeInfoSchema } from './signalingNode';

const log = createLogger('test', process.env.LOG_LEVEL ?? 'silent');

/** A WebSocket upgrade request over a raw TCP socket; resolves with the first bytes answered. */
const upgrade = (port: number, path: string) =>
  new Promise<string>((resolve, reject) => {
    const s = connect(port, '127.0.0.1', () => {
      s.write(
        `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n`,
      );
    });
    s.once('data', (d) => {
      resolve(d.toString());
      s.destroy();
    });
    s.once('error', reject);
    s.once('close', () => resolve(''));
  });

/**
 * A signaling node killed with SIGKILL refuses connections at once, but its
 * heartbeat key lives on for CLUSTER_NODE_TTL_MS: the balancer must not send
 * its meetings' reconnecting sockets there meanwhile (real redis-server; the
 * nodes are bare HTTP servers, a dead one a port nothing listens on).
 */
describe('balancer: a node that refuses connections', () => {
  let redis: TestRedis | undefined;
  let balancer: Balancer | undefined;
  let live: Server | undefined;
  afterAll(async () => {
    await balancer?.close();
    live?.close();
    await redis?.destroy();
  });

  it("sends a dead node's meeting to a live node on the first try and moves its route", async () => {
    redis = await startTestRedis();
    const seen: string[] = [];
    live = createServer((req, res) => {
      seen.push(`http ${req.url}`);
      res.end('live');
    });
    live.on('upgrade', (_req, socket) => {
      seen.push('upgrade');
      socket.end('HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\n\r\n');
    });
    const livePort = await freePort();
    await new Promise<void>((r) => live!.listen(livePort, '127.0.0.1', r));
    const registry = new NodeRegistry(redis.client(), 'signaling', signalingNodeInfoSchema, log);
    const node = (id: string, port: number) => ({
      id,
      url: `http://127.0.0.1:${port}`,
      sockets: 0,
      startedAt: 1,
      pid: 1,
    });
    // Its heartbeat key still lives; its port does not answer.
    await registry.beat(node('sig-dead', await freePort()), 60_000);
    await registry.beat(node('sig-live', livePort), 60_000);
    await redis.client().set(meetingRouteKey('m1'), 'sig-dead');
    balancer = await startBalancer({ redisUrl: redis.url, port: 0, host: '127.0.0.1', log });
    expect(balancer.nodes()).toHaveLength(2);

    const answer = await upgrade(
      balancer.port,
      '/socket.io/?meetingId=m1&EIO=4&transport=websocket',
    );
    expect(answer).toMatch(/^HTTP\/1.1 101/);
    expect(seen).toEqual(['upgrade']);
    expect(await redis.client().get(meetingRouteKey('m1'))).toBe('sig-live');
    // Everything else skips it too until its key lapses: no 502 from round-robin.
    for (let i = 0; i < 4; i++) expect((await fetch(`${balancer.url}/api/x${i}`)).status).toBe(200);
  });
});
