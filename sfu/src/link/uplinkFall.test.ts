import { describe, expect, it } from 'vitest';
import { UplinkFallDetector } from './uplinkFall';

/** 60 ms Opus packets at 48 kHz: packet i is captured at i·60 ms. */
const PTIME = 60;
const pkt = (i: number, delayMs: number) => ({
  sequenceNumber: (65_530 + i) % 65_536,
  timestamp: ((4_294_960_000 + i * PTIME * 48) % 2 ** 32) >>> 0,
  arrivalMs: 1_000_000 + i * PTIME + delayMs,
});

/**
 * Feeds packets from..to with a delay per packet and a loss rule; the first
 * index whose packet showed a fall that was then confirmed (by a later packet,
 * or by ServerSignals' timer `confirmMs` after it when none came first).
 */
function run(
  d: UplinkFallDetector,
  from: number,
  to: number,
  delay: (i: number) => number,
  lost: (i: number) => boolean = () => false,
): number | undefined {
  let fell: number | undefined;
  let seen: { i: number; at: number } | undefined;
  for (let i = from; i < to; i++) {
    if (lost(i)) continue;
    const p = pkt(i, delay(i));
    if (seen && p.arrivalMs >= seen.at + d.confirmMs && d.confirm()) fell ??= seen.i;
    if (d.packet(p)) fell ??= seen?.i;
    seen = d.pending ? (seen ?? { i, at: p.arrivalMs }) : undefined;
  }
  if (seen && d.confirm()) fell ??= seen.i;
  return fell;
}

describe('UplinkFallDetector', () => {
  it('a queue filling with microphone packets lost is a fall, within a few packets', () => {
    const d = new UplinkFallDetector();
    expect(run(d, 0, 100, () => 20 + Math.random() * 10)).toBeUndefined();
    // The link falls at packet 100: the queue grows ~120 ms a packet up to 500 ms, then tail-drops.
    const fell = run(
      d,
      100,
      200,
      (i) => 20 + Math.min(500, (i - 99) * 120),
      (i) => i >= 104 && i % 2 === 0,
    );
    expect(fell).toBeDefined();
    expect((fell! - 100) * PTIME).toBeLessThanOrEqual(600);
    expect(d.queueMs).toBeGreaterThan(400);
  });

  it('a microphone queue growing packet after packet is a fall before it drops anything', () => {
    const d = new UplinkFallDetector();
    run(d, 0, 100, () => 150 + Math.random() * 20);
    // Measured on good → 2G (camera ~90 kbit/s): 163, 150, 143, then 288, 531, 830, 996 ms.
    const delays = [163, 150, 143, 288, 531, 830, 996];
    const fell = run(d, 100, 107, (i) => delays[i - 100]!);
    expect(fell).toBe(104); // at 531 ms: two packets after the queue started
  });

  it('random loss without a queue is no fall (3G + 10 %)', () => {
    const d = new UplinkFallDetector();
    let seed = 7;
    const rnd = () => (seed = (seed * 16_807) % 2_147_483_647) / 2_147_483_647;
    expect(
      run(
        d,
        0,
        2_000,
        () => 50 + rnd() * 40,
        () => rnd() < 0.1,
      ),
    ).toBeUndefined();
  });

  it('a starved browser sending in late bursts loses nothing: no fall', () => {
    const d = new UplinkFallDetector();
    run(d, 0, 100, () => 20);
    // Every packet of a 600 ms stall arrives at once, then on time again.
    expect(run(d, 100, 400, (i) => (i % 20 < 10 ? 20 + (10 - (i % 20)) * 60 : 20))).toBeUndefined();
  });

  it('a queue that rose then drains faster than time passes was a stalled sender: no fall', () => {
    const d = new UplinkFallDetector();
    run(d, 0, 100, () => 20);
    // Two packets 150 ms and 300 ms late, then the rest of the stall in a burst:
    // packet 104 arrives 10 ms after 103 with 70 ms less queue.
    const late = [20, 20, 170, 320, 250, 200, 140, 80, 20];
    expect(run(d, 100, 109, (i) => late[i - 100]!)).toBeUndefined();
    expect(d.stalls).toBe(1);
    // The same rise with nothing to deny it is a fall.
    run(d, 109, 200, () => 20);
    expect(run(d, 200, 205, (i) => [20, 20, 170, 320, 470][i - 200]!)).toBe(203);
  });

  it('a satellite link delay is the floor, not a queue; its own fall still shows', () => {
    const d = new UplinkFallDetector();
    expect(
      run(
        d,
        0,
        300,
        () => 300 + Math.random() * 30,
        (i) => i % 40 === 0,
      ),
    ).toBeUndefined();
    expect(
      run(
        d,
        300,
        320,
        (i) => 300 + Math.min(500, (i - 299) * 100),
        (i) => i % 3 === 0,
      ),
    ).toBeDefined();
  });

  it('one report of a fall, then quiet while the browser holds its camera', () => {
    const d = new UplinkFallDetector(48_000, { quietMs: 15_000 });
    run(d, 0, 100, () => 20);
    const lossy = (i: number) => i % 3 === 0;
    // Packets 102 and 105 lost: the fall shows on the next packet (about 0.4 s in).
    expect(run(d, 100, 120, () => 520, lossy)).toBe(106);
    expect(run(d, 120, 300, () => 520, lossy)).toBeUndefined(); // 10.8 s later: still quiet
    expect(run(d, 300, 400, () => 520, lossy)).toBeDefined();
  });

  it('gives no verdict before it knows the link (first packets)', () => {
    const d = new UplinkFallDetector();
    expect(
      run(
        d,
        0,
        15,
        (i) => 20 + i * 100,
        (i) => i % 2 === 0,
      ),
    ).toBeUndefined();
  });
});
