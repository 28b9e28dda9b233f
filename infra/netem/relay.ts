import dgram from 'node:dgram';
import net from 'node:net';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { DelayLine } from './delayLine';

/**
 * The delay stage of the weak-link harness (tc netem is missing on this
 * kernel). It listens on the host end of the veth pair and forwards UDP and
 * TCP to the server on loopback, holding every packet or chunk `delayMs` in
 * each direction. Only traffic from `delayedAddress` (the shaped namespace) is
 * delayed, so unshaped endpoints on the host can use the same announced
 * address. Runs as a child process (own event loop, steadier timing), reads
 * `{"delayMs":N}` lines on stdin and exits when stdin closes.
 */
export const relayRouteSchema = z.object({
  proto: z.enum(['udp', 'tcp']),
  /** 0 = any free port. mediasoup has no announced port: RTC routes reuse the server's port. */
  listenPort: z.number().int().min(0).max(65535),
  targetPort: z.number().int().min(1).max(65535),
});
export type RelayRoute = z.infer<typeof relayRouteSchema>;

export const relayConfigSchema = z.object({
  listenHost: z.string(),
  targetHost: z.string().default('127.0.0.1'),
  delayedAddress: z.string(),
  delayMs: z.number().min(0).max(10_000),
  routes: z.array(relayRouteSchema),
});
export type RelayConfig = z.infer<typeof relayConfigSchema>;

export interface RunningRelay {
  /** Listen port of each route, in the order given. */
  ports: number[];
  setDelay(ms: number): void;
  close(): void;
}

export async function startRelay(config: RelayConfig): Promise<RunningRelay> {
  const lines = new Set<DelayLine<unknown>>();
  const closers: (() => void)[] = [];
  const line = <T>(release: (item: T) => void, delayed: boolean): DelayLine<T> => {
    const l = new DelayLine<T>(delayed ? config.delayMs : 0, release);
    if (delayed) lines.add(l as DelayLine<unknown>);
    return l;
  };
  const ports: number[] = [];
  for (const route of config.routes) {
    ports.push(
      route.proto === 'udp'
        ? await udpRoute(config, route, line, closers)
        : await tcpRoute(config, route, line, closers),
    );
  }
  return {
    ports,
    setDelay(ms) {
      config.delayMs = ms;
      for (const l of lines) l.delayMs = ms;
    },
    close() {
      for (const c of closers) c();
      for (const l of lines) l.close();
    },
  };
}

type LineFactory = <T>(release: (item: T) => void, delayed: boolean) => DelayLine<T>;

async function udpRoute(
  config: RelayConfig,
  route: RelayRoute,
  line: LineFactory,
  closers: (() => void)[],
): Promise<number> {
  const front = dgram.createSocket('udp4');
  const peers = new Map<string, { up: DelayLine<Buffer>; back: dgram.Socket }>();
  front.on('message', (msg, rinfo) => {
    const key = `${rinfo.address}:${rinfo.port}`;
    let peer = peers.get(key);
    if (!peer) {
      const delayed = rinfo.address === config.delayedAddress;
      const back = dgram.createSocket('udp4');
      back.on('error', () => undefined);
      back.bind(0, config.targetHost);
      const down = line<Buffer>((m) => front.send(m, rinfo.port, rinfo.address), delayed);
      back.on('message', (m) => down.push(m));
      const up = line<Buffer>((m) => back.send(m, route.targetPort, config.targetHost), delayed);
      peer = { up, back };
      peers.set(key, peer);
    }
    peer.up.push(msg);
  });
  front.on('error', () => undefined);
  await new Promise<void>((resolve, reject) => {
    front.once('error', reject);
    front.bind(route.listenPort, config.listenHost, () => resolve());
  });
  closers.push(() => {
    front.close();
    for (const p of peers.values()) p.back.close();
  });
  return front.address().port;
}

async function tcpRoute(
  config: RelayConfig,
  route: RelayRoute,
  line: LineFactory,
  closers: (() => void)[],
): Promise<number> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const delayed = client.remoteAddress?.replace(/^::ffff:/, '') === config.delayedAddress;
    const upstream = net.connect(route.targetPort, config.targetHost);
    sockets.add(client).add(upstream);
    client.setNoDelay(true);
    upstream.setNoDelay(true);
    // null marks the end of the stream, released in order after the data.
    const up = line<Buffer | null>((b) => (b ? upstream.write(b) : upstream.end()), delayed);
    const down = line<Buffer | null>((b) => (b ? client.write(b) : client.end()), delayed);
    client.on('data', (b) => up.push(b));
    upstream.on('data', (b) => down.push(b));
    client.on('end', () => up.push(null));
    upstream.on('end', () => down.push(null));
    const destroy = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    // GB_RELAY_LOG=1: one stderr line per socket event (how the GPRS resets were found).
    if (process.env.GB_RELAY_LOG) {
      const t0 = Date.now();
      let upB = 0;
      let downB = 0;
      const tag = `${client.remotePort}`;
      const log = (ev: string) =>
        process.stderr.write(`relay ${tag} +${Date.now() - t0}ms ${ev} up=${upB} down=${downB}\n`);
      client.on('data', (b) => (upB += b.length));
      upstream.on('data', (b) => (downB += b.length));
      log('open');
      client.on('end', () => log('client end'));
      client.on('error', (e) => log(`client error ${e.message}`));
      client.on('close', () => log('client close'));
      upstream.on('end', () => log('upstream end'));
      upstream.on('error', (e) => log(`upstream error ${e.message}`));
      upstream.on('close', () => log('upstream close'));
    }
    client.on('error', destroy).on('close', () => setTimeout(destroy, config.delayMs + 50));
    // The server closing its side (response done, keep-alive timeout) must not cut what the
    // slow link still carries: its 'end' queued a null that ends the client after the data.
    upstream.on('error', destroy);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(route.listenPort, config.listenHost, () => resolve());
  });
  closers.push(() => {
    server.close();
    for (const s of sockets) s.destroy();
  });
  const addr = server.address();
  return typeof addr === 'object' && addr ? addr.port : 0;
}

async function main(): Promise<void> {
  const config = relayConfigSchema.parse(JSON.parse(process.argv[2] ?? '{}'));
  const relay = await startRelay(config);
  process.stdout.write(`${JSON.stringify({ ready: true, ports: relay.ports })}\n`);
  const rl = createInterface({ input: process.stdin });
  rl.on('line', (l) => {
    const cmd = z.object({ delayMs: z.number().min(0).max(10_000) }).safeParse(JSON.parse(l));
    if (cmd.success) {
      relay.setDelay(cmd.data.delayMs);
      process.stdout.write(`${JSON.stringify({ delayMs: cmd.data.delayMs })}\n`);
    }
  });
  // The parent is gone (or asked us to stop): never outlive it.
  rl.on('close', () => {
    relay.close();
    process.exit(0);
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  main().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
