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

  it('waits for one more attempt while a lossy voice still conceals ≥ 1.5 % (3G + 10 %)', () => {
    const b = new RepairBuffer();
    let received = 0;
    let nacks = 0;
    let samples = 0;
    let concealed = 0;
    let silent = 0;
    // 2 s samples: 33 packets, `nacked` of them NACKed, `gapMs` of the 2 s concealed.
    const step = (nacked: number, gapMs: number, silentMs = 0) => {
      received += 33 - nacked;
      nacks += nacked;
      samples += 96_000;
      concealed += (gapMs + silentMs) * 48;
      silent += silentMs * 48;
      const s = { ...inbound(7, received, 0, nacks), totalSamplesReceived: samples };
      return b.update([{ ...s, concealedSamples: concealed, silentConcealedSamples: silent }], {
        rttMs: 100,
        nack: () => true,
      });
    };
    step(0, 0);
    expect(step(3, 40).get(7)).toBe(200); // lossy: one attempt's room first
    // 2 % concealed for 30 s at that depth (after 6 s to grow): room for a second attempt.
    const seen: (number | null | undefined)[] = [];
    for (let i = 0; i < 18; i++) seen.push(step(3, 40).get(7));
    expect(seen.filter((v) => v !== undefined)).toEqual([340]);
    expect(seen.at(-1)).toBe(340);
    // At 0.3 % it stays there; silence concealed (DTX) is not a gap.
    for (let i = 0; i < 40; i++) expect(step(3, 6, 400).size).toBe(0);
  });

  it('does not deepen a lossy voice that conceals < 1.5 %, nor one without NACK', () => {
    for (const nack of [true, false]) {
      const b = new RepairBuffer();
      let received = 0;
      let samples = 0;
      let concealed = 0;
      let lost = 0;
      const targets: (number | null)[] = [];
      for (let i = 0; i < 40; i++) {
        received += 31;
        lost += nack ? 0 : 2;
        samples += 96_000;
        concealed += (nack ? 20 : 80) * 48; // NACK: 1 %; FEC alone: 4 % (no NACK to wait for)
        const s = {
          ...inbound(7, received, lost, nack ? i * 2 : 0),
          totalSamplesReceived: samples,
        };
        const c = b.update([{ ...s, concealedSamples: concealed }], {
          rttMs: 100,
          nack: () => nack,
        });
        if (c.has(7)) targets.push(c.get(7)!);
      }
      expect(targets).toEqual([nack ? 200 : fecBufferMs]);
    }
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
