import { readFileSync, readdirSync, readlinkSync, symlinkSync, unlinkSync } from 'node:fs';
import path from 'node:path';

/**
 * A data folder belongs to one GiaoBan process at a time. The lock is a
 * symlink whose target names its owner ("pid:start-time"), created atomically
 * and readable without a data block, so it works on a full disk too. A lock
 * whose owner is gone (kill -9, power cut) is stale: its redis-server, if
 * still running on the folder, is stopped before a new one starts.
 */
export interface DataDirLock {
  release(): void;
}

const LOCK_NAME = 'giaoban.lock';

export class DataDirInUseError extends Error {
  constructor(dir: string, pid: number) {
    super(
      `The data folder ${dir} is in use by GiaoBan process ${pid}: stop it first ` +
        '(two redis-servers on one folder would corrupt its AOF).',
    );
    this.name = 'DataDirInUseError';
  }
}

/** The kernel's start time of a process (clock ticks since boot), or undefined when it is gone. */
export function processStartTime(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Field 22, counted after the command name, which may itself hold spaces.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

function ownerAlive(owner: string): number | undefined {
  const [pidText, start] = owner.split(':');
  const pid = Number(pidText);
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  const now = processStartTime(pid);
  // Same pid, same start time: the same process (not a later one that reused the pid).
  return now !== undefined && now === start ? pid : undefined;
}

/** Takes the folder's lock, or throws DataDirInUseError while its owner lives. */
export function lockDataDir(dir: string): DataDirLock {
  const lockPath = path.join(dir, LOCK_NAME);
  const me = `${process.pid}:${processStartTime(process.pid) ?? '0'}`;
  for (let attempt = 0; ; attempt++) {
    try {
      symlinkSync(me, lockPath);
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 0) throw err;
      let owner = '';
      try {
        owner = readlinkSync(lockPath);
      } catch {
        // removed meanwhile (or not a symlink): take it over below
      }
      const alive = ownerAlive(owner);
      if (alive !== undefined) throw new DataDirInUseError(dir, alive);
      unlinkSync(lockPath);
    }
  }
  let released = false;
  return {
    release() {
      if (released) return;
      released = true;
      try {
        if (readlinkSync(lockPath) === me) unlinkSync(lockPath);
      } catch {
        // already gone
      }
    },
  };
}

/**
 * redis-server processes running on this data folder. Redis rewrites its
 * command line ("redis-server 127.0.0.1:port"), but it works in its `--dir`:
 * the process's name and working directory tell.
 */
export function redisServersOn(dir: string): number[] {
  const abs = path.resolve(dir);
  const found: number[] = [];
  let entries: string[] = [];
  try {
    entries = readdirSync('/proc');
  } catch {
    return found;
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/comm`, 'utf8').trim() !== 'redis-server') continue;
      if (readlinkSync(`/proc/${entry}/cwd`) === abs) found.push(Number(entry));
    } catch {
      // exited while we looked, or not ours to read
    }
  }
  return found;
}

/** Stops every redis-server left running on the folder (SIGTERM, then SIGKILL after 5 s). */
export async function stopStaleRedisServers(dir: string): Promise<number[]> {
  const stale = redisServersOn(dir);
  for (const pid of stale) {
    try {
      process.kill(pid, 'SIGTERM');
    } catch {
      // already gone
    }
  }
  const deadline = Date.now() + 5_000;
  while (redisServersOn(dir).length > 0) {
    if (Date.now() > deadline) {
      for (const pid of redisServersOn(dir)) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return stale;
}
