import { describe, expect, it } from 'vitest';
import { fecBufferMs, RepairBuffer, repairTargetMs } from './repairBuffer';

const inbound = (ssrc: number, received: number, lost: number) => ({
  ...{ id: `in${ssrc}`, type: 'inbound-rtp', kind: 'audio', ssrc },
  ...{ packetsReceived: received, packetsLost: lost },
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

  it('waits for a retransmission only where NACK is negotiated and the round trip is short', () => {
    expect(repairTargetMs(false, 100)).toBe(fecBufferMs);
    expect(repairTargetMs(true, 100)).toBe(200);
    expect(repairTargetMs(true, 300)).toBe(fecBufferMs);
    expect(repairTargetMs(true, undefined)).toBe(fecBufferMs);
  });
});
