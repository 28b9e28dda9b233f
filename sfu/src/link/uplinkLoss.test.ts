import { describe, expect, it } from 'vitest';
import { silenceRttMs, UplinkLossMeter } from './uplinkLoss';

describe('UplinkLossMeter', () => {
  it('measures loss per window from cumulative counters', () => {
    const m = new UplinkLossMeter();
    expect(m.sample('mic', 100, 50, 0)).toBeUndefined();
    expect(m.due('mic', 1_000)).toBe(false);
    expect(m.due('mic', 2_000)).toBe(true);
    // 30 received, 3 lost in this window; the 50 lost before do not count.
    expect(m.sample('mic', 130, 53, 2_000)).toBe(0.091);
    expect(m.sample('mic', 163, 53, 4_000)).toBe(0);
  });

  it('says nothing with too few packets (DTX silence) or a new microphone', () => {
    const m = new UplinkLossMeter();
    m.sample('mic', 100, 0, 0);
    expect(m.sample('mic', 104, 1, 2_000)).toBeUndefined();
    expect(m.due('mic2', 2_100)).toBe(true);
    expect(m.sample('mic2', 5, 0, 2_100)).toBeUndefined();
    expect(m.sample('mic2', 25, 20, 4_100)).toBe(0.5);
  });
});

describe('silenceRttMs', () => {
  it('bounds the RTT by how overdue the reports are, once 6 s have passed', () => {
    expect(silenceRttMs(undefined, 60_000)).toBeUndefined();
    expect(silenceRttMs(10_000, 16_000)).toBeUndefined();
    expect(silenceRttMs(10_000, 16_500)).toBe(4_500);
  });
});
