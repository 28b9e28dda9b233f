import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

const here = path.dirname(fileURLToPath(import.meta.url));
/** Entry points of the cluster's processes. */
export const entries = {
  sfu: path.join(here, 'sfuNodeMain.ts'),
  signaling: path.resolve(here, '../start.ts'),
  /** The phone role (docs/phone.md). */
  phone: path.resolve(here, '../../../phone/src/index.ts'),
} as const;

const readySchema = z.object({ ready: z.enum(['sfu', 'signaling', 'phone']) }).loose();

export interface ChildNode {
  readonly name: string;
  readonly process: ChildProcess;
  /** What the node said when ready (its id or URL). */
  readonly ready: z.infer<typeof readySchema>;
  /** SIGTERM, then SIGKILL after 10 s; resolves once the process is gone. */
  stop(): Promise<void>;
}

/**
 * Spawns one cluster node (a Node process running TypeScript through tsx)
 * with an IPC channel: it reports readiness over it, and stops by itself if
 * the channel closes (the launcher died).
 */
export async function spawnNode(
  name: string,
  role: keyof typeof entries,
  env: NodeJS.ProcessEnv,
  options: { startTimeoutMs?: number; stdio?: 'inherit' | 'ignore' } = {},
): Promise<ChildNode> {
  const io = options.stdio ?? 'inherit';
  const child = spawn(process.execPath, ['--import', 'tsx', entries[role]], {
    env,
    stdio: ['ignore', io, io, 'ipc'],
  });
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  };
  const ready = await new Promise<z.infer<typeof readySchema>>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${name} did not start within ${options.startTimeoutMs ?? 60_000} ms`));
    }, options.startTimeoutMs ?? 60_000);
    child.on('message', (m: unknown) => {
      const parsed = readySchema.safeParse(m);
      if (!parsed.success) return;
      clearTimeout(timer);
      resolve(parsed.data);
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited while starting (code ${code}, signal ${signal})`));
    });
  });
  return { name, process: child, ready, stop };
}
