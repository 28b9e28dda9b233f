import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { LinkProfile } from './profiles';

const exec = promisify(execFile);

/**
 * A network namespace joined to the host by a veth pair, shaped with tbf on
 * both ends (host end = the namespace's downlink, namespace end = its uplink)
 * and random loss with iptables inside the namespace. Names carry the owning
 * pid, so a sweep can remove what a crashed run left behind. The iptables
 * rules live inside the namespace and vanish with it: the host's tables are
 * never touched.
 */
export interface Namespace {
  readonly name: string;
  readonly hostIf: string;
  readonly nsIf: string;
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
  const ns: Namespace = { name, hostIf, nsIf, hostAddress: host, nsAddress: nsAddr };
  await run('ip', ['netns', 'add', name]);
  try {
    await run('ip', ['link', 'add', hostIf, 'type', 'veth', 'peer', 'name', nsIf]);
    await run('ip', ['link', 'set', nsIf, 'netns', name]);
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

/** Applies (or changes) the profile's rates and loss; the relay applies its delay. */
export async function shapeNamespace(ns: Namespace, p: LinkProfile): Promise<void> {
  await run('tc', ['qdisc', 'replace', 'dev', ns.hostIf, 'root', ...tbf(p.downKbps)]);
  await inNs(ns.name, 'tc', ['qdisc', 'replace', 'dev', ns.nsIf, 'root', ...tbf(p.upKbps)]);
  await inNs(ns.name, 'iptables', ['-F', 'INPUT']);
  await inNs(ns.name, 'iptables', ['-F', 'OUTPUT']);
  if (p.lossPct > 0) {
    const prob = String(p.lossPct / 100);
    for (const chain of ['INPUT', 'OUTPUT']) {
      const dir = chain === 'INPUT' ? '-i' : '-o';
      await inNs(ns.name, 'iptables', [
        ...['-A', chain, dir, ns.nsIf, '-m', 'statistic', '--mode', 'random'],
        ...['--probability', prob, '-j', 'DROP'],
      ]);
    }
  }
}

/** Counters the self-test reads to prove the impairments apply. */
export async function qdiscStats(ns: Namespace): Promise<{ down: string; up: string }> {
  const down = await run('tc', ['-s', 'qdisc', 'show', 'dev', ns.hostIf]);
  const up = await inNs(ns.name, 'tc', ['-s', 'qdisc', 'show', 'dev', ns.nsIf]);
  return { down, up };
}

export async function destroyNamespace(ns: Namespace): Promise<void> {
  await run('ip', ['link', 'del', ns.hostIf]).catch(() => undefined);
  await run('ip', ['netns', 'del', ns.name]).catch(() => undefined);
}

export async function namespaceExists(name: string): Promise<boolean> {
  const list = await run('ip', ['netns', 'list']);
  return list.split('\n').some((l) => l.split(' ')[0] === name);
}
