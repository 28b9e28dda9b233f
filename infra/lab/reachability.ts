import { execFile, spawn } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const exec = promisify(execFile);
const script = path.join(path.dirname(fileURLToPath(import.meta.url)), 'portProbe.py');
const python = '/usr/bin/python3';

/** `udp/3478`, `tcp/443`… */
export type Target = `${'udp' | 'tcp'}/${number}`;

export interface Listener {
  /** The targets something from `source` reached so far. */
  arrived(source: string): Set<Target>;
  /** Datagrams (or connections) from `source` to `target` so far. */
  count(source: string, target: Target): number;
  close(): void;
}

/**
 * Real sockets on a lab machine (infra/lab/portProbe.py inside its namespace):
 * every datagram and connection that arrives is recorded with its source, so a
 * test can tell what a commune's firewall let through and what it dropped.
 */
export async function listenOn(ns: string, address: string, targets: Target[]): Promise<Listener> {
  const child = spawn('ip', ['netns', 'exec', ns, python, script, 'listen', address, ...targets], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const seen: { target: Target; source: string }[] = [];
  const lines = createInterface({ input: child.stdout });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('portProbe.py did not start')), 15_000);
    child.once('exit', (code) => reject(new Error(`portProbe.py exited (${code})`)));
    lines.once('line', () => {
      clearTimeout(timer);
      resolve();
    });
  });
  lines.on('line', (l) => {
    const [target, source] = l.split(' ');
    seen.push({ target: target as Target, source: source ?? '' });
  });
  return {
    arrived: (source) => new Set(seen.filter((s) => s.source === source).map((s) => s.target)),
    count: (source, target) =>
      seen.filter((s) => s.source === source && s.target === target).length,
    close: () => child.stdin.end(),
  };
}

/** Sends to each target from a namespace: UDP datagrams (3, or `udpCount`), TCP connections (2 s each). */
export async function sendFrom(
  ns: string,
  address: string,
  targets: Target[],
  udpCount = 3,
): Promise<void> {
  await exec('ip', ['netns', 'exec', ns, python, script, 'send', address, ...targets], {
    timeout: 30_000,
    env: { ...process.env, PROBE_UDP_COUNT: String(udpCount) },
  });
}
