import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { Redis } from 'ioredis';
import { AppError } from '@giaoban/common/errors';
import type { Logger } from '@giaoban/common/logger';
import { storageCode } from '@giaoban/common/storageErrors';
import { lockDataDir, stopStaleRedisServers, type DataDirLock } from './redis/dataDirLock';
import { startWatchdog } from './redis/watchdog';

/**
 * A redis-server child process (Debian's package) with its own data folder and
 * AOF on, supervised: restarted on the same port with backoff when it dies,
 * stopped when this process dies (watchdog), and alone on its data folder (lock).
 */
export interface RedisChild {
  readonly url: string;
  readonly port: number;
  /** The running redis-server's pid (undefined while it is down). */
  readonly pid: number | undefined;
  /** How many times it was restarted after dying. */
  readonly restarts: number;
  stop(): Promise<void>;
}

export interface RedisServerOptions {
  dataDir: string;
  port?: number;
  bin?: string;
  log?: Logger;
  /** Restart it when it dies (default true). */
  supervise?: boolean;
  /** After this process dies, the watchdog waits this long before stopping Redis (default 0). */
  watchdogGraceMs?: number;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** Restart delays: 0.25 s doubling to 5 s; back to the start after 30 s of good running. */
const BACKOFF_FIRST_MS = 250;
const BACKOFF_MAX_MS = 5_000;
const STABLE_MS = 30_000;

/** The last thing redis-server said (its log lines look like "pid:M date # message"). */
function redisMessage(output: string): string {
  const lines = output
    .split('\n')
    .map((l) => l.replace(/^\d+:[A-Z] \d+ \w+ \d+ [\d:.]+ [#*.-] /, '').trim())
    .filter((l) => l && !l.startsWith('WARNING'));
  return (lines.at(-1) ?? '').slice(0, 300);
}

/** Why redis-server could not start, as a clear error (STORAGE_FULL / STORAGE_READONLY carry its words). */
export function startFailure(output: string, spawnError?: NodeJS.ErrnoException): Error {
  if (spawnError?.code === 'ENOENT')
    return new Error('redis-server not found: install the redis-server package (infra/install.sh)');
  const said = redisMessage(output) || spawnError?.message || 'no output';
  const code = storageCode(output) ?? (spawnError ? storageCode(spawnError.message) : undefined);
  if (code) {
    const err = new AppError(code, { redis: said });
    err.message = `${code}: ${said}`;
    return err;
  }
  return new Error(`redis-server exited at start: ${said}`);
}

interface Running {
  child: ChildProcess;
  exited: Promise<void>;
  startedAt: number;
  lastWords(): string;
}

async function launch(bin: string, port: number, dir: string): Promise<Running> {
  const child: ChildProcess = spawn(
    bin,
    [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--dir',
      dir,
      '--appendonly',
      'yes',
      '--appendfsync',
      'everysec',
      '--save',
      '',
      '--daemonize',
      'no',
      '--loglevel',
      'warning',
    ],
    // Own process group: a terminal's Ctrl-C reaches the app, which stops Redis last.
    { stdio: ['ignore', 'pipe', 'pipe'], detached: true },
  );
  let output = '';
  const keep = (d: Buffer) => (output = (output + d.toString()).slice(-4096));
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  let spawnError: NodeJS.ErrnoException | undefined;
  child.once('error', (err) => (spawnError = err));
  const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));

  const url = `redis://127.0.0.1:${port}`;
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (spawnError || child.exitCode !== null || child.signalCode !== null) {
      await Promise.race([exited, new Promise((r) => setTimeout(r, 200))]);
      throw startFailure(output, spawnError);
    }
    const probe = new Redis(url, {
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    probe.on('error', () => undefined); // refusals are expected until the server listens
    try {
      await probe.connect();
      await probe.ping();
      probe.disconnect();
      break;
    } catch {
      probe.disconnect();
      if (Date.now() > deadline) {
        child.kill('SIGKILL');
        throw new Error(`redis-server did not answer on port ${port}: ${redisMessage(output)}`);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  // The pipes stay drained (a full pipe would block Redis's logging) and keep its last words.
  return { child, exited, startedAt: Date.now(), lastWords: () => redisMessage(output) };
}

export async function startRedisServer(options: RedisServerOptions): Promise<RedisChild> {
  const port = options.port ?? (await freePort());
  const dir = path.resolve(options.dataDir);
  const bin = options.bin ?? 'redis-server';
  const log = options.log;
  try {
    mkdirSync(dir, { recursive: true });
  } catch (err) {
    throw startFailure('', err as NodeJS.ErrnoException);
  }

  // A read-only or full folder cannot hold the lock either; redis-server then says why.
  let lock: DataDirLock | undefined;
  let lockError: unknown;
  try {
    lock = lockDataDir(dir);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'EROFS' && code !== 'ENOSPC' && code !== 'EACCES') throw err;
    lockError = err;
  }
  const stale = await stopStaleRedisServers(dir);
  if (stale.length > 0)
    log?.warn({ pids: stale, dir }, 'stopped a redis-server left running on the data folder');

  const watchdog = startWatchdog(options.watchdogGraceMs ?? 0);
  let current: Running;
  try {
    current = await launch(bin, port, dir);
    if (lockError) throw lockError;
  } catch (err) {
    watchdog.stop();
    lock?.release();
    throw err;
  }

  let stopping = false;
  let up = true;
  let restarts = 0;
  let attempt = 0;
  let timer: NodeJS.Timeout | undefined;

  const supervise = (run: Running) => {
    watchdog.watch(run.child.pid ?? 0);
    void run.exited.then(() => {
      if (stopping || options.supervise === false) return;
      up = false;
      if (Date.now() - run.startedAt > STABLE_MS) attempt = 0;
      log?.error(
        {
          redisPid: run.child.pid,
          code: run.child.exitCode,
          signal: run.child.signalCode,
          port,
          redis: run.lastWords(),
        },
        'redis-server died; restarting it',
      );
      scheduleRestart();
    });
  };
  const scheduleRestart = () => {
    const delay = Math.min(BACKOFF_MAX_MS, BACKOFF_FIRST_MS * 2 ** attempt++);
    timer = setTimeout(() => {
      timer = undefined;
      if (stopping) return;
      launch(bin, port, dir).then(
        (run) => {
          if (stopping) {
            run.child.kill('SIGTERM');
            return;
          }
          current = run;
          up = true;
          restarts++;
          log?.warn({ redisPid: run.child.pid, port, restarts }, 'redis-server restarted');
          supervise(run);
        },
        (err: unknown) => {
          log?.error({ err, port, attempt }, 'redis-server could not be restarted');
          scheduleRestart();
        },
      );
    }, delay);
  };
  supervise(current);

  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    get pid() {
      return up ? current.child.pid : undefined;
    },
    get restarts() {
      return restarts;
    },
    async stop() {
      if (stopping) return;
      stopping = true;
      if (timer) clearTimeout(timer);
      const { child, exited } = current;
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const kill = setTimeout(() => child.kill('SIGKILL'), 5_000);
        await exited;
        clearTimeout(kill);
      }
      watchdog.stop();
      lock?.release();
    },
  };
}
