import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Logger } from '@giaoban/common/logger';
import { startWatchdog } from '../redis/watchdog';
import { renderCoturnConfig, type CoturnSettings } from './coturnConfig';

/** A supervised coturn child (Debian's `turnserver`) with a generated configuration file. */
export interface CoturnChild {
  readonly configFile: string;
  readonly settings: CoturnSettings;
  /** The current child's pid (a restarted child has a new one). */
  pid(): number | undefined;
  stop(): Promise<void>;
}

/** One STUN Binding request over UDP; resolves when coturn answers (it is up), rejects on timeout. */
export function stunPing(host: string, port: number, timeoutMs = 500): Promise<void> {
  return new Promise((resolve, reject) => {
    const sock = createSocket(host.includes(':') ? 'udp6' : 'udp4');
    const id = randomBytes(12);
    const msg = Buffer.concat([Buffer.from([0x00, 0x01, 0x00, 0x00, 0x21, 0x12, 0xa4, 0x42]), id]);
    const done = (err?: Error) => {
      clearTimeout(timer);
      sock.close();
      if (err) reject(err);
      else resolve();
    };
    const timer = setTimeout(() => done(new Error('no STUN answer')), timeoutMs);
    sock.on('message', (m) => {
      // Binding success response (0x0101) carrying our transaction id.
      if (m.readUInt16BE(0) === 0x0101 && m.subarray(8, 20).equals(id)) done();
    });
    sock.on('error', (e) => done(e));
    sock.send(msg, port, host);
  });
}

/**
 * Starts turnserver with the settings rendered into `<runDir>/turnserver.conf`,
 * waits until it answers STUN, restarts it if it dies (at most once a second),
 * and stops it (SIGTERM, then SIGKILL after 5 s) with the node. When the node
 * dies without stopping it (kill -9, OOM), redis-server's watchdog
 * (infra/src/redis/watchdog.ts) stops the last turnserver: no orphan keeps
 * the TURN ports.
 */
export async function startCoturn(
  settings: CoturnSettings & { runDir: string },
  log: Logger,
  bin = 'turnserver',
): Promise<CoturnChild> {
  mkdirSync(settings.runDir, { recursive: true, mode: 0o700 });
  const configFile = path.join(settings.runDir, 'turnserver.conf');
  writeFileSync(configFile, renderCoturnConfig(settings), { mode: 0o600 });
  const probeHost =
    !settings.listenIp || settings.listenIp === '0.0.0.0' ? '127.0.0.1' : settings.listenIp;

  let child: ChildProcess | undefined;
  let stopping = false;
  let output = '';
  let lastStart = 0;
  const watchdog = startWatchdog(0, 'giaoban-turn-watchdog');
  const launch = () => {
    lastStart = Date.now();
    output = '';
    const c = spawn(bin, ['-c', configFile], { stdio: ['ignore', 'pipe', 'pipe'] });
    if (c.pid) watchdog.watch(c.pid);
    const keep = (d: Buffer) => (output = (output + d.toString()).slice(-4_000));
    c.stdout?.on('data', keep);
    c.stderr?.on('data', keep);
    c.once('error', (err) => log.error({ err: err.message }, 'turnserver could not start'));
    c.once('exit', (code, signal) => {
      if (stopping || child !== c) return;
      log.error({ code, signal, output: output.slice(-500) }, 'turnserver exited: restarting');
      const wait = Math.max(0, 1_000 - (Date.now() - lastStart));
      setTimeout(() => {
        if (!stopping) launch();
      }, wait).unref();
    });
    child = c;
  };
  launch();

  // Generous: on a loaded host coturn takes seconds to set up its relay threads.
  const deadline = Date.now() + 30_000;
  for (;;) {
    const c = child!;
    if (c.exitCode !== null || c.signalCode !== null) {
      stopping = true;
      watchdog.stop();
      throw new Error(
        `turnserver exited at start (is the coturn package installed? port ${settings.port} busy?) ${output}`,
      );
    }
    try {
      await stunPing(probeHost, settings.port, 300);
      break;
    } catch {
      if (Date.now() > deadline) {
        stopping = true;
        watchdog.stop();
        c.kill('SIGKILL');
        throw new Error(`turnserver did not answer STUN on ${settings.port}: ${output}`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  return {
    configFile,
    settings,
    pid: () => child?.pid,
    async stop() {
      stopping = true;
      watchdog.stop();
      const c = child;
      if (!c || c.exitCode !== null || c.signalCode !== null) return;
      const exited = new Promise((resolve) => c.once('exit', resolve));
      c.kill('SIGTERM');
      const timer = setTimeout(() => c.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
