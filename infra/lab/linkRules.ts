import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { LinkProfile } from '../netem/profiles';
import type { Firewall } from './topology';

const exec = promisify(execFile);
const inNs = async (ns: string, ...args: string[]): Promise<void> => {
  try {
    await exec('ip', ['netns', 'exec', ns, ...args], { timeout: 15_000 });
  } catch (err) {
    const e = err as { stderr?: string; message: string };
    throw new Error(`${args.join(' ')} in ${ns}: ${e.stderr?.trim() || e.message}`);
  }
};

/**
 * The commune's firewall, on the far side of its link (its router), as an
 * operator's would be: packets from the commune are dropped as they enter the
 * router (raw PREROUTING, matched on the commune's port, before the delay TUN),
 * where the sender cannot see the drop — a DROP in the commune's own OUTPUT
 * chain would fail its send() and Chromium would just retry. Not in FORWARD:
 * the link shaping (infra/netem shapeNamespace → applyLoss) flushes FORWARD
 * each time a profile is applied, which silently lifted every firewall.
 * infra/lab/firewall.test.ts proves each one with real datagrams.
 */
export async function firewallRules(
  router: string,
  fromCommune: string,
  fw: Firewall,
  edge: string,
) {
  const rule = (...args: string[]) =>
    inNs(router, 'iptables', '-t', 'raw', '-A', 'PREROUTING', '-i', fromCommune, ...args);
  if (fw === 'open') return;
  if (fw === 'noUdp') return void (await rule('-p', 'udp', '-j', 'DROP'));
  await rule('-p', 'tcp', '--dport', '443', '-j', 'ACCEPT');
  if (fw === 'turnUdpOnly') await rule('-p', 'udp', '-d', edge, '--dport', '3478', '-j', 'ACCEPT');
  await rule('-j', 'DROP');
}

/**
 * The profile's random loss, on the wire: packets entering the router from the
 * commune (its uplink) or from the LAN (its downlink) are dropped a hop away from
 * both senders (mangle PREROUTING, kept apart from the firewall's raw rules).
 * infra/netem's own loss rules match bridged frames (physdev) and never fire in
 * this routed router.
 */
export async function lossRules(
  router: string,
  fromCommune: string,
  fromLan: string,
  p: LinkProfile,
) {
  await inNs(router, 'iptables', '-t', 'mangle', '-F', 'PREROUTING');
  const rules: [string, number][] = [
    [fromLan, p.lossPct],
    [fromCommune, p.upLossPct ?? p.lossPct],
  ];
  for (const [dev, pct] of rules) {
    if (pct <= 0) continue;
    await inNs(
      router,
      ...['iptables', '-t', 'mangle', '-A', 'PREROUTING', '-i', dev],
      ...['-m', 'statistic', '--mode', 'random', '--probability', String(pct / 100), '-j', 'DROP'],
    );
  }
}
