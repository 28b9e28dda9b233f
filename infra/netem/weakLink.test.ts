import dgram from 'node:dgram';
import { execFileSync } from 'node:child_process';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { droppedPackets, namespaceExists, sweepStaleNamespaces } from './netns';
import { profile } from './profiles';
import { WeakLink } from './weakLink';

/**
 * Self-test of the weak-link harness: before any result measured through it is
 * trusted, measure that rate (tbf), delay (relay) and loss (iptables) really
 * apply, and that nothing is left behind.
 */
function probeProcess(link: WeakLink, mode: string, args: object) {
  const child = link.spawnInside(process.execPath, [
    ...['--import', 'tsx', 'infra/netem/probe.ts', mode, JSON.stringify(args)],
  ]);
  const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
  return {
    async line(): Promise<string> {
      const next = await lines.next();
      if (next.done) throw new Error(`probe ${mode} ended without output`);
      return next.value;
    },
  };
}

const probe = async (link: WeakLink, mode: string, args: object) =>
  JSON.parse(await probeProcess(link, mode, args).line()) as Record<string, number>;

async function listen(socket: dgram.Socket, host: string): Promise<number> {
  await new Promise<void>((r) => socket.bind(0, host, () => r()));
  return socket.address().port;
}

describe('weak-link harness', () => {
  let link: WeakLink;
  const closers: (() => void)[] = [];
  beforeAll(async () => {
    link = await WeakLink.create(profile('2g'));
  });
  afterAll(async () => {
    for (const c of closers) c();
    await link?.close();
  });

  it('limits the downlink and the uplink to the profile rate', async () => {
    // Each side offers twice the profile's rate in 1000-byte datagrams; the other
    // side counts what arrives (IP+UDP headers included) in a 3 s window.
    const size = 1000;
    const gapFor = (kbps: number) => ((size + 28) * 8) / (2 * kbps);

    const counter = probeProcess(link, 'udp-count', {
      port: 40_000,
      ms: 6_000,
      fromMs: 1_000,
      toMs: 4_000,
    });
    await counter.line(); // listening
    const sender = dgram.createSocket('udp4');
    closers.push(() => sender.close());
    const payload = Buffer.alloc(size);
    const end = performance.now() + 5_000;
    while (performance.now() < end) {
      sender.send(payload, 40_000, link.ns.nsAddress);
      await new Promise((r) => setTimeout(r, gapFor(250)));
    }
    const down = JSON.parse(await counter.line()) as { kbps: number };
    expect(down.kbps).toBeGreaterThan(250 * 0.85);
    expect(down.kbps).toBeLessThan(250 * 1.15);

    let first = 0;
    let bytes = 0;
    const sink = dgram.createSocket('udp4');
    sink.on('message', (m) => {
      const now = performance.now();
      if (!first) first = now;
      if (now - first >= 1_000 && now - first < 4_000) bytes += m.length + 28;
    });
    closers.push(() => sink.close());
    const port = await listen(sink, link.hostAddress);
    await probe(link, 'udp-send', {
      host: link.hostAddress,
      port,
      size,
      count: Math.ceil(5_000 / gapFor(50)),
      gapMs: gapFor(50),
    });
    const upKbps = (bytes * 8) / 3_000;
    expect(upKbps).toBeGreaterThan(50 * 0.85);
    expect(upKbps).toBeLessThan(50 * 1.15);
    // Let the 500 ms queues drain before the delay is measured.
    await new Promise((r) => setTimeout(r, 1_500));
  }, 30_000);

  it('delays each direction through the relay, and follows a profile change', async () => {
    const echo = dgram.createSocket('udp4');
    echo.on('message', (m, r) => echo.send(m, r.port, r.address));
    closers.push(() => echo.close());
    const echoPort = await listen(echo, '127.0.0.1');
    const [relayPort] = await link.relay([{ proto: 'udp', listenPort: 0, targetPort: echoPort }]);
    const target = { host: link.hostAddress, port: relayPort, count: 20, gapMs: 100 };

    const twoG = await probe(link, 'udp-rtt', target);
    expect(twoG.received).toBe(20);
    expect(twoG.medianMs).toBeGreaterThan(300 - 5);
    expect(twoG.medianMs).toBeLessThan(300 + 60);

    await link.setProfile('edge');
    const edge = await probe(link, 'udp-rtt', target);
    expect(edge.medianMs).toBeGreaterThan(840 - 5);
    expect(edge.medianMs).toBeLessThan(840 + 80);
    await link.setProfile('2g');
  }, 30_000);

  it('loses the configured share on the wire, each way, without the sender knowing', async () => {
    await link.setProfile(profile('2g', { lossPct: 20 }));
    const sink = dgram.createSocket('udp4');
    let received = 0;
    sink.on('message', () => received++);
    closers.push(() => sink.close());
    const port = await listen(sink, link.hostAddress);
    // 400 small datagrams (48 bytes on the wire at 83/s = 32 kbit/s) fit in 50 kbit/s: only the loss drops them.
    const up = (await probe(link, 'udp-send', {
      host: link.hostAddress,
      port,
      count: 400,
      gapMs: 12,
      size: 20,
    })) as { sent: number; refused: number };
    await new Promise((r) => setTimeout(r, 500));
    // The kernel accepted every send: a refused one is an error the sender can act on
    // (Chromium sends again), not loss on the wire.
    expect(up.refused).toBe(0);
    expect(received / 400).toBeGreaterThan(0.7);
    expect(received / 400).toBeLessThan(0.9);

    // Downlink: the host sends, the namespace counts.
    const counter = probeProcess(link, 'udp-count', {
      port: 40_001,
      ms: 6_500,
      fromMs: 0,
      toMs: 1,
    });
    await counter.line(); // listening
    const sender = dgram.createSocket('udp4');
    closers.push(() => sender.close());
    let refusedDown = 0;
    for (let i = 0; i < 400; i++) {
      sender.send(Buffer.alloc(20), 40_001, link.ns.nsAddress, (err) => err && refusedDown++);
      await new Promise((r) => setTimeout(r, 12));
    }
    const down = JSON.parse(await counter.line()) as { count: number };
    expect(refusedDown).toBe(0);
    expect(down.count / 400).toBeGreaterThan(0.7);
    expect(down.count / 400).toBeLessThan(0.9);
    // The drops happened on the router, a hop away from both senders.
    const dropped = await droppedPackets(link.ns);
    expect(dropped.up).toBe(400 - received);
    expect(dropped.down).toBeGreaterThanOrEqual(400 - down.count);

    await link.setProfile('2g');
    received = 0;
    await probe(link, 'udp-send', {
      host: link.hostAddress,
      port,
      count: 100,
      gapMs: 12,
      size: 20,
    });
    await new Promise((r) => setTimeout(r, 500));
    expect(received).toBe(100);
  }, 40_000);

  it('removes its namespace, veth and relay on close, and sweeps stale ones', async () => {
    const other = await WeakLink.create('good');
    await other.relay([{ proto: 'tcp', listenPort: 0, targetPort: 9 }]);
    await other.close();
    expect(await namespaceExists(other.ns.name)).toBe(false);
    expect(await namespaceExists(other.ns.router)).toBe(false);
    expect(execFileSync('ip', ['-o', 'link', 'show']).toString()).not.toContain(
      `${other.ns.hostIf}@`,
    );

    // A namespace named after a dead process is what a crashed run leaves.
    const stale = 'gbnet-999999999-0';
    execFileSync('ip', ['netns', 'add', stale]);
    try {
      expect(await sweepStaleNamespaces()).toContain(stale);
      expect(await namespaceExists(stale)).toBe(false);
      expect(await namespaceExists(link.ns.name)).toBe(true);
    } finally {
      if (await namespaceExists(stale)) execFileSync('ip', ['netns', 'del', stale]);
    }
  }, 30_000);
});
