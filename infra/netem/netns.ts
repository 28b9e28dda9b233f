import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { LinkProfile } from './profiles';

const exec = promisify(execFile);

/**
 * A network namespace joined to the host through a router namespace (a bridge
 * between two veth pairs), shaped with tbf on the router's ports (towards the
 * namespace = its downlink, towards the host = its uplink) and random loss with
 * iptables on the router's bridge (see applyLoss). Names carry the owning pid, so a sweep can
 * remove what a crashed run left behind. The iptables rules live inside the
 * router namespace and vanish with it: the host's tables are never touched.
 *
 * Why the router hop: a tbf on an interface of the sending host is a *local*
 * queue: when it is full, the kernel tells the sending TCP socket (NET_XMIT_DROP)
 * instead of losing the packet on the way, and a socket with nothing in flight
 * then retries every 500 ms (TCP_RESOURCE_PROBE_INTERVAL) and aborts with
 * ETIMEDOUT after tcp_retries2 (15) refusals — ~8 s. On GPRS the page's parallel
 * requests kept the 3 KB queue full, two of the relay's sockets died that way and
 * Chromium saw ERR_CONNECTION_RESET at its 45 s keep-alive probe. A real
 * operator's queue is a hop away: here too the drop happens in another namespace
 * and TCP recovers from it as from any loss.
 */
export interface Namespace {
  readonly name: string;
  /** The router namespace between the host and `name` (holds the tbf queues). */
  readonly router: string;
  readonly hostIf: string;
  readonly nsIf: string;
  /** The router's port towards the host (uplink tbf) and towards the namespace (downlink tbf). */
  readonly routerHostIf: string;
  readonly routerNsIf: string;
  /** Host end of the veth (where the relay listens, announced to the browser). */
  readonly hostAddress: string;
  /** The namespace's own address (where its traffic comes from). */
  readonly nsAddress: string;
}

const PREFIX = 'gbnet-';
let seq = 0;

async function run(cmd: string, args: string[]): Promise<string> {
  try {
    const { stdout } = await exec(cmd, args, { timeout: 10_000 });
    return stdout;
  } catch (err) {
    const e = err as { stderr?: string; message: string };
    throw new Error(`${cmd} ${args.join(' ')} failed: ${e.stderr?.trim() || e.message}`);
  }
}

const inNs = (ns: string, cmd: string, args: string[]) =>
  run('ip', ['netns', 'exec', ns, cmd, ...args]);

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Removes namespaces left by runs whose process is gone. Returns their names. */
export async function sweepStaleNamespaces(): Promise<string[]> {
  const list = await run('ip', ['netns', 'list']);
  const stale = list
    .split('\n')
    .map((l) => l.split(' ')[0] ?? '')
    .filter((n) => n.startsWith(PREFIX))
    .filter((n) => !alive(Number(n.slice(PREFIX.length).split('-')[0])));
  for (const n of stale) await run('ip', ['netns', 'del', n]).catch(() => undefined);
  return stale;
}

/** A /30 in 10.213.0.0/16 that no interface on this machine uses yet. */
async function freeSubnet(): Promise<{ idx: number; host: string; ns: string }> {
  const used = await run('ip', ['-o', '-4', 'addr', 'show']);
  for (let attempt = 0; attempt < 50; attempt++) {
    const idx = Math.floor(Math.random() * 16_384);
    const base = `10.213.${idx >> 6}.${(idx & 63) * 4}`;
    const [a, b, c, d] = base.split('.').map(Number) as [number, number, number, number];
    const host = `${a}.${b}.${c}.${d + 1}`;
    if (!used.includes(`${host}/`)) return { idx, host, ns: `${a}.${b}.${c}.${d + 2}` };
  }
  throw new Error('no free 10.213.x.y/30 subnet');
}

export async function createNamespace(): Promise<Namespace> {
  await sweepStaleNamespaces();
  const { idx, host, ns: nsAddr } = await freeSubnet();
  const name = `${PREFIX}${process.pid}-${seq++}`;
  const hostIf = `gbh${idx}`;
  const nsIf = `gbn${idx}`;
  const router = `${name}-r`;
  const routerHostIf = `gbr${idx}h`;
  const routerNsIf = `gbr${idx}n`;
  const ns: Namespace = {
    ...{ name, router, hostIf, nsIf, routerHostIf, routerNsIf },
    ...{ hostAddress: host, nsAddress: nsAddr },
  };
  await run('ip', ['netns', 'add', name]);
  try {
    await run('ip', ['netns', 'add', router]);
    await run('ip', ['link', 'add', hostIf, 'type', 'veth', 'peer', 'name', routerHostIf]);
    await run('ip', ['link', 'add', nsIf, 'type', 'veth', 'peer', 'name', routerNsIf]);
    await run('ip', ['link', 'set', routerHostIf, 'netns', router]);
    await run('ip', ['link', 'set', routerNsIf, 'netns', router]);
    await run('ip', ['link', 'set', nsIf, 'netns', name]);
    // A plain L2 bridge: the /30 stays one link, the router only forwards (and queues).
    await inNs(router, 'ip', ['link', 'add', 'br0', 'type', 'bridge']);
    for (const dev of [routerHostIf, routerNsIf]) {
      await inNs(router, 'ip', ['link', 'set', dev, 'master', 'br0']);
      await inNs(router, 'ip', ['link', 'set', dev, 'up']);
    }
    await inNs(router, 'ip', ['link', 'set', 'br0', 'up']);
    await run('ip', ['addr', 'add', `${host}/30`, 'dev', hostIf]);
    await run('ip', ['link', 'set', hostIf, 'up']);
    await inNs(name, 'ip', ['addr', 'add', `${nsAddr}/30`, 'dev', nsIf]);
    await inNs(name, 'ip', ['link', 'set', nsIf, 'up']);
    await inNs(name, 'ip', ['link', 'set', 'lo', 'up']);
  } catch (err) {
    await destroyNamespace(ns);
    throw err;
  }
  return ns;
}

