import dgram from 'node:dgram';
import net from 'node:net';

/**
 * Measuring probe run INSIDE a namespace by the harness self-test
 * (`ip netns exec NS node --import tsx infra/netem/probe.ts MODE JSON`).
 * Prints one JSON line with its result.
 *   udp-rtt   {host,port,count,gapMs}   median round trip of echoed datagrams
 *   udp-send  {host,port,count,gapMs,size?}  sends datagrams of size bytes; counts the
 *                                            sends the kernel refused (refused)
 *   udp-count {port,ms,fromMs,toMs}          counts datagrams received on port, and
 *                                            kbit/s between fromMs and toMs after the first
 *   tcp-fetch {host,port,sizes,timeoutMs}    opens one connection per size ("110000,3000")
 *                                            at once (a page's parallel requests), asks for
 *                                            that many bytes and reads until the server
 *                                            ends: bytes, ms, error per connection (error
 *                                            "unfinished" after timeoutMs)
 */
type Args = Record<string, number | string>;
const [mode = '', json = '{}'] = process.argv.slice(2);
const a = JSON.parse(json) as Args;
const num = (k: string) => Number(a[k]);
const out = (r: object) => process.stdout.write(`${JSON.stringify(r)}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function udpRtt(): Promise<void> {
  const sock = dgram.createSocket('udp4');
  const sent = new Map<number, number>();
  const rtts: number[] = [];
  sock.on('message', (m) => {
    const t0 = sent.get(m.readUInt32BE(0));
    if (t0 !== undefined) rtts.push(performance.now() - t0);
  });
  for (let i = 0; i < num('count'); i++) {
    const b = Buffer.alloc(100);
    b.writeUInt32BE(i, 0);
    sent.set(i, performance.now());
    sock.send(b, num('port'), String(a.host));
    await sleep(num('gapMs'));
  }
  await sleep(3_000);
  sock.close();
  rtts.sort((x, y) => x - y);
  out({ received: rtts.length, medianMs: rtts[Math.floor(rtts.length / 2)] ?? null });
}

async function udpSend(): Promise<void> {
  const sock = dgram.createSocket('udp4');
  // A send the kernel refused (EPERM from a local DROP rule, ENOBUFS) is one the
  // application knows about and may repeat: loss on the wire refuses none.
  let refused = 0;
  for (let i = 0; i < num('count'); i++) {
    sock.send(Buffer.alloc(Number(a.size ?? 64)), num('port'), String(a.host), (err) => {
      if (err) refused++;
    });
    await sleep(num('gapMs'));
  }
  await sleep(200);
  sock.close();
  out({ sent: num('count'), refused });
}

async function udpCount(): Promise<void> {
  const sock = dgram.createSocket('udp4');
  let count = 0;
  let first = 0;
  let bytes = 0;
  sock.on('message', (m) => {
    const now = performance.now();
    count++;
    if (!first) first = now;
    if (now - first >= num('fromMs') && now - first < num('toMs')) bytes += m.length + 28;
  });
  await new Promise<void>((r) => sock.bind(num('port'), '0.0.0.0', () => r()));
  out({ listening: true });
  await sleep(num('ms'));
  sock.close();
  out({ count, kbps: (bytes * 8) / (num('toMs') - num('fromMs')) });
}

async function tcpFetch(): Promise<void> {
  const one = (size: number) =>
    new Promise<{ bytes: number; ms: number; error: string | null }>((resolve) => {
      const t0 = performance.now();
      let bytes = 0;
      const sock = net.connect(num('port'), String(a.host), () => sock.write(`${size}\n`));
      sock.on('data', (b) => (bytes += b.length));
      let settled = false;
      const done = (error: string | null) => {
        if (!settled) resolve({ bytes, ms: Math.round(performance.now() - t0), error });
        settled = true;
      };
      sock.on('end', () => done(null));
      // A connection whose far end died silently would wait forever (no keep-alive here).
      setTimeout(() => {
        done('unfinished');
        sock.destroy();
      }, num('timeoutMs')).unref();
      sock.on('error', (e: NodeJS.ErrnoException) => done(e.code ?? e.message));
    });
  out({ results: await Promise.all(String(a.sizes).split(',').map(Number).map(one)) });
}

const modes: Record<string, () => Promise<void>> = {
  'udp-rtt': udpRtt,
  'udp-send': udpSend,
  'udp-count': udpCount,
  'tcp-fetch': tcpFetch,
};
const fn = modes[mode];
if (!fn) {
  console.error(`unknown probe mode ${mode}`);
  process.exit(2);
}
fn().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
