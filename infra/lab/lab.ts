import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { createLogger } from '@giaoban/common/logger';
import { NodeRegistry } from '@giaoban/sfu/remote/nodeRegistry';
import { stunPing } from '../src/turn/coturnServer';
import { sfuNodeInfoSchema } from '@giaoban/sfu/remote/protocol';
import type { LinkProfile } from '../netem/profiles';
import { startUnit, writeEnvFile, type RoleProcess } from './roleProcess';
import { makeTestCertificate, type TestCertificate } from './testCa';
import { killNamespace, LabNet, type Commune, type Firewall, type Role } from './topology';

/** Where each machine of the province sits on the lab's LAN (10.214.<k>.<octet>). */
const octets = { redis: 5, edge: 10, 'sfu-1': 21, 'sfu-2': 22, 'sig-1': 31, 'sig-2': 32 } as const;
export type RoleName = keyof typeof octets;

const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function until(what: string, ms: number, ok: () => Promise<boolean>): Promise<void> {
  const end = Date.now() + ms;
  while (!(await ok().catch(() => false))) {
    if (Date.now() > end) throw new Error(`lab: ${what} within ${ms} ms`);
    await wait(100);
  }
}

/**
 * The province data centre on one machine: Redis, two SFU nodes, two
 * signaling nodes and the edge (HAProxy and coturn, two units in one
 * namespace), each in its own namespace with its own address, each started
 * from its systemd unit (infra/deploy/systemd) with
 * its environment file made from infra/deploy/env as docs/deploy.md says;
 * communes join through shaped links. `close()` removes everything.
 */
export class ProvinceLab {
  readonly net: LabNet;
  readonly dir: string;
  readonly cert: TestCertificate;
  readonly redisPassword = randomBytes(16).toString('hex');
  readonly turnSecret = randomBytes(16).toString('hex');
  readonly roles = new Map<RoleName, Role>();
  /** By `<role>/<unit>`: the edge runs giaoban-edge and giaoban-turn. */
  readonly processes = new Map<string, RoleProcess>();

  private constructor(net: LabNet, dir: string, cert: TestCertificate) {
    this.net = net;
    this.dir = dir;
    this.cert = cert;
  }

  static async start(o: { log?: boolean } = {}): Promise<ProvinceLab> {
    const net = await LabNet.create();
    const dir = mkdtempSync(path.join(tmpdir(), `${net.id}-`));
    let lab: ProvinceLab | undefined;
    try {
      const edgeAddr = net.addr(octets.edge);
      const cert = await makeTestCertificate(path.join(dir, 'edge/etc/giaoban/tls'), {
        ips: [edgeAddr],
        dns: ['giaoban.lab.test'],
      });
      lab = new ProvinceLab(net, dir, cert);
      for (const [name, octet] of Object.entries(octets))
        lab.roles.set(name as RoleName, await net.addRole(name, octet));
      await lab.#startAll();
      if (o.log) process.stdout.write(`lab up: edge https://${edgeAddr}/ (machines in ${dir})\n`);
      return lab;
    } catch (err) {
      if (lab) await lab.close();
      else {
        await net.destroy();
        rmSync(dir, { recursive: true, force: true });
      }
      throw err;
    }
  }

  role(name: RoleName): Role {
    return this.roles.get(name)!;
  }
  get edgeUrl(): string {
    return `https://${this.role('edge').address}`;
  }
  /** A signaling node straight (inside the data centre): the test's REST set-up calls. */
  signalingUrl(name: 'sig-1' | 'sig-2' = 'sig-1'): string {
    return `http://${this.role(name).address}:8080`;
  }
  get redisUrl(): string {
    return `redis://:${this.redisPassword}@${this.role('redis').address}:6379`;
  }
  machineDir(name: RoleName): string {
    return path.join(this.dir, name);
  }

  async #startAll(): Promise<void> {
    const etc = (name: RoleName) => path.join(this.machineDir(name), 'etc/giaoban');
    const common = (name: RoleName) =>
      writeEnvFile(etc(name), 'common.env', { REDIS_URL: this.redisUrl });

    writeEnvFile(etc('redis'), 'redis.env', {
      REDIS_BIND: this.role('redis').address,
      REDIS_PASSWORD: this.redisPassword,
    });
    await this.#start('redis', 'giaoban-redis.service');
    await until('redis answers', 30_000, async () => {
      const r = new Redis(this.redisUrl, { maxRetriesPerRequest: 0, lazyConnect: true });
      r.on('error', () => undefined); // not up yet: the loop asks again
      try {
        await r.connect();
        return (await r.ping()) === 'PONG';
      } finally {
        r.disconnect();
      }
    });

    for (const name of ['sfu-1', 'sfu-2'] as const) {
      common(name);
      writeEnvFile(etc(name), 'sfu.env', {
        SFU_NODE_ID: name,
        RTC_ANNOUNCED_ADDRESS: this.role(name).address,
        // Two nodes and the lab's own processes share 2 cores: one worker each.
        SFU_WORKERS: '1',
      });
      await this.#start(name, 'giaoban-sfu.service');
    }
    await this.#untilSfuNodes(['sfu-1', 'sfu-2']);

