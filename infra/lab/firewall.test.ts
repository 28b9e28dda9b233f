import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { profile } from '../netem/profiles';
import { listenOn, sendFrom, type Listener, type Target } from './reachability';
import { LabNet, type Firewall, type Role } from './topology';

/**
 * The lab communes' firewalls hold on the wire: real UDP datagrams and TCP
 * connections from a commune's namespace to the edge (TURN 3478, HTTPS 443)
 * and to an SFU node's port (40000), across the shaped, delayed link. What a
 * firewall drops must not arrive (a drop a hop away, which the sender cannot
 * see), what it lets through must. Root: network namespaces.
 */
describe('lab communes: what each firewall lets through (real sockets, namespaces)', () => {
  let net: LabNet;
  let edge: Role;
  let listener: Listener;
  const targets: Target[] = ['udp/3478', 'udp/40000', 'tcp/443', 'tcp/40000'];

  beforeAll(async () => {
    net = await LabNet.create();
    edge = await net.addRole('edge', 10);
    listener = await listenOn(edge.ns, edge.address, targets);
  });
  afterAll(async () => {
    listener?.close();
    await net?.destroy();
  });

  const expected: Record<Firewall, Target[]> = {
    open: ['udp/3478', 'udp/40000', 'tcp/443', 'tcp/40000'],
    noUdp: ['tcp/443', 'tcp/40000'],
    turnUdpOnly: ['udp/3478', 'tcp/443'],
    tcp443: ['tcp/443'],
  };

  it.each(Object.keys(expected) as Firewall[])(
    '%s',
    async (firewall) => {
      // The delay and shaping as the 3G profile, and again after a profile change
      // (which re-applies the link's queues and must not lift the firewall).
      const commune = await net.addCommune(profile('3g'), firewall, edge.address);
      await net.setProfile(commune, profile('edge'));
      await sendFrom(commune.ns, edge.address, targets);
      await expect
        .poll(() => [...listener.arrived(commune.address)].sort(), { timeout: 5_000 })
        .toEqual([...expected[firewall]].sort());
      // Nothing more arrives late (the link's one-way delay is 420 ms on EDGE).
      await new Promise((r) => setTimeout(r, 1_000));
      expect([...listener.arrived(commune.address)].sort()).toEqual([...expected[firewall]].sort());
    },
    60_000,
  );
});
