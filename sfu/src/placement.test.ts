import { describe, expect, it } from 'vitest';
import { orgTreePlacement } from './placement';
import type { RouterSlot } from './routerSlot';

// Placement is pure: slots are stand-ins with only the fields the strategy reads.
const slot = (consumers: number, endpoints: number, groups: Record<string, number> = {}) =>
  ({
    consumers,
    endpointIds: new Set(Array.from({ length: endpoints }, (_, i) => `e${i}`)),
    groups: new Map(Object.entries(groups)),
  }) as unknown as RouterSlot;

describe('orgTreePlacement', () => {
  const req = (group?: string, expectedConsumers = 10) => ({
    group,
    expectedConsumers,
    budget: 100,
  });

  it('fills the first router with room before opening another', () => {
    const a = slot(50, 5);
    const b = slot(0, 1);
    expect(orgTreePlacement([a, b], req(), true)).toBe(a);
  });

  it('keeps a district on the router that already holds its communes', () => {
    const a = slot(20, 2, { '450': 2 });
    const b = slot(30, 3, { '452': 3 });
    expect(orgTreePlacement([a, b], req('452'), true)).toBe(b);
    expect(orgTreePlacement([a, b], req('999'), true)).toBe(a);
  });

  it('leaves a full home router and opens a router on a new worker', () => {
    const a = slot(95, 9, { '450': 9 });
    expect(orgTreePlacement([a], req('450'), true)).toBe('new');
  });

  it('takes the least-loaded router when every worker is used (soft budget)', () => {
    const a = slot(120, 9);
    const b = slot(98, 8);
    expect(orgTreePlacement([a, b], req(), false)).toBe(b);
    expect(orgTreePlacement([], req(), false)).toBe('new');
  });
});
