import { execFile, spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { shapeNamespace } from '../netem/netns';
import type { LinkProfile } from '../netem/profiles';
import { firewallRules, lossRules } from './linkRules';

const exec = promisify(execFile);
const here = path.dirname(fileURLToPath(import.meta.url));

/**
 * The lab's network: a "data centre" LAN 10.214.<k>.0/24 (a bridge in a
 * namespace of its own, so the host's tables are never involved), one
 * namespace per role with its own address on it, and communes behind router
 * namespaces that shape (tbf, as infra/netem), delay (a TUN in the router:
 * this kernel has no netem) and filter (the commune's firewall, on the far
 * side of its link) what crosses their link. The host gets 10.214.<k>.1 on the
 * LAN so the test driver reaches every role. Names start with gblab-<pid>-,
 * so a later run removes what a crashed one left.
 */
export const LAB_PREFIX = 'gblab-';

/** What a commune's network lets out towards the province. */
export type Firewall =
  /** Everything (direct UDP to the SFU nodes). */
  | 'open'
  /** No UDP at all: ICE over TCP to the SFU nodes, or TURN over TLS. */
  | 'noUdp'
  /** Only UDP to the edge's TURN port (and HTTPS): relayed over TURN/UDP. */
  | 'turnUdpOnly'
  /** Only TCP 443: the government network that lets nothing else out. */
  | 'tcp443';

export interface Role {
  readonly name: string;
  readonly ns: string;
  readonly address: string;
}

export interface Commune {
  readonly index: number;
  readonly ns: string;
  readonly router: string;
  readonly address: string;
  readonly firewall: Firewall;
  profile: LinkProfile;
  readonly delay: ChildProcess;
}

async function run(cmd: string, args: string[]): Promise<string> {
  try {
    const { stdout } = await exec(cmd, args, { timeout: 15_000 });
    return stdout;
  } catch (err) {
    const e = err as { stderr?: string; message: string };
    throw new Error(`${cmd} ${args.join(' ')}: ${e.stderr?.trim() || e.message}`);
  }
}
const inNs = (ns: string, ...args: string[]) => run('ip', ['netns', 'exec', ns, ...args]);

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Every process running in a namespace (SIGKILL), as a machine losing power. */
export async function killNamespace(ns: string): Promise<number[]> {
  const pids = (await run('ip', ['netns', 'pids', ns]).catch(() => ''))
    .split('\n')
    .map(Number)
    .filter((p) => p > 0);
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      /* already gone */
    }
  }
  return pids;
}

async function labNamespaces(): Promise<string[]> {
  return (await run('ip', ['netns', 'list']))
    .split('\n')
    .map((l) => l.split(' ')[0] ?? '')
    .filter((n) => n.startsWith(LAB_PREFIX));
}

/** Removes namespaces (and kills their processes) of labs whose owner process is gone. */
export async function sweepStaleLabs(): Promise<string[]> {
  const stale = (await labNamespaces()).filter(
    (n) => !alive(Number(n.slice(LAB_PREFIX.length).split('-')[0])),
  );
  for (const n of stale) await killNamespace(n);
  for (const n of stale) await run('ip', ['netns', 'del', n]).catch(() => undefined);
  // Host ends of veths whose namespace went away vanish with it.
  return stale;
}

let seq = 0;

export class LabNet {
  readonly id: string;
  /** The LAN is 10.214.<k>.0/24. */
  readonly k: number;
  readonly dc: string;
  readonly hostIf: string;
  readonly roles = new Map<string, Role>();
  readonly communes: Commune[] = [];
  #ifSeq = 0;

  private constructor(k: number) {
    this.k = k;
    this.id = `${LAB_PREFIX}${process.pid}-${seq++}`;
    this.dc = `${this.id}-dc`;
    this.hostIf = `gl${k}h`;
  }

  /** 10.214.<k>.<octet> */
  addr(octet: number): string {
    return `10.214.${this.k}.${octet}`;
  }
  get hostAddress(): string {
    return this.addr(1);
  }

