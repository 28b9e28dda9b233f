import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * A network namespace for a test phone (baresip): a veth pair, 10.217.17.0/24
 * (this harness's own subnet; the netem harness has 10.213.0.0/16), names
 * prefixed `ph17`. `shape` puts netem (loss, delay) on both directions.
 */
export interface PhoneNs {
  name: string;
  hostIf: string;
  nsIf: string;
  hostAddress: string;
  nsAddress: string;
}

export async function createPhoneNs(idx = process.pid % 60): Promise<PhoneNs> {
  const name = `ph17-${process.pid}-${idx}`;
  const ns: PhoneNs = {
    name,
    hostIf: `ph17h${idx}`,
    nsIf: `ph17n${idx}`,
    hostAddress: `10.217.17.${idx * 4 + 1}`,
    nsAddress: `10.217.17.${idx * 4 + 2}`,
  };
  await destroyPhoneNs(ns);
  await run('ip', ['netns', 'add', name]);
  await run('ip', ['link', 'add', ns.hostIf, 'type', 'veth', 'peer', 'name', ns.nsIf]);
  await run('ip', ['link', 'set', ns.nsIf, 'netns', name]);
  await run('ip', ['addr', 'add', `${ns.hostAddress}/30`, 'dev', ns.hostIf]);
  await run('ip', ['link', 'set', ns.hostIf, 'up']);
  const inNs = (...args: string[]) => run('ip', ['netns', 'exec', name, ...args]);
  await inNs('ip', 'addr', 'add', `${ns.nsAddress}/30`, 'dev', ns.nsIf);
  await inNs('ip', 'link', 'set', ns.nsIf, 'up');
  await inNs('ip', 'link', 'set', 'lo', 'up');
  return ns;
}

/** Loss (%) and delay (ms) each way on the phone's link. */
export async function shapePhoneNs(ns: PhoneNs, lossPct: number, delayMs = 0): Promise<void> {
  const netem = ['netem', 'delay', `${delayMs}ms`, 'loss', `${lossPct}%`];
  await run('tc', ['qdisc', 'replace', 'dev', ns.hostIf, 'root', ...netem]);
  await run('ip', [
    'netns',
    'exec',
    ns.name,
    'tc',
    'qdisc',
    'replace',
    'dev',
    ns.nsIf,
    'root',
    ...netem,
  ]);
}

export async function destroyPhoneNs(ns: PhoneNs): Promise<void> {
  await run('ip', ['link', 'del', ns.hostIf]).catch(() => undefined);
  await run('ip', ['netns', 'del', ns.name]).catch(() => undefined);
}
