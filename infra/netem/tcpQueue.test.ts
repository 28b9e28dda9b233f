import net from 'node:net';
import { createInterface } from 'node:readline';
import { describe, expect, it } from 'vitest';
import { WeakLink } from './weakLink';

/**
 * The harness must lose packets where a real network does: in the link's queue,
 * a hop away from the sender. A tbf on the relay's own host made the kernel
 * refuse the relay's packets locally, and a starved connection aborted (see
 * netns.ts). This fetches like a page's first visit on GPRS and needs every
 * response complete. Failed (a connection never finished) with the local queue.
 */
describe('weak-link harness under parallel TCP load', () => {
  it('carries parallel slow downloads to the end (the queue is a hop away, not local)', async () => {
    // A page's first visit on GPRS: the app's script, a stylesheet and small chunks at once
    // (~150 KB, 25 s at 50 kbit/s). With tbf on the relay's own host the full queue was
    // reported to the relay's sockets as local congestion, and a small response starved
    // behind the big ones aborted (ETIMEDOUT after 15 refusals 500 ms apart).
    const sizes = [110_000, 30_000, 4_200, 3_200, 2_300, 1_700, 1_000];
    const gprs = await WeakLink.create('gprs');
    const server = net.createServer((s) => {
      s.once('data', (b) => s.end(Buffer.alloc(Number(b.toString().trim()), 120)));
      s.on('error', () => undefined);
    });
    try {
      const port = await new Promise<number>((r) =>
        server.listen(0, '127.0.0.1', () => r((server.address() as net.AddressInfo).port)),
      );
      const [relayPort] = await gprs.relay([{ proto: 'tcp', listenPort: 0, targetPort: port }]);
      const child = gprs.spawnInside(process.execPath, [
        ...['--import', 'tsx', 'infra/netem/probe.ts', 'tcp-fetch'],
        JSON.stringify({
          host: gprs.hostAddress,
          port: relayPort,
          sizes: sizes.join(','),
          timeoutMs: 45_000,
        }),
      ]);
      const line = await createInterface({ input: child.stdout! })[Symbol.asyncIterator]().next();
      const { results } = JSON.parse(String(line.value)) as {
        results: { bytes: number; ms: number; error: string | null }[];
      };
      expect(results.map((r) => r.error)).toEqual(sizes.map(() => null));
      expect(results.map((r) => r.bytes)).toEqual(sizes);
      // 150 KB at 50 kbit/s is ≥ 24 s: the rate still applies.
      expect(Math.max(...results.map((r) => r.ms))).toBeGreaterThan(24_000);
    } finally {
      server.close();
      await gprs.close();
    }
  }, 60_000);
});
