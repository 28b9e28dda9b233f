/** Statistics of bench:sfu's SRTP cost curve: quartiles and a bootstrap of the growth ratio. */

export interface Quartiles {
  q1: number;
  median: number;
  q3: number;
  /** Finite values the quartiles were taken over. */
  n: number;
}

/** Quantile with linear interpolation between order statistics (type 7, as R and numpy). */
export function quantile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const h = (sorted.length - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo]! + (h - lo) * (sorted[hi]! - sorted[lo]!);
}

export function quartiles(xs: readonly number[]): Quartiles {
  const s = xs.filter(Number.isFinite).sort((a, b) => a - b);
  return { q1: quantile(s, 0.25), median: quantile(s, 0.5), q3: quantile(s, 0.75), n: s.length };
}

/** Small seeded PRNG (mulberry32): the shuffles and the bootstrap repeat for a given seed. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function shuffle<T>(xs: readonly T[], rand: () => number): T[] {
  const out = [...xs];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/** Rounds with a figure needed at both points before the growth can be called met or not. */
export const MIN_ROUNDS = 5;

export type Verdict = 'met' | 'not met' | 'not settled' | 'no figure';

export interface GrowthRatio {
  from: Quartiles;
  to: Quartiles;
  /** median(to) ÷ median(from). */
  ratio: number;
  /** Bootstrap over rounds (resampled with replacement, both points of a round together). */
  boot50: [number, number];
  boot90: [number, number];
  /** Against `limit`: met if the 90 % interval is below it, not met if above, else not settled. */
  verdict: Verdict;
  limit: number;
  /**
   * Set when the last point saturated the SRTP-on worker (loss > 0.5 % in most rounds) but not
   * the SRTP-off one: a saturated worker spends at least 10⁶ ÷ packets/s µs per packet, so its
   * SRTP cost is at least that minus the off side's, and the growth at least `lowerBound`.
   */
  saturated?: { atLeastUs: number; lowerBound: number };
}

/**
 * Growth of the per-packet SRTP cost from the first curve point to the last. `from[i]` and
 * `to[i]` are round i's paired differences (NaN where a side saturated). Rounds are
 * resampled as wholes, so a round measured while the machine was busy moves both points.
 */
export function growthRatio(
  from: readonly number[],
  to: readonly number[],
  limit: number,
  seed: number,
  iterations = 4000,
): GrowthRatio {
  const med = (xs: readonly number[]) => quartiles(xs).median;
  const ratio = med(to) / med(from);
  const rand = prng(seed);
  const rounds = from.length;
  const boots: number[] = [];
  for (let b = 0; b < iterations && rounds > 0; b++) {
    const f: number[] = [];
    const t: number[] = [];
    for (let i = 0; i < rounds; i++) {
      const r = Math.floor(rand() * rounds);
      f.push(from[r]!);
      t.push(to[r]!);
    }
    const x = med(t) / med(f);
    if (Number.isFinite(x)) boots.push(x);
  }
  boots.sort((a, b) => a - b);
  const boot50: [number, number] = [quantile(boots, 0.25), quantile(boots, 0.75)];
  const boot90: [number, number] = [quantile(boots, 0.05), quantile(boots, 0.95)];
  let verdict: Verdict = 'not settled';
  const finite = (xs: readonly number[]) => xs.filter(Number.isFinite).length;
  if (!Number.isFinite(ratio) || boots.length < iterations / 2) verdict = 'no figure';
  // Fewer than MIN_ROUNDS rounds at either point: the bootstrap cannot show a spread.
  else if (finite(from) < MIN_ROUNDS || finite(to) < MIN_ROUNDS) verdict = 'not settled';
  else if (boot90[1] <= limit) verdict = 'met';
  else if (boot90[0] > limit) verdict = 'not met';
  return { from: quartiles(from), to: quartiles(to), ratio, boot50, boot90, verdict, limit };
}

/**
 * The growth when the last point saturated the SRTP-on worker: a lower bound from the packet
 * budget (10⁶ ÷ pps µs of CPU per packet at most on one core), judged against `limit`.
 */
export function saturatedGrowth(
  from: readonly number[],
  offUsAtLast: number,
  pps: number,
  limit: number,
): GrowthRatio {
  const f = quartiles(from);
  const atLeastUs = 1e6 / pps - offUsAtLast;
  const lowerBound = atLeastUs / f.median;
  const none: [number, number] = [NaN, NaN];
  return {
    from: f,
    to: quartiles([]),
    ratio: NaN,
    boot50: none,
    boot90: none,
    verdict: Number.isFinite(lowerBound) && lowerBound > limit ? 'not met' : 'no figure',
    limit,
    saturated: { atLeastUs, lowerBound },
  };
}
