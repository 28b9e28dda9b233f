import { describe, expect, it } from 'vitest';
import {
  ATTEMPTS_WINDOW_MS,
  LossRepair,
  maxSpeakerRepairMs,
  repairAttempts,
  repairWaitMs,
  speakerRepairMs,
} from './lossRepair';

describe('LossRepair', () => {
  it('turns repair on for steady random loss and off once the link is clean', () => {
    const r = new LossRepair();
    r.rtt(300, 0);
    expect(r.wanted(0)).toBe(false);
    // 5 % loss, a sample every 2 s, at a steady 300 ms round trip.
    for (let t = 0; t <= 10_000; t += 2_000) {
      r.loss(0.05, t);
      r.rtt(305, t);
    }
    expect(r.wanted(10_000)).toBe(true);
    // A clean window (20 s) of samples: off again.
    for (let t = 12_000; t <= 40_000; t += 2_000) r.loss(0, t);
    expect(r.wanted(40_000)).toBe(false);
  });

  it('one lossy sample is not a lossy link', () => {
    const r = new LossRepair();
    r.loss(0.2 - 0.01, 0);
    expect(r.wanted(0)).toBe(false);
  });

  it('keeps lean mode while the loss comes with a queue (congestion)', () => {
    const r = new LossRepair();
    r.rtt(300, 0);
    for (let t = 0; t <= 10_000; t += 2_000) {
      r.loss(0.08, t);
      r.rtt(300 + 400, t); // the uplink's queue fills: the round trip grows
    }
    expect(r.congested(10_000)).toBe(true);
    expect(r.wanted(10_000)).toBe(false);
    // The queue drains; 10 s later the loss (now random) may be repaired.
    for (let t = 12_000; t <= 24_000; t += 2_000) {
      r.loss(0.05, t);
      r.rtt(300, t);
    }
    expect(r.wanted(24_000)).toBe(true);
  });

  it('heavy loss is congestion, not a radio link', () => {
    const r = new LossRepair();
    r.loss(0.4, 0);
    r.loss(0.4, 2_000);
    expect(r.congested(2_000)).toBe(true);
    expect(r.wanted(2_000)).toBe(false);
  });
});

describe('LossRepair on a busy machine', () => {
  it('one late round trip (a starved browser or server) does not turn repair off', () => {
    const r = new LossRepair();
    for (let t = 0; t <= 10_000; t += 2_000) {
      r.loss(0.05, t);
      r.rtt(t === 6_000 ? 900 : 300, t);
    }
    expect(r.congested(10_000)).toBe(false);
    expect(r.wanted(10_000)).toBe(true);
  });

  it("sizes a lossy speaker's listeners' buffers by its round trip, steadily and capped", () => {
    expect(speakerRepairMs(300)).toBe(400); // 2G
    expect(speakerRepairMs(100)).toBe(200); // 3G
    expect(speakerRepairMs(840)).toBe(950); // EDGE, rounded up to 50 ms
    expect(speakerRepairMs(2_000)).toBe(maxSpeakerRepairMs);
    // A round trip that wobbles by less than 100 ms keeps the value (no meeting-wide notices).
    expect(speakerRepairMs(340, 400)).toBe(400);
    expect(speakerRepairMs(420, 400)).toBe(550);
  });

  it('waits for a second NACK attempt where one would leave more than 1 % of the voice lost', () => {
    expect(repairAttempts(0)).toBe(1);
    expect(repairAttempts(0.05)).toBe(1); // 2G + 5 %: one attempt leaves ~0.5 %
    expect(repairAttempts(0.1)).toBe(2); // 3G + 10 %: one leaves ~2 %, two ~0.4 %
    expect(repairAttempts(0.15)).toBe(3);
    expect(repairAttempts(0.5)).toBe(3); // capped (heavier loss is congestion anyway)
    // Falls back only once the loss is well under the boundary (~7 %).
    expect(repairAttempts(0.065, 2)).toBe(2);
    expect(repairAttempts(0.045, 2)).toBe(1);
    // The second attempt costs a round trip (at least mediasoup's 100 ms) and a 40 ms tick.
    expect(repairWaitMs(100, 1)).toBe(200);
    expect(repairWaitMs(100, 2)).toBe(340);
    expect(repairWaitMs(50, 2)).toBe(290);
    expect(speakerRepairMs(100, 0, 2)).toBe(350); // 3G + 10 %
    expect(speakerRepairMs(840, 0, 2)).toBe(maxSpeakerRepairMs);
    expect(new LossRepair().meanLoss(0)).toBe(0);
  });

  it('sizes the attempts over a minute: a 20 s stretch of 9 % in 5 % loss keeps one', () => {
    const r = new LossRepair();
    for (let t = 0; t <= 60_000; t += 2_000) r.loss(t > 40_000 ? 0.09 : 0.05, t);
    expect(r.meanLoss(60_000)).toBeCloseTo(0.09);
    expect(repairAttempts(r.meanLoss(60_000, ATTEMPTS_WINDOW_MS))).toBe(1);
    expect(repairAttempts(r.meanLoss(60_000))).toBe(2);
  });
});
