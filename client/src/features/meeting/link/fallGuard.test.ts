import { describe, expect, it } from 'vitest';
import { FallGuard } from './fallGuard';

const rr = (n: number, rttMs: number, micLoss = 0) => [
  {
    ...{ id: 'RA', type: 'remote-inbound-rtp', kind: 'audio' },
    ...{ roundTripTime: rttMs / 1000, roundTripTimeMeasurements: n, fractionLost: micLoss },
  },
];

describe('FallGuard', () => {
  it('sees a queue with lost microphone packets in one report', () => {
    const g = new FallGuard();
    expect(g.observe(rr(1, 20), 0)).toBe(false);
    expect(g.observe(rr(2, 24, 0.05), 1_000)).toBe(false);
    expect(g.observe(rr(3, 520, 0.5), 2_000)).toBe(true);
  });

  it('a report seen before counts once', () => {
    const g = new FallGuard();
    g.observe(rr(1, 20), 0);
    expect(g.observe(rr(2, 400), 1_000)).toBe(false);
    expect(g.observe(rr(2, 400), 1_250)).toBe(false);
    expect(g.observe(rr(3, 420), 2_000)).toBe(true);
  });

  it('random loss without a queue, or one late report, is no fall', () => {
    const g = new FallGuard();
    g.observe(rr(1, 300), 0);
    for (let n = 2; n < 30; n++)
      expect(g.observe(rr(n, 300 + (n % 3) * 20, 0.2), n * 1_000)).toBe(false);
    expect(g.observe(rr(31, 700), 31_000)).toBe(false);
    expect(g.observe(rr(32, 300), 32_000)).toBe(false);
  });

  it('measures the queue above the link own round trip (a satellite is not a fall)', () => {
    const g = new FallGuard();
    g.observe(rr(1, 600), 0);
    expect(g.observe(rr(2, 640, 0.02), 1_000)).toBe(false);
    expect(g.observe(rr(3, 1_100, 0.3), 2_000)).toBe(true);
  });
});
