import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';

/** `npm start` as its own process (what an operator runs), on a free port and a given data folder. */
export interface AppProcess {
  proc: ChildProcess;
  url: string;
  output(): string;
  /** Resolves with the exit code (or signal). */
  exited: Promise<number | string>;
}

const ROOT = path.resolve(import.meta.dirname, '../..');

export function spawnApp(
  dataDir: string,
  env: Record<string, string> = {},
): {
  proc: ChildProcess;
  output(): string;
  exited: Promise<number | string>;
  ready: Promise<AppProcess>;
} {
  const base: NodeJS.ProcessEnv = { ...process.env };
  delete base.REDIS_URL; // its own embedded redis-server
  const proc = spawn(process.execPath, ['--import', 'tsx', 'infra/src/start.ts'], {
    cwd: ROOT,
    env: {
      ...base,
      PORT: '0',
      HOST: '127.0.0.1',
      RTC_PORT: '0',
      SFU_WORKERS: '1',
      DATA_DIR: dataDir,
      LOG_LEVEL: 'warn',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  proc.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  // 'close': the exit status once its output is read to the end.
  const exited = new Promise<number | string>((resolve) =>
    proc.once('close', (code, signal) => resolve(code ?? signal ?? 'unknown')),
  );
  const ready = new Promise<AppProcess>((resolve, reject) => {
    const onData = () => {
      const url = /is running: (http:\/\/\S+)/.exec(out)?.[1];
      if (url) resolve({ proc, url, output: () => out, exited });
    };
    proc.stdout?.on('data', onData);
    void exited.then((code) => reject(new Error(`app exited (${code}) before ready:\n${out}`)));
  });
  return { proc, output: () => out, exited, ready };
}

/** Direct children of a process (from /proc). */
export function childrenOf(pid: number): number[] {
  const kids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid) kids.push(Number(entry));
    } catch {
      // gone
    }
  }
  return kids;
}

/** Running (a zombie nobody reaped yet counts as gone). */
export function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}
