import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import * as mediasoup from 'mediasoup';

const sh = (cmd: string, args: string[]): string => {
  try {
    return execFileSync(cmd, args, { encoding: 'utf8' }).trim();
  } catch {
    return 'unknown';
  }
};

/** What the run ran on: stated in the JSON and the table, because load moves the figures. */
export function conditions(extra: Record<string, unknown>) {
  return {
    date: new Date().toISOString(),
    host: {
      cpus: os.cpus().length,
      model: os.cpus()[0]?.model ?? 'unknown',
      kernel: os.release(),
      memGiB: Math.round(os.totalmem() / 2 ** 30),
    },
    node: process.version,
    mediasoup: mediasoup.version,
    gitCommit: sh('git', ['rev-parse', '--short', 'HEAD']),
    loadavg: os.loadavg().map((x) => Math.round(x * 100) / 100),
    ...extra,
  };
}

/**
 * Pins every thread of `pid` to `cpus` (taskset -a -p) and, when `nice` is given,
 * raises its main thread's priority: on a machine shared with other work the
 * measured process must not lose its core to unrelated processes.
 */
export function pin(pid: number, cpus: string, nice?: number): void {
  execFileSync('taskset', ['-a', '-p', '-c', cpus, String(pid)], { stdio: 'ignore' });
  if (nice !== undefined) os.setPriority(pid, nice);
}

export function niceOf(pid: number): number {
  return os.getPriority(pid);
}

/** Affinity as taskset reports it, to show the pinning really applied. */
export function affinity(pid: number): string {
  return (
    sh('taskset', ['-c', '-p', String(pid)])
      .split(':')
      .pop()
      ?.trim() ?? 'unknown'
  );
}

/** /proc/loadavg's first field now. */
export function loadNow(): number {
  return Number(readFileSync('/proc/loadavg', 'utf8').split(' ')[0]);
}

/**
 * With CONFIG_SCHED_AUTOGROUP, CFS shares the CPU between sessions first, so a
 * process's own nice value means nothing against other engineers' sessions. The
 * bench therefore runs in a session of its own (re-exec under `setsid`) and
 * raises that whole group's priority (its workers and the gensink inherit it).
 * Returns the exit code of the re-executed run, or null when already inside it.
 */
export function runInOwnSession(): number | null {
  if (process.env.GB_BENCH_SESSION === '1' || !existsSync('/proc/self/autogroup')) return null;
  const r = spawnSync(
    'setsid',
    ['-w', process.execPath, ...process.execArgv, ...process.argv.slice(1)],
    {
      stdio: 'inherit',
      env: { ...process.env, GB_BENCH_SESSION: '1' },
    },
  );
  if (r.error) return null; // no setsid: run here, the JSON says which group it had
  return r.status ?? 1;
}

/** Sets this process's autogroup nice (all of the session); returns what /proc says after. */
export function raiseOwnGroup(nice: number): string {
  try {
    if (existsSync('/proc/self/autogroup')) writeFileSync('/proc/self/autogroup', String(nice));
  } catch {
    // not permitted (not root): the JSON records the group as it is
  }
  try {
    return readFileSync('/proc/self/autogroup', 'utf8').trim();
  } catch {
    return 'no autogroup';
  }
}
