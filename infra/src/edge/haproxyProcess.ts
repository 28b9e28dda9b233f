import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { connect } from 'node:net';
import { promisify } from 'node:util';

const exec = promisify(execFile);

export interface HaproxyProcess {
  readonly process: ChildProcess;
  /** SIGUSR1 (soft stop: finish what runs, for up to hard-stop-after), then SIGKILL after 5 s. */
  stop(): Promise<void>;
}

const bin = () => process.env.HAPROXY_BIN ?? 'haproxy';

/** `haproxy -c`: refuses a configuration HAProxy would refuse, with its message. */
export async function checkHaproxyConfig(cfgPath: string): Promise<void> {
  try {
    await exec(bin(), ['-c', '-q', '-f', cfgPath], { timeout: 10_000 });
  } catch (err) {
    const e = err as { stderr?: string; stdout?: string; message: string };
    throw new Error(`haproxy -c ${cfgPath}: ${(e.stdout ?? '') + (e.stderr ?? '') || e.message}`);
  }
}

const listening = (host: string, port: number) =>
  new Promise<boolean>((resolve) => {
    const s = connect(port, host, () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });

/**
 * Runs HAProxy in the foreground on a rendered configuration (as the edge's
 * systemd unit does, without systemd) and resolves once `probe` accepts TCP
 * connections.
 */
export async function startHaproxy(o: {
  cfgPath: string;
  probe: { host: string; port: number };
  stdio?: 'inherit' | 'ignore';
}): Promise<HaproxyProcess> {
  await checkHaproxyConfig(o.cfgPath);
  const child = spawn(bin(), ['-db', '-f', o.cfgPath], {
    stdio: ['ignore', o.stdio ?? 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    if (stderr.length < 10_000) stderr += d.toString();
    if (o.stdio === 'inherit') process.stderr.write(d);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const gone = () => child.exitCode !== null || child.signalCode !== null;
  const stop = async () => {
    if (gone()) return;
    child.kill('SIGUSR1');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(timer);
  };
  const end = Date.now() + 10_000;
  while (!(await listening(o.probe.host, o.probe.port))) {
    if (gone()) throw new Error(`haproxy exited at start (code ${child.exitCode}): ${stderr}`);
    if (Date.now() > end) {
      await stop();
      throw new Error(`haproxy does not listen on ${o.probe.host}:${o.probe.port}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return { process: child, stop };
}
