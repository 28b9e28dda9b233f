import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { profile } from '../netem/profiles';
import { listenOn, sendFrom, type Listener, type Target } from './reachability';
import { LabNet, type Firewall, type Role } from './topology';

/**
 * The lab communes' firewalls hold on the wire: real UDP datagrams and TCP
 * connections from a commune's namespace to the edge (TURN 3478, HTTPS 443)
 * and to an SFU node's port (40000), across the shaped, delayed link. What a
 * firewall drops must not arrive (a drop a hop away, which the sender cannot
 * see), what it lets through must. A lossy profile loses that share of the
 * datagrams each way, on the wire too. Root: network namespaces.
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

  it('a lossy profile loses packets on the wire, both ways, and the sender is never told', async () => {
    // 20 % each way: 300 datagrams, 240 expected to arrive (binomial sd ≈ 7).
    const commune = await net.addCommune(profile('3g', { lossPct: 20 }), 'open', edge.address);
    await sendFrom(commune.ns, edge.address, ['udp/3478'], 300);
    await new Promise((r) => setTimeout(r, 1_000));
    const up = listener.count(commune.address, 'udp/3478');
    expect(up).toBeGreaterThan(200);
    expect(up).toBeLessThan(280);
    const back = await listenOn(commune.ns, commune.address, ['udp/5000']);
    try {
      await sendFrom(edge.ns, commune.address, ['udp/5000'], 300);
      await new Promise((r) => setTimeout(r, 1_000));
      const down = back.count(edge.address, 'udp/5000');
      expect(down).toBeGreaterThan(200);
      expect(down).toBeLessThan(280);
    } finally {
      back.close();
    }
  }, 60_000);
});
