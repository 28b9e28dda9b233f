import {
  createServer,
  request,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { connect, type Socket } from 'node:net';
import { Redis } from 'ioredis';
import { AppError } from '@giaoban/common/errors';
import type { Logger } from '@giaoban/common/logger';
import { NodeRegistry } from '@giaoban/sfu/remote/nodeRegistry';
import { MeetingRouter } from './meetingRoute';
import { rendezvous } from './rendezvous';
import { signalingNodeInfoSchema, type SignalingNodeInfo } from './signalingNode';
import { watchRedisConnection } from '@giaoban/common/redisWatch';

export interface BalancerOptions {
  redisUrl: string;
  port: number;
  host: string;
  log: Logger;
  /** How often the live signaling nodes are re-read from Redis. */
  refreshMs?: number;
}

export interface Balancer {
  readonly url: string;
  readonly port: number;
  /** The signaling nodes it routes to now. */
  nodes(): readonly SignalingNodeInfo[];
  close(): Promise<void>;
}

/** How long a node that refused a connection is skipped (its heartbeat key lapses before). */
const REFUSED_MS = 30_000;
/** A WebSocket upgrade refused by a node is tried on this many more nodes. */
const MAX_UPGRADE_TRIES = 2;

/** Sticky cookie for sockets that carry no meeting (push sockets on long-polling). */
const STICKY = 'gb_sig';

/**
 * A small HTTP + WebSocket reverse proxy in front of the signaling nodes.
 * /socket.io requests with a `meetingId` query go to the meeting's node
 * (MeetingRouter: rendezvous hash, then sticky in Redis), so all endpoints of
 * one meeting share one room state;
 * other socket.io requests stick to a node by cookie; everything else is
 * round-robin. Written on node:http/net because the maintained proxies
 * (http-proxy-3) need Node 22.
 */
export async function startBalancer(o: BalancerOptions): Promise<Balancer> {
  const redis = new Redis(o.redisUrl, { maxRetriesPerRequest: 2 });
  watchRedisConnection(redis, o.log, 'balancer');
  const registry = new NodeRegistry(redis, 'signaling', signalingNodeInfoSchema, o.log);
  let nodes: SignalingNodeInfo[] = [];
  let next = 0;
  const refresh = async () => {
    try {
      nodes = await registry.live();
    } catch (err) {
      o.log.warn({ err }, 'balancer could not read the signaling nodes; keeping the last list');
    }
  };
  await refresh();
  const timer = setInterval(() => void refresh(), o.refreshMs ?? 500);

  /**
   * Nodes that refused a connection (ECONNREFUSED: nothing listens, the
   * process is gone) are skipped at once rather than when their heartbeat key
   * lapses, so a killed node's clients get through on their first retry. Keyed
   * by start time: a node restarted under the same id is tried again.
   */
  const refused = new Map<string, number>();
  const refusedKey = (n: SignalingNodeInfo) => `${n.id}@${n.startedAt}`;
  const isRefused = (n: SignalingNodeInfo) => (refused.get(refusedKey(n)) ?? 0) > Date.now();
  const markRefused = (n: SignalingNodeInfo) => {
    for (const [k, until] of refused) if (until <= Date.now()) refused.delete(k);
    refused.set(refusedKey(n), Date.now() + REFUSED_MS);
    o.log.warn({ nodeId: n.id }, 'signaling node refuses connections: skipped');
  };
  const reachable = () => nodes.filter((n) => !isRefused(n));

  const router = new MeetingRouter(redis, registry, o.log);
  const pick = async (
    req: IncomingMessage,
  ): Promise<{ node?: SignalingNodeInfo; sticky: boolean }> => {
    const url = new URL(req.url ?? '/', 'http://balancer');
    const live = reachable();
    if (url.pathname.startsWith('/socket.io/')) {
      const meetingId = url.searchParams.get('meetingId');
      if (meetingId && meetingId.length <= 200) {
        const unreachable = new Set(nodes.filter(isRefused).map((n) => n.id));
        const node = await router.route(meetingId, live, unreachable).catch((err: unknown) => {
          o.log.warn({ err, meetingId }, 'meeting route unreadable: hashing instead');
          return rendezvous(meetingId, live);
        });
        return { node, sticky: false };
      }
      const wanted = cookie(req, STICKY);
      const stuck = wanted ? live.find((n) => n.id === wanted) : undefined;
      if (stuck) return { node: stuck, sticky: false };
      return { node: roundRobin(live), sticky: true };
    }
    return { node: roundRobin(live), sticky: false };
  };
  const roundRobin = (live: SignalingNodeInfo[]) =>
    live.length ? live[next++ % live.length] : undefined;

  const server: Server = createServer((req, res) => void proxyHttp(req, res));
  const proxyHttp = async (req: IncomingMessage, res: ServerResponse) => {
    const { node, sticky } = await pick(req);
    if (!node) {
      res.writeHead(503, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          error: new AppError('UNAVAILABLE', { reason: 'no signaling node' }).toBody(),
        }),
      );
      return;
    }
    const target = new URL(node.url);
    const upstream = request(
      {
        host: target.hostname,
        port: target.port,
        method: req.method,
        path: req.url,
        headers: withoutHopByHop(forwardedHeaders(req)),
      },
      (up) => {
        const headers = withoutHopByHop(up.headers);
        if (sticky) {
          const set = ([] as string[]).concat(headers['set-cookie'] ?? []);
          headers['set-cookie'] = [
            ...set,
            `${STICKY}=${node.id}; Path=/socket.io; HttpOnly; SameSite=Lax`,
          ];
        }
        res.writeHead(up.statusCode ?? 502, headers);
        up.pipe(res);
      },
    );
    upstream.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'ECONNREFUSED') markRefused(node);
      o.log.warn({ err: err.message, nodeId: node.id }, 'signaling node unreachable');
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: new AppError('UNAVAILABLE').toBody() }));
    });
    req.pipe(upstream);
  };

  /** Upgraded sockets leave the HTTP server's books: closed by hand on close(). */
  const tunnels = new Set<Socket>();
  // WebSocket upgrades: replay the request head to the chosen node, then splice the sockets.
  server.on('upgrade', (req: IncomingMessage, client: Socket, head: Buffer) => {
    void proxyUpgrade(req, client, head);
  });
  const proxyUpgrade = async (req: IncomingMessage, client: Socket, head: Buffer, tries = 0) => {
    const { node } = await pick(req);
    if (!node) {
      client.end('HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\n\r\n');
      return;
    }
    const target = new URL(node.url);
    let connected = false;
    let retrying = false;
    const upstream = connect(Number(target.port), target.hostname, () => {
      connected = true;
      const headers = forwardedHeaders(req);
      const lines = [`${req.method ?? 'GET'} ${req.url ?? '/'} HTTP/1.1`];
      for (const [k, v] of Object.entries(headers)) {
        for (const value of ([] as string[]).concat(v ?? [])) lines.push(`${k}: ${value}`);
      }
      upstream.write(`${lines.join('\r\n')}\r\n\r\n`);
      if (head.length) upstream.write(head);
      upstream.pipe(client).pipe(upstream);
    });
    tunnels.add(client).add(upstream);
    const drop = () => {
      upstream.destroy();
      tunnels.delete(upstream);
      if (retrying) return;
      client.destroy();
      tunnels.delete(client);
    };
    upstream.on('error', (err: NodeJS.ErrnoException) => {
      // Nothing listens there: the same request goes to the next live node.
      if (!connected && err.code === 'ECONNREFUSED') {
        markRefused(node);
        if (tries < MAX_UPGRADE_TRIES && !client.destroyed) {
          retrying = true;
          void proxyUpgrade(req, client, head, tries + 1);
        }
      }
      drop();
    });
    client.on('error', drop);
    upstream.on('close', drop);
    client.on('close', drop);
  };

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, o.host, () => resolve());
  });
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : o.port;
  o.log.info({ port, nodes: nodes.map((n) => n.id) }, 'balancer listening');

  return {
    url: `http://localhost:${port}`,
    port,
    nodes: () => nodes,
    async close() {
      clearInterval(timer);
      server.closeAllConnections();
      for (const s of tunnels) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      redis.disconnect();
    },
  };
}

function cookie(req: IncomingMessage, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return v.join('=');
  }
  return undefined;
}

/** Headers of one connection, not of the message: each side of the proxy sets its own. */
const HOP_BY_HOP = [
  'connection',
  'keep-alive',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
];

function withoutHopByHop<H extends Record<string, unknown>>(headers: H): H {
  const out = { ...headers };
  for (const h of HOP_BY_HOP) delete out[h];
  return out;
}

/** The client's headers plus X-Forwarded-For/Proto (signaling nodes run with TRUST_PROXY=1). */
function forwardedHeaders(req: IncomingMessage): IncomingMessage['headers'] {
  const prior = req.headers['x-forwarded-for'];
  const ip = req.socket.remoteAddress ?? '';
  return {
    ...req.headers,
    'x-forwarded-for': prior ? `${String(prior)}, ${ip}` : ip,
    'x-forwarded-proto': req.headers['x-forwarded-proto'] ?? 'http',
  };
}