  static async create(): Promise<LabNet> {
    await sweepStaleLabs();
    const used = await run('ip', ['-o', '-4', 'addr', 'show']);
    const free = Array.from({ length: 100 }, (_, k) => k).filter(
      (k) => !used.includes(`10.214.${k}.1/`),
    );
    if (free.length === 0) throw new Error('lab: no free 10.214.<k>.0/24');
    const net = new LabNet(free[Math.floor(Math.random() * free.length)]!);
    try {
      await run('ip', ['netns', 'add', net.dc]);
      await inNs(net.dc, 'ip', 'link', 'add', 'br0', 'type', 'bridge');
      await inNs(net.dc, 'ip', 'link', 'set', 'br0', 'up');
      const peer = `${net.hostIf}d`;
      await run('ip', ['link', 'add', net.hostIf, 'type', 'veth', 'peer', 'name', peer]);
      await net.#plug(peer);
      await run('ip', ['addr', 'add', `${net.hostAddress}/24`, 'dev', net.hostIf]);
      await run('ip', ['link', 'set', net.hostIf, 'up']);
    } catch (err) {
      await net.destroy();
      throw err;
    }
    return net;
  }

  /** Puts a veth end into the LAN's bridge. */
  async #plug(dev: string): Promise<void> {
    await run('ip', ['link', 'set', dev, 'netns', this.dc]);
    await inNs(this.dc, 'ip', 'link', 'set', dev, 'master', 'br0');
    await inNs(this.dc, 'ip', 'link', 'set', dev, 'up');
  }

  /** A namespace on the LAN with its own address, as one machine of the data centre. */
  async addRole(name: string, octet: number): Promise<Role> {
    const ns = `${this.id}-${name}`;
    const dev = `gl${this.k}r${this.#ifSeq++}`;
    await run('ip', ['netns', 'add', ns]);
    await run('ip', ['link', 'add', dev, 'type', 'veth', 'peer', 'name', `${dev}d`]);
    await run('ip', ['link', 'set', dev, 'netns', ns]);
    await this.#plug(`${dev}d`);
    await inNs(ns, 'ip', 'link', 'set', dev, 'name', 'eth0');
    await inNs(ns, 'ip', 'addr', 'add', `${this.addr(octet)}/24`, 'dev', 'eth0');
    await inNs(ns, 'ip', 'link', 'set', 'eth0', 'up');
    await inNs(ns, 'ip', 'link', 'set', 'lo', 'up');
    const role = { name, ns, address: this.addr(octet) };
    this.roles.set(name, role);
    for (const c of this.communes) await this.#routeTo(role, c);
    return role;
  }

  async #routeTo(role: Role, c: Commune): Promise<void> {
    await inNs(
      role.ns,
      'ip',
      'route',
      'replace',
      `${c.address}/32`,
      'via',
      this.addr(100 + c.index),
    );
  }

  /**
   * A commune: its namespace (where Chromium runs) behind a router namespace
   * on the LAN. The router shapes the link (tbf each way), holds every packet
   * for the profile's one-way delay in each direction (TUN + tunDelay.py) and
   * applies the commune's firewall. Roles route the commune's address via it.
   */
  async addCommune(profile: LinkProfile, firewall: Firewall, edge: string): Promise<Commune> {
    const index = this.communes.length + 1;
    const ns = `${this.id}-c${index}`;
    const router = `${this.id}-c${index}r`;
    const up = `gl${this.k}c${index}u`;
    const nsIf = `gl${this.k}c${index}n`;
    const rIf = `gl${this.k}c${index}r`;
    const address = `10.214.${100 + index}.2`;
    const gw = `10.214.${100 + index}.1`;
    await run('ip', ['netns', 'add', ns]);
    await run('ip', ['netns', 'add', router]);
    // Router ↔ LAN
    await run('ip', ['link', 'add', up, 'type', 'veth', 'peer', 'name', `${up}d`]);
    await run('ip', ['link', 'set', up, 'netns', router]);
    await this.#plug(`${up}d`);
    await inNs(router, 'ip', 'addr', 'add', `${this.addr(100 + index)}/24`, 'dev', up);
    await inNs(router, 'ip', 'link', 'set', up, 'up');
    // Commune ↔ router
    await run('ip', ['link', 'add', nsIf, 'type', 'veth', 'peer', 'name', rIf]);
    await run('ip', ['link', 'set', nsIf, 'netns', ns]);
    await run('ip', ['link', 'set', rIf, 'netns', router]);
    await inNs(router, 'ip', 'addr', 'add', `${gw}/30`, 'dev', rIf);
    await inNs(router, 'ip', 'link', 'set', rIf, 'up');
    await inNs(ns, 'ip', 'addr', 'add', `${address}/30`, 'dev', nsIf);
    await inNs(ns, 'ip', 'link', 'set', nsIf, 'up');
    await inNs(ns, 'ip', 'link', 'set', 'lo', 'up');
    await inNs(ns, 'ip', 'route', 'add', 'default', 'via', gw);
    // Forwarding through the delay TUN, both ways: what arrives on either port
    // goes into the TUN; what tunDelay.py gives back is routed normally.
    for (const key of [
      'net.ipv4.ip_forward=1',
      'net.ipv4.conf.all.rp_filter=0',
      'net.ipv4.conf.default.rp_filter=0',
    ])
      await inNs(router, 'sysctl', '-qw', key);
    await inNs(router, 'ip', 'tuntap', 'add', 'dev', 'gbt', 'mode', 'tun');
    await inNs(router, 'sysctl', '-qw', 'net.ipv4.conf.gbt.rp_filter=0');
    await inNs(router, 'ip', 'link', 'set', 'gbt', 'up');
    await inNs(router, 'ip', 'route', 'add', 'default', 'dev', 'gbt', 'table', '100');
    await inNs(router, 'ip', 'rule', 'add', 'iif', 'gbt', 'lookup', 'main', 'prio', '100');
    await inNs(router, 'ip', 'rule', 'add', 'iif', rIf, 'lookup', '100', 'prio', '110');
    await inNs(router, 'ip', 'rule', 'add', 'iif', up, 'lookup', '100', 'prio', '111');
    await firewallRules(router, rIf, firewall, edge);
    const delay = await startDelay(router, profile.oneWayDelayMs);
    const commune: Commune = { index, ns, router, address, firewall, profile, delay };
    this.communes.push(commune);
    await shapeNamespace(
      {
        ...{ name: ns, router, hostIf: up, nsIf, routerHostIf: up, routerNsIf: rIf },
        ...{ hostAddress: gw, nsAddress: address },
      },
      profile,
    );
    await lossRules(router, rIf, up, profile);
    for (const role of this.roles.values()) await this.#routeTo(role, commune);
    return commune;
  }

  /** Changes a commune's rates, loss and delay (e.g. good → EDGE). */
  async setProfile(c: Commune, profile: LinkProfile): Promise<void> {
    await shapeNamespace(
      {
        ...{ name: c.ns, router: c.router, hostIf: '', nsIf: `gl${this.k}c${c.index}n` },
        ...{ routerHostIf: `gl${this.k}c${c.index}u`, routerNsIf: `gl${this.k}c${c.index}r` },
        ...{ hostAddress: '', nsAddress: c.address },
      },
      profile,
    );
    await lossRules(c.router, `gl${this.k}c${c.index}r`, `gl${this.k}c${c.index}u`, profile);
    c.delay.stdin?.write(`${JSON.stringify({ delayMs: profile.oneWayDelayMs })}\n`);
    c.profile = profile;
  }

  async destroy(): Promise<void> {
    for (const c of this.communes) c.delay.stdin?.end();
    const mine = (await labNamespaces()).filter((n) => n.startsWith(`${this.id}-`));
    for (const n of mine) await killNamespace(n);
    for (const n of mine) await run('ip', ['netns', 'del', n]).catch(() => undefined);
    await run('ip', ['link', 'del', this.hostIf]).catch(() => undefined);
  }
}

async function startDelay(router: string, delayMs: number): Promise<ChildProcess> {
  const child = spawn(
    'ip',
    // Debian's python3 (a pyenv shim on PATH can take seconds to start under load).
    [
      'netns',
      'exec',
      router,
      '/usr/bin/python3',
      path.join(here, 'tunDelay.py'),
      'gbt',
      String(delayMs),
    ],
    { stdio: ['pipe', 'pipe', 'inherit'] },
  );
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('tunDelay.py did not start')), 30_000);
    child.once('exit', (code) => reject(new Error(`tunDelay.py exited (${code})`)));
    createInterface({ input: child.stdout! }).once('line', () => {
      clearTimeout(timer);
      resolve();
    });
  });
  return child;
}
