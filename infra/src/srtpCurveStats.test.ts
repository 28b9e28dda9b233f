import { describe, expect, it } from 'vitest';
import {
  growthRatio,
  prng,
  quantile,
  quartiles,
  saturatedGrowth,
  shuffle,
} from '../bench/sfu/curveStats';

// bench:sfu's SRTP cost curve judges "cost at 2,000 transports within 20 % of its cost at 100"
// with these statistics (docs/bench-sfu.md, "The cost curve, measured finely"): the verdict must
// be able to say met, not met and not settled.
describe('SRTP cost curve statistics', () => {
  it('quartiles interpolate between order statistics and skip saturated (NaN) rounds', () => {
    expect(quantile([1, 2, 3, 4], 0.5)).toBe(2.5);
    expect(quantile([1, 2, 3, 4], 0.25)).toBe(1.75);
    expect(quartiles([4, NaN, 1, 3, 2])).toEqual({ q1: 1.75, median: 2.5, q3: 3.25, n: 4 });
    expect(quartiles([NaN]).n).toBe(0);
  });

  it('shuffles the same way for the same seed, and keeps every element', () => {
    const xs = [...Array(16).keys()];
    const a = shuffle(xs, prng(7));
    expect(shuffle(xs, prng(7))).toEqual(a);
    expect(a).not.toEqual(xs);
    expect([...a].sort((x, y) => x - y)).toEqual(xs);
  });

  it('flat cost with small noise: met', () => {
    const from = [1.0, 1.02, 0.98, 1.01, 0.99, 1.0, 1.03, 0.97];
    const to = from.map((x, i) => x * (1.02 + (i % 2) * 0.02));
    const g = growthRatio(from, to, 1.2, 1);
    expect(g.ratio).toBeCloseTo(1.03, 1);
    expect(g.boot90[1]).toBeLessThanOrEqual(1.2);
    expect(g.verdict).toBe('met');
  });

  it('cost doubling: not met, however the rounds are resampled', () => {
    const from = [1.0, 1.1, 0.9, 1.05, 0.95, 1.0, 1.02, 0.98];
    const to = from.map((x) => x * 2);
    const g = growthRatio(from, to, 1.2, 1);
    expect(g.ratio).toBeCloseTo(2, 5);
    expect(g.boot90[0]).toBeGreaterThan(1.2);
    expect(g.verdict).toBe('not met');
  });

  it('differences noisier than the effect: not settled', () => {
    const from = [0.2, 1.8, 0.5, 1.5, 1.0, 0.1, 1.9, 0.9];
    const to = [1.6, 0.3, 1.9, 0.6, 1.1, 2.0, 0.4, 1.2];
    expect(growthRatio(from, to, 1.2, 1).verdict).toBe('not settled');
  });

  it('a worker saturated at the last point: a lower bound from the packet budget', () => {
    // 12,000 packets/s on one core leave 83.3 µs per packet; SRTP off costs 11.7 there.
    const g = saturatedGrowth([9.5, 9.7, 9.9], 11.7, 12_000, 1.2);
    expect(g.saturated!.atLeastUs).toBeCloseTo(71.63, 1);
    expect(g.saturated!.lowerBound).toBeCloseTo(7.38, 1);
    expect(g.verdict).toBe('not met');
  });

  it('too few rounds to show a spread: not settled, even when flat', () => {
    expect(growthRatio([1, 1.01], [1, 1.02], 1.2, 1).verdict).toBe('not settled');
  });

  it('a point with every round saturated has no figure', () => {
    const g = growthRatio([1, 1, 1], [NaN, NaN, NaN], 1.2, 1);
    expect(g.verdict).toBe('no figure');
  });
});
