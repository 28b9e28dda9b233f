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

  const router = new MeetingRouter(redis, registry, o.log);
  const pick = async (
    req: IncomingMessage,
  ): Promise<{ node?: SignalingNodeInfo; sticky: boolean }> => {
    const url = new URL(req.url ?? '/', 'http://balancer');
    if (url.pathname.startsWith('/socket.io/')) {
      const meetingId = url.searchParams.get('meetingId');
      if (meetingId && meetingId.length <= 200) {
        const node = await router.route(meetingId, nodes).catch((err: unknown) => {
          o.log.warn({ err, meetingId }, 'meeting route unreadable: hashing instead');
          return rendezvous(meetingId, nodes);
        });
        return { node, sticky: false };
      }
      const wanted = cookie(req, STICKY);
      const stuck = wanted ? nodes.find((n) => n.id === wanted) : undefined;
      if (stuck) return { node: stuck, sticky: false };
      return { node: roundRobin(), sticky: true };
    }
    return { node: roundRobin(), sticky: false };
  };
  const roundRobin = () => (nodes.length ? nodes[next++ % nodes.length] : undefined);

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
    upstream.on('error', (err) => {
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
  const proxyUpgrade = async (req: IncomingMessage, client: Socket, head: Buffer) => {
    const { node } = await pick(req);
    if (!node) {
      client.end('HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\n\r\n');
      return;
    }
    const target = new URL(node.url);
    const upstream = connect(Number(target.port), target.hostname, () => {
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
      client.destroy();
      tunnels.delete(client);
      tunnels.delete(upstream);
    };
    upstream.on('error', drop);
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
