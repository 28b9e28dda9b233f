import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { chromiumArgs } from '../../e2e/browser';
import { createNamespace, destroyNamespace, shapeNamespace, type Namespace } from './netns';
import { linkProfiles, type LinkProfile, type LinkProfileName } from './profiles';
import type { RelayRoute } from './relay';

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '../..');

/**
 * One shaped endpoint location: a namespace (rate, loss) plus the delay relay
 * on the host end of its veth. The server under test listens on loopback and
 * announces `hostAddress` to browsers; Chromium runs inside the namespace, so
 * everything it sends or receives (page, signaling, media) crosses the link.
 *
 * Always `close()` in a finally block: it removes the namespace, its veth, its
 * tbf qdiscs and iptables rules, and stops the relay.
 */
export class WeakLink {
  readonly ns: Namespace;
  #profile: LinkProfile;
  #relay: ChildProcess | undefined;
  #relayPorts: number[] = [];
  #tmp: string;
  #browsers: Browser[] = [];
  #cgroups: string[] = [];

  private constructor(ns: Namespace, p: LinkProfile) {
    this.ns = ns;
    this.#profile = p;
    this.#tmp = mkdtempSync(path.join(tmpdir(), 'gb-netem-'));
  }

  static async create(p: LinkProfile | LinkProfileName): Promise<WeakLink> {
    const prof = typeof p === 'string' ? linkProfiles[p] : p;
    const ns = await createNamespace();
    const link = new WeakLink(ns, prof);
    try {
      await shapeNamespace(ns, prof);
    } catch (err) {
      await link.close();
      throw err;
    }
    return link;
  }

  get hostAddress(): string {
    return this.ns.hostAddress;
  }

  get profile(): LinkProfile {
    return this.#profile;
  }

  /**
   * Starts the delay relay with these routes (listenPort 0 = any). Returns the
   * listen port of each route. RTC routes must keep the server's port:
   * mediasoup 3.19 announces an address but not a port.
   */
  async relay(routes: RelayRoute[]): Promise<number[]> {
    if (this.#relay) throw new Error('relay already running');
    const config = {
      listenHost: this.ns.hostAddress,
      targetHost: '127.0.0.1',
      delayedAddress: this.ns.nsAddress,
      delayMs: this.#profile.oneWayDelayMs,
      routes,
    };
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', path.join(here, 'relay.ts'), JSON.stringify(config)],
      { cwd: repoRoot, stdio: ['pipe', 'pipe', 'inherit'] },
    );
    this.#relay = child;
    const rl = createInterface({ input: child.stdout! });
    const ready = await new Promise<{ ports: number[] }>((resolve, reject) => {
      // tsx compiles the relay at start: on a loaded machine (load 50 on 2 cores) that took > 15 s.
      const timer = setTimeout(() => reject(new Error('relay did not start in 60 s')), 60_000);
      child.once('exit', (code) => reject(new Error(`relay exited with ${code}`)));
      rl.on('line', (l) => {
        const msg = JSON.parse(l) as { ready?: boolean; ports?: number[] };
        if (msg.ready && msg.ports) {
          clearTimeout(timer);
          resolve({ ports: msg.ports });
        }
      });
    });
    this.#relayPorts = ready.ports;
    return ready.ports;
  }

  /** The address a browser in the namespace uses for a relayed TCP port. */
  url(relayPort: number, pathname = '/'): string {
    return `http://${this.ns.hostAddress}:${relayPort}${pathname}`;
  }

  get relayPorts(): readonly number[] {
    return this.#relayPorts;
  }

  /** Changes rate, loss and delay of the running link (e.g. 2G → good). */
  /** Changes the link live; resolves to when the uplink's new rate took effect (epoch ms). */
  async setProfile(p: LinkProfile | LinkProfileName): Promise<{ upAppliedAt: number }> {
    const prof = typeof p === 'string' ? linkProfiles[p] : p;
    this.#relay?.stdin?.write(`${JSON.stringify({ delayMs: prof.oneWayDelayMs })}\n`);
    const upAppliedAt = await shapeNamespace(this.ns, prof);
    this.#profile = prof;
    return { upAppliedAt };
  }

  /**
   * Debian's Chromium inside the namespace (through a wrapper that enters it),
   * allowed to use camera and microphone on the relay's plain-HTTP origin.
   */
  async launchChromium(
    originPort: number,
    extraArgs: string[] = [],
    o: { cpuQuotaPct?: number } = {},
  ): Promise<Browser> {
    const wrapper = path.join(this.#tmp, 'chromium-in-ns.sh');
    const chromiumBin = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
    // A starved browser (a commune's old PC, busy): the whole Chromium process tree
    // in a cgroup held to this share of one core (cgroup v1 cpu controller).
    const cgroup = o.cpuQuotaPct === undefined ? undefined : this.#cpuCgroup(o.cpuQuotaPct);
    const enter = cgroup ? `echo $$ > ${cgroup}/cgroup.procs\n` : '';
    writeFileSync(
      wrapper,
      `#!/bin/sh\n${enter}exec ip netns exec ${this.ns.name} ${chromiumBin} "$@"\n`,
    );
    chmodSync(wrapper, 0o755);
    const browser = await chromium.launch({
      executablePath: wrapper,
      headless: true,
      args: [
        ...chromiumArgs,
        `--unsafely-treat-insecure-origin-as-secure=http://${this.ns.hostAddress}:${originPort}`,
        ...extraArgs,
      ],
    });
    this.#browsers.push(browser);
    return browser;
  }

  #cpuCgroup(pct: number): string {
    const dir = `/sys/fs/cgroup/cpu/${this.ns.name}-cpu${this.#cgroups.length}`;
    mkdirSync(dir);
    writeFileSync(`${dir}/cpu.cfs_period_us`, '100000');
    writeFileSync(`${dir}/cpu.cfs_quota_us`, String(Math.round(pct * 1000)));
    this.#cgroups.push(dir);
    return dir;
  }

  /** Runs a command inside the namespace (self-test probes). */
  spawnInside(cmd: string, args: string[]): ChildProcess {
    return spawn('ip', ['netns', 'exec', this.ns.name, cmd, ...args], {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
  }

  async close(): Promise<void> {
    for (const b of this.#browsers) await b.close().catch(() => undefined);
    this.#browsers = [];
    if (this.#relay && this.#relay.exitCode === null) {
      const relay = this.#relay;
      const exited = new Promise((r) => relay.once('exit', r));
      relay.stdin?.end();
      const timer = setTimeout(() => relay.kill('SIGKILL'), 2_000);
      await exited;
      clearTimeout(timer);
    }
    await destroyNamespace(this.ns);
    for (const dir of this.#cgroups.splice(0)) {
      // Its processes are gone with the browser; an empty cgroup is removed with rmdir.
      for (let i = 0; i < 20; i++) {
        try {
          rmdirSync(dir);
          break;
        } catch {
          await new Promise((r) => setTimeout(r, 250));
        }
      }
    }
    rmSync(this.#tmp, { recursive: true, force: true });
  }
}