    for (const name of ['sig-1', 'sig-2'] as const) {
      common(name);
      writeEnvFile(etc(name), 'signaling.env', {
        SIGNALING_NODE_ID: name,
        SIGNALING_ADVERTISE_URL: `http://${this.role(name).address}:8080`,
        PUBLIC_URL: this.edgeUrl,
        // The lab logs in as the demo accounts (production refuses their passwords).
        NODE_ENV: 'development',
        SEED_DEMO: String(name === 'sig-1'),
        // The edge's coturn: UDP 3478, and TLS through HAProxy's 443 (no TURN name in
        // the lab's DNS-less LAN: Chromium sends no ALPN, HAProxy routes that to coturn).
        TURN_URLS: `turn:${this.role('edge').address}:3478?transport=udp,turns:${this.role('edge').address}:443?transport=tcp`,
        TURN_SECRET: this.turnSecret,
      });
      await this.#start(name, 'giaoban-signaling.service');
      await until(`${name} answers /healthz`, 180_000, async () => {
        const res = await fetch(`${this.signalingUrl(name)}/healthz`);
        return res.status === 200;
      });
    }

    writeEnvFile(etc('edge'), 'edge.env', {
      EDGE_SIGNALING_NODES: (['sig-1', 'sig-2'] as const)
        .map((n) => `${n}=${this.role(n).address}:8080`)
        .join(','),
      EDGE_LOG_LEVEL: 'warning',
    });
    writeEnvFile(etc('edge'), 'turn.env', {
      TURN_SECRET: this.turnSecret,
      TURN_RELAY_IP: this.role('edge').address,
      TURN_ALLOWED_PEER_IPS: `${this.role('sfu-1').address},${this.role('sfu-2').address}`,
    });
    await this.#start('edge', 'giaoban-turn.service');
    await until('coturn answers STUN on the edge', 30_000, async () => {
      await stunPing(this.role('edge').address, 3478, 300);
      return true;
    });
    await this.#start('edge', 'giaoban-edge.service');
    await until('the edge serves /healthz over HTTPS', 60_000, async () => {
      const status = await this.edgeGet('/healthz').then((r) => r.status);
      return status === 200;
    });
  }

  async #start(name: RoleName, unit: string): Promise<void> {
    const p = await startUnit({ unit, ns: this.role(name).ns, machineDir: this.machineDir(name) });
    this.processes.set(`${name}/${unit}`, p);
  }

  async #untilSfuNodes(ids: string[]): Promise<void> {
    const redis = new Redis(this.redisUrl, { maxRetriesPerRequest: 2 });
    const registry = new NodeRegistry(
      redis,
      'sfu',
      sfuNodeInfoSchema,
      createLogger('lab', 'silent'),
    );
    try {
      await until(`SFU nodes ${ids.join(', ')} registered`, 180_000, async () => {
        const live = (await registry.live()).map((n) => n.id);
        return ids.every((id) => live.includes(id));
      });
    } finally {
      redis.disconnect();
    }
  }

  /** GET through the edge over HTTPS, trusting the lab's CA (as a commune PC that installed it). */
  edgeGet(pathname: string): Promise<{
    status: number;
    headers: Record<string, string | string[] | undefined>;
    body: string;
  }> {
    const ca = readFileSync(this.cert.caCert);
    return new Promise((resolve, reject) => {
      // ALPN as every browser (and curl) offers it: the edge's 443 sends TLS without
      // ALPN to coturn (TURN over TLS), as Chromium's TURN client offers none.
      const opts = { ca, timeout: 5_000, ALPNProtocols: ['http/1.1'] };
      const req = request(`${this.edgeUrl}${pathname}`, opts, (res) => {
        let body = '';
        res.on('data', (d: Buffer) => (body += d.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      });
      req.on('error', reject);
      req.on('timeout', () => req.destroy(new Error('timeout')));
      req.end();
    });
  }

  addCommune(profile: LinkProfile, firewall: Firewall): Promise<Commune> {
    return this.net.addCommune(profile, firewall, this.role('edge').address);
  }

  /** Every process of a machine's namespace, SIGKILL: the machine lost power. */
  async killMachine(name: RoleName): Promise<number[]> {
    return killNamespace(this.role(name).ns);
  }

  /** Chromium's flags for this lab: trust the edge's certificate as a commune PC with the CA installed does. */
  get chromiumTlsArgs(): string[] {
    return [`--ignore-certificate-errors-spki-list=${this.cert.spki}`];
  }

  async close(): Promise<void> {
    for (const p of [...this.processes.values()].reverse()) await p.stop().catch(() => undefined);
    await this.net.destroy();
    if (!process.env.GIAOBAN_LAB_KEEP) rmSync(this.dir, { recursive: true, force: true });
  }
}
