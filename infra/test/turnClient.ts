import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface UclientResult {
  /** coturn granted the allocations (the credentials were accepted). */
  allocated: boolean;
  /** Messages that went client → relay → relay → client (both ways). */
  received: number;
  output: string;
}

/**
 * coturn's own test client (`turnutils_uclient`, Debian package coturn): two
 * clients allocate on the server with the given credentials and send each other
 * messages through their relays (`-y`). A real TURN client, not a stub.
 */
export async function uclient(o: {
  port: number;
  username: string;
  password: string;
  host?: string;
  transport?: 'udp' | 'tcp' | 'tls';
  messages?: number;
}): Promise<UclientResult> {
  const args = ['-p', String(o.port), '-u', o.username, '-w', o.password, '-y', '-c'];
  args.push('-n', String(o.messages ?? 3));
  if (o.transport === 'tcp') args.push('-t');
  if (o.transport === 'tls') args.push('-t', '-S');
  args.push(o.host ?? '127.0.0.1');
  const out = await run('turnutils_uclient', args, { timeout: 20_000 }).then(
    (r) => r.stdout + r.stderr,
    (e: { stdout?: string; stderr?: string }) => `${e.stdout ?? ''}${e.stderr ?? ''}`,
  );
  const totals = [...out.matchAll(/tot_recv_msgs=(\d+)/g)].map((m) => Number(m[1]));
  return {
    allocated: !/Cannot complete Allocation/.test(out),
    received: totals.at(-1) ?? 0,
    output: out,
  };
}
