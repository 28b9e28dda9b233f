import { createSocket } from 'node:dgram';
import { readFile } from 'node:fs/promises';

/** Binds a UDP port on loopback to learn that it is free (0 = any), then lets it go. */
function probe(port: number): Promise<number | null> {
  return new Promise((resolve) => {
    const s = createSocket('udp4');
    s.once('error', () => {
      s.close();
      resolve(null);
    });
    s.bind(port, '127.0.0.1', () => {
      const bound = s.address().port;
      s.close(() => resolve(bound));
    });
  });
}

/**
 * Two consecutive free UDP ports on loopback (RTP, RTCP) for a recorder
 * process to listen on. A port may be taken between this check and the
 * recorder's bind: `waitListening` notices and the caller tries again.
 */
export async function freePortPair(): Promise<[number, number]> {
  for (let i = 0; i < 50; i++) {
    const rtp = await probe(0);
    if (rtp === null || rtp >= 65535) continue;
    if ((await probe(rtp + 1)) !== null) return [rtp, rtp + 1];
  }
  throw new Error('no free UDP port pair on loopback');
}

/** Whether some process has a UDP socket bound to this local port (/proc/net/udp, IPv4). */
export async function udpBound(port: number): Promise<boolean> {
  const hex = `:${port.toString(16).toUpperCase().padStart(4, '0')}`;
  const table = await readFile('/proc/net/udp', 'utf8');
  for (const line of table.split('\n')) {
    const local = line.trim().split(/\s+/)[1];
    if (local?.endsWith(hex)) return true;
  }
  return false;
}

/**
 * Waits until the recorder listens on `port` — what the mediasoup recording
 * examples approximate with a fixed sleep: the consumer is resumed only once
 * a packet can no longer fall into a closed port (the track's first second).
 */
export async function waitListening(
  port: number,
  alive: () => boolean,
  timeoutMs = 3_000,
): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (!alive()) throw new Error('recorder exited before listening');
    if (await udpBound(port)) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`recorder not listening on ${port} after ${timeoutMs} ms`);
}
