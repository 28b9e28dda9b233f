import { spawn, type ChildProcess } from 'node:child_process';

/**
 * redis-server (and coturn, infra/src/turn/coturnServer.ts) cannot watch its
 * parent (no PR_SET_PDEATHSIG from Node), so a tiny shell holds a pipe from
 * this process and is told the pid of every child it starts. When this
 * process dies, even by kill -9, the pipe reaches end of file and the shell
 * stops the last child with SIGTERM (for redis-server a clean shutdown that
 * flushes the AOF), after `graceMs`. `name` is the shell's argv[0] (what `ps`
 * shows): one watchdog per supervised child.
 */
export interface Watchdog {
  watch(pid: number): void;
  /** This process stops its child itself: the watchdog just leaves. */
  stop(): void;
}

const SCRIPT = `
trap '' INT HUP
pid=
while read -r line; do
  [ "$line" = stop ] && exit 0
  pid=$line
done
[ -n "$pid" ] || exit 0
sleep "$1"
kill -TERM "$pid" 2>/dev/null
`;

export function startWatchdog(graceMs = 0, name = 'giaoban-redis-watchdog'): Watchdog {
  // detached: a Ctrl-C in the terminal reaches the app, which stops its child itself.
  const shell: ChildProcess = spawn('sh', ['-c', SCRIPT, name, String(graceMs / 1000)], {
    stdio: ['pipe', 'ignore', 'ignore'],
    detached: true,
  });
  shell.on('error', () => undefined);
  shell.stdin?.on('error', () => undefined);
  shell.unref();
  // The pipe must not keep this process alive either.
  (shell.stdin as unknown as { unref?: () => void } | null)?.unref?.();
  return {
    watch(pid) {
      shell.stdin?.write(`${pid}\n`);
    },
    stop() {
      shell.stdin?.end('stop\n');
    },
  };
}
