import { describe, expect, it } from 'vitest';
import { rendezvous } from './rendezvous';

const nodes = ['sig-1', 'sig-2', 'sig-3'].map((id) => ({ id }));
const meetings = Array.from({ length: 300 }, (_, i) => `meeting-${i}`);

describe('rendezvous hashing', () => {
  it('spreads keys over every node and answers the same whatever the node order', () => {
    const counts = new Map<string, number>();
    for (const m of meetings) {
      const a = rendezvous(m, nodes)!.id;
      expect(rendezvous(m, [...nodes].reverse())!.id).toBe(a);
      counts.set(a, (counts.get(a) ?? 0) + 1);
    }
    expect([...counts.keys()].sort()).toEqual(['sig-1', 'sig-2', 'sig-3']);
    for (const n of counts.values()) expect(n).toBeGreaterThan(60);
  });

  it('moves only the keys of a node that leaves', () => {
    const without = nodes.filter((n) => n.id !== 'sig-2');
    for (const m of meetings) {
      const before = rendezvous(m, nodes)!.id;
      if (before !== 'sig-2') expect(rendezvous(m, without)!.id).toBe(before);
    }
    expect(rendezvous('m', [])).toBeUndefined();
  });
});
