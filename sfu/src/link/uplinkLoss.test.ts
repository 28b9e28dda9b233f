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

  it('tells the loss before NACK repair apart from what stays lost', () => {
    const m = new UplinkLossMeter();
    m.sample('mic', 100, 0, 0, 0);
    // 33 expected, 2 resent on the SFU's NACK (received), 1 still lost: 9 % dropped, 3 % left.
    expect(m.sample('mic', 132, 1, 2_000, 2)).toBe(0.03);
    expect(m.lastRawLoss).toBeCloseTo(3 / 33, 3);
    m.sample('mic', 135, 1, 4_000, 2);
    expect(m.lastRawLoss).toBeUndefined(); // DTX: too few packets to say
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

describe('UplinkLossMeter on a dying link', () => {
  it('keeps heavy loss while next to nothing arrives, but not a light one (DTX)', () => {
    const m = new UplinkLossMeter();
    m.sample('mic', 100, 0, 0);
    // The camera floods a GPRS uplink: 85 % lost, then nothing arrives at all.
    expect(m.sample('mic', 105, 28, 2_000)).toBe(0.848);
    expect(m.sample('mic', 106, 28, 4_000)).toBe(0.848);
    expect(m.sample('mic', 106, 28, 6_000)).toBe(0.848);
    // Packets again: measured afresh.
    expect(m.sample('mic', 136, 28, 8_000)).toBe(0);
    // A speaker pausing (DTX) after a clean window: nothing to say.
    expect(m.sample('mic', 137, 28, 10_000)).toBeUndefined();
  });
});

describe('silenceRttMs', () => {
  it('bounds the RTT by how overdue the reports are, once 6 s have passed', () => {
    expect(silenceRttMs(undefined, 60_000)).toBeUndefined();
    expect(silenceRttMs(10_000, 16_000)).toBeUndefined();
    expect(silenceRttMs(10_000, 16_500)).toBe(4_500);
  });
});
