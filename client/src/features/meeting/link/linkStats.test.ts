import { describe, expect, it } from 'vitest';
import { LinkStatsSampler, statsEntries, type StatsEntry } from './linkStats';

const pair = (id: string, extra: Partial<StatsEntry>): StatsEntry[] => [
  { id: `T${id}`, type: 'transport', selectedCandidatePairId: `CP${id}` },
  { id: `CP${id}`, type: 'candidate-pair', state: 'succeeded', nominated: true, ...extra },
];

describe('LinkStatsSampler', () => {
  it('reads the estimate and RTT of the selected pairs', () => {
    const s = new LinkStatsSampler();
    const r = s.sample(
      [...pair('s', { availableOutgoingBitrate: 84_000, currentRoundTripTime: 0.31 })],
      [...pair('r', { currentRoundTripTime: 0.35 })],
      0,
    );
    expect(r).toEqual({ availableOutgoingKbps: 84, rttMs: 350 });
  });

  it('measures downlink loss and bitrates per interval, not since the start', () => {
    const s = new LinkStatsSampler();
    const inbound = (lost: number, received: number, bytes: number): StatsEntry => ({
      id: 'IA',
      type: 'inbound-rtp',
      kind: 'audio',
      packetsLost: lost,
      packetsReceived: received,
      bytesReceived: bytes,
    });
    const outbound = (bytes: number): StatsEntry => ({
      id: 'OA',
      type: 'outbound-rtp',
      bytesSent: bytes,
    });
    s.sample([outbound(0)], [inbound(50, 100, 0)], 0);
    const r = s.sample([outbound(5_000)], [inbound(52, 198, 4_000)], 2_000);
    expect(r.downLoss).toBe(0.02);
    expect(r.recvKbps).toBe(16);
    expect(r.sendKbps).toBe(20);
  });

  it('takes the worst loss the SFU reports for our streams', () => {
    const s = new LinkStatsSampler();
    const r = s.sample(
      [
        { id: 'RA', type: 'remote-inbound-rtp', kind: 'audio', fractionLost: 0.01 },
        { id: 'RV', type: 'remote-inbound-rtp', kind: 'video', fractionLost: 0.2 },
      ],
      [],
      0,
    );
    expect(r.upLoss).toBe(0.2);
  });

  it("reports the SFU's loss once per receiver report, not again while it lingers", () => {
    const s = new LinkStatsSampler();
    const rr = (n: number, fractionLost: number): StatsEntry => ({
      id: 'RA',
      type: 'remote-inbound-rtp',
      kind: 'audio',
      fractionLost,
      reportsReceived: n,
    });
    expect(s.sample([rr(1, 0.3)], [], 0).upLoss).toBe(0.3);
    // No new receiver report in this interval: the same 0.3 is not a second sample.
    expect(s.sample([rr(1, 0.3)], [], 2_000).upLoss).toBeUndefined();
    expect(s.sample([rr(2, 0.25)], [], 4_000).upLoss).toBe(0.25);
    // Browsers without reportsReceived: the report's timestamp tells.
    const t = new LinkStatsSampler();
    const old = { id: 'RV', type: 'remote-inbound-rtp', fractionLost: 0.2, timestamp: 5 };
    expect(t.sample([old], [], 0).upLoss).toBe(0.2);
    expect(t.sample([old], [], 2_000).upLoss).toBeUndefined();
  });

  it('accepts a Map-like report and skips foreign values', () => {
    const m = new Map<string, unknown>([
      ['a', { id: 'a', type: 'codec' }],
      ['b', 42],
    ]);
    expect(statsEntries(m)).toEqual([{ id: 'a', type: 'codec' }]);
  });

  it('takes the round trip of a new receiver report (it crosses the uplink queue), once', () => {
    const s = new LinkStatsSampler();
    const rr = (n: number, rtt: number): StatsEntry => ({
      ...{ id: 'RV', type: 'remote-inbound-rtp', kind: 'video' },
      ...{ roundTripTime: rtt, roundTripTimeMeasurements: n },
    });
    const stun = pair('s', { currentRoundTripTime: 0.02 });
    expect(s.sample([...stun, rr(1, 0.03)], [], 0).rttMs).toBe(20);
    expect(s.sample([...stun, rr(2, 0.54)], [], 2_000).rttMs).toBe(540);
    // The same report still in getStats(): the STUN round trip again.
    expect(s.sample([...stun, rr(2, 0.54)], [], 4_000).rttMs).toBe(20);
  });
});
