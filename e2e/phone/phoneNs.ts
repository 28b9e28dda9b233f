import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * A network namespace for a test phone (baresip): a veth pair, 10.217.17.0/24
 * (this harness's own subnet; the netem harness has 10.213.0.0/16), names
 * prefixed `ph17`; `shapePhoneNs` gives it a rate and random loss each way.
 */
export interface PhoneNs {
  name: string;
  hostIf: string;
  nsIf: string;
  hostAddress: string;
  nsAddress: string;
  /** The host's loss rule, deleted with the namespace. */
  hostLossRule?: string[];
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

/**
 * The phone's link: a rate (tc tbf on both veth ends) and random loss each way, dropped on the
 * receiving side (raw PREROUTING of the host for the phone's uplink, of the namespace for its
 * downlink) so that the sender is not told and does not resend. (netem is missing here.)
 */
export async function shapePhoneNs(
  ns: PhoneNs,
  o: { rateKbit: number; lossPct: number },
): Promise<void> {
  const tbf = ['tbf', 'rate', `${o.rateKbit}kbit`, 'burst', '4kb', 'latency', '200ms'];
  await run('tc', ['qdisc', 'replace', 'dev', ns.hostIf, 'root', ...tbf]);
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
    ...tbf,
  ]);
  if (o.lossPct <= 0) return;
  const drop = (dev: string) => [
    '-t',
    'raw',
    '-A',
    'PREROUTING',
    '-i',
    dev,
    '-m',
    'statistic',
    '--mode',
    'random',
    '--probability',
    String(o.lossPct / 100),
    '-j',
    'DROP',
  ];
  await run('iptables', drop(ns.hostIf));
  await run('ip', ['netns', 'exec', ns.name, 'iptables', ...drop(ns.nsIf)]);
  ns.hostLossRule = drop(ns.hostIf).map((a) => (a === '-A' ? '-D' : a));
}

export async function destroyPhoneNs(ns: PhoneNs): Promise<void> {
  if (ns.hostLossRule) await run('iptables', ns.hostLossRule).catch(() => undefined);
  await run('ip', ['link', 'del', ns.hostIf]).catch(() => undefined);
  await run('ip', ['netns', 'del', ns.name]).catch(() => undefined);
}