/** tbf arguments for a rate: a queue of 500 ms (like a mobile operator's buffer). */
function tbf(kbps: number): string[] {
  const bytesPerSec = (kbps * 1000) / 8;
  const burst = Math.max(3_000, Math.round(bytesPerSec * 0.01));
  return ['tbf', 'rate', `${kbps}kbit`, 'burst', String(burst), 'latency', '500ms'];
}

/**
 * Applies (or changes) the profile's rates and loss; the relay applies its delay.
 * Both rates change in one shell in the router namespace, the uplink first (a
 * fall is one moment: two `ip netns exec` in a row were ~0.4 s apart on a
 * loaded machine). Returns when the uplink's new rate took effect (epoch ms,
 * bash's clock read right after its `tc` returned), so a reaction to a fall is
 * timed from the fall, not from this call's process start-up.
 */
export async function shapeNamespace(ns: Namespace, p: LinkProfile): Promise<number> {
  const tc = (dev: string, kbps: number) =>
    ['tc', 'qdisc', 'replace', 'dev', dev, 'root', ...tbf(kbps)].join(' ');
  const out = await inNs(ns.router, 'bash', [
    '-c',
    `${tc(ns.routerHostIf, p.upKbps)} && echo $EPOCHREALTIME && ${tc(ns.routerNsIf, p.downKbps)}`,
  ]);
  await applyLoss(ns, p.lossPct, p.upLossPct ?? p.lossPct);
  return Math.round(Number(out.trim()) * 1000);
}

/**
 * Random loss on the router's bridge, a hop away from both senders (br_netfilter
 * hands bridged frames to the router namespace's FORWARD chain). Dropping in the
 * endpoint's own OUTPUT chain instead is not loss on the wire: the kernel returns
 * EPERM to the sending socket, and Chromium, told its packet never left, sends it
 * again (5 % configured → 0.2 % lost). Here the sender cannot tell, as on a radio link.
 */
async function applyLoss(ns: Namespace, downPct: number, upPct: number): Promise<void> {
  await inNs(ns.router, 'iptables', ['-F', 'FORWARD']);
  const rules: [string, number][] = [
    [ns.routerHostIf, downPct], // entering from the host: the namespace's downlink
    [ns.routerNsIf, upPct], // entering from the namespace: its uplink
  ];
  for (const [inIf, pct] of rules) {
    if (pct <= 0) continue;
    await inNs(ns.router, 'iptables', [
      ...['-A', 'FORWARD', '-m', 'physdev', '--physdev-in', inIf],
      ...['-m', 'statistic', '--mode', 'random', '--probability', String(pct / 100), '-j', 'DROP'],
    ]);
  }
}

/** Packets the loss rules dropped so far: [downlink, uplink] (self-test). */
export async function droppedPackets(ns: Namespace): Promise<{ down: number; up: number }> {
  const out = await inNs(ns.router, 'iptables', ['-L', 'FORWARD', '-v', '-n', '-x']);
  const count = (dev: string) =>
    out
      .split('\n')
      .filter((l) => l.includes(`PHYSDEV match --physdev-in ${dev}`))
      .reduce((n, l) => n + Number(l.trim().split(/\s+/)[0] ?? 0), 0);
  return { down: count(ns.routerHostIf), up: count(ns.routerNsIf) };
}

/** Counters the self-test reads to prove the impairments apply. */
export async function qdiscStats(ns: Namespace): Promise<{ down: string; up: string }> {
  const down = await inNs(ns.router, 'tc', ['-s', 'qdisc', 'show', 'dev', ns.routerNsIf]);
  const up = await inNs(ns.router, 'tc', ['-s', 'qdisc', 'show', 'dev', ns.routerHostIf]);
  return { down, up };
}

export async function destroyNamespace(ns: Namespace): Promise<void> {
  await run('ip', ['link', 'del', ns.hostIf]).catch(() => undefined);
  await run('ip', ['netns', 'del', ns.name]).catch(() => undefined);
  await run('ip', ['netns', 'del', ns.router]).catch(() => undefined);
}

export async function namespaceExists(name: string): Promise<boolean> {
  const list = await run('ip', ['netns', 'list']);
  return list.split('\n').some((l) => l.split(' ')[0] === name);
}
