import { describe, expect, it } from 'vitest';
import { fecBufferMs, maxRepairBufferMs, RepairBuffer, repairTargetMs } from './repairBuffer';

const inbound = (ssrc: number, received: number, lost: number, nackCount = 0) => ({
  ...{ id: `in${ssrc}`, type: 'inbound-rtp', kind: 'audio', ssrc },
  ...{ packetsReceived: received, packetsLost: lost, nackCount },
});

describe('RepairBuffer', () => {
  it('gives a lossy voice room for its FEC, and Chrome its choice back once clean', () => {
    const b = new RepairBuffer();
    const nack = () => false;
    let received = 0;
    let lost = 0;
    // 2 s samples of a 60 ms-packet voice (33 packets), losing ~5 %.
    const step = (l: number) => {
      received += 33 - l;
      lost += l;
      return b.update([inbound(7, received, lost)], { rttMs: 300, nack });
    };
    expect(step(0).size).toBe(0);
    const on = step(2);
    expect(on.get(7)).toBe(fecBufferMs);
    expect(step(1).size).toBe(0); // unchanged
    let off = new Map<number, number | null>();
    for (let i = 0; i < 15; i++) off = step(0);
    expect(off.get(7)).toBeNull();
  });

  it('waits one round trip for a retransmission where NACK is negotiated, up to a cap', () => {
    expect(repairTargetMs(false, 100)).toBe(fecBufferMs);
    expect(repairTargetMs(true, 30)).toBe(fecBufferMs);
    expect(repairTargetMs(true, 100)).toBe(200);
    // 2G (300 ms): Chrome NACKs only what can still play, so the buffer must outlast the round trip.
    expect(repairTargetMs(true, 300)).toBe(400);
    expect(repairTargetMs(true, 840)).toBe(940);
    expect(repairTargetMs(true, 3_000)).toBe(maxRepairBufferMs);
    expect(repairTargetMs(true, undefined)).toBe(fecBufferMs);
    // A second attempt costs another round trip (≥ 100 ms) and a 40 ms tick.
    expect(repairTargetMs(true, 100, 2)).toBe(340);
  });

  it('waits for a second attempt on a 10 % loss link (3G), and drops it once the loss eases', () => {
    const b = new RepairBuffer();
    let received = 0;
    let nacks = 0;
    const step = (nacked: number) => {
      received += 33 - nacked;
      nacks += nacked;
      return b.update([inbound(7, received, 0, nacks)], { rttMs: 100, nack: () => true });
    };
    step(0);
    expect(step(3).get(7)).toBe(340); // ~9 %: one attempt would leave ~1.6 % lost
    let last: number | null | undefined;
    for (let i = 0; i < 5; i++) last = step(1).get(7) ?? last; // ~3 %
    expect(last).toBe(200);
  });

  it('keeps the buffer while NACK repairs the loss (packetsLost stays flat, nackCount grows)', () => {
    const b = new RepairBuffer();
    let received = 0;
    let nacks = 0;
    const step = (lost: number, nacked: number) => {
      received += 33;
      nacks += nacked;
      return b.update([inbound(7, received, lost, nacks)], { rttMs: 300, nack: () => true });
    };
    step(0, 0);
    expect(step(2, 2).get(7)).toBe(400);
    // Every loss now comes back in time: none counted lost, but each was NACKed.
    let changes = new Map<number, number | null>();
    for (let i = 0; i < 20; i++) changes = new Map([...changes, ...step(2, 1)]);
    expect(changes.size).toBe(0);
  });

  it("holds a lossy speaker's voice as deep as the SFU says, whatever this receiver sees", () => {
    const b = new RepairBuffer();
    const speakerMs = (ssrc: number) => (ssrc === 9 ? 940 : undefined);
    const o = { rttMs: 20, nack: () => true, speakerMs };
    // Clean here: the speaker's uplink loss is repaired before it reaches us.
    const on = b.update([inbound(9, 33, 0), inbound(8, 33, 0)], o);
    expect(on.get(9)).toBe(940);
    expect(on.has(8)).toBe(false);
    // Capped like our own need; gone when the SFU no longer names the voice.
    expect(b.update([inbound(9, 66, 0)], { ...o, speakerMs: () => 5_000 }).get(9)).toBe(
      maxRepairBufferMs,
    );
    expect(b.update([inbound(9, 99, 0)], { ...o, speakerMs: () => undefined }).get(9)).toBeNull();
  });
});
