import { describe, expect, it } from 'vitest';
import {
  classify,
  defaultThresholds,
  LinkStateMachine,
  type LinkSample,
  type LinkTransition,
} from './linkState';

const good: LinkSample = { availableKbps: 2_000, loss: 0, rttMs: 20, score: 10 };
const threeG: LinkSample = { availableKbps: 500, loss: 0.01, rttMs: 110 };
const twoG: LinkSample = { availableKbps: 120, loss: 0.02, rttMs: 320 };
const gprs: LinkSample = { availableKbps: 40, loss: 0.35, rttMs: 1_800 };

/** Feeds one sample per second from `from` to `to` (ms) and returns the transitions. */
function feed(m: LinkStateMachine, sample: LinkSample, from: number, to: number): LinkTransition[] {
  const out: LinkTransition[] = [];
  for (let t = from; t <= to; t += 1_000) {
    const tr = m.update('server', sample, t);
    if (tr) out.push(tr);
  }
  return out;
}

describe('classify', () => {
  const t = defaultThresholds.down;
  it('maps mobile generations to states', () => {
    expect(classify(good, t)).toBe('good');
    expect(classify(threeG, t)).toBe('constrained');
    expect(classify(twoG, t)).toBe('poor');
    expect(classify(gprs, t)).toBe('critical');
  });
  it('takes the worst signal', () => {
    expect(classify({ ...good, loss: 0.2 }, t)).toBe('poor');
    expect(classify({ ...good, score: 3 }, t)).toBe('poor');
    expect(classify({ ...good, score: 1 }, t)).toBe('poor');
    expect(classify({ ...good, score: 0 }, t)).toBe('critical');
    expect(classify({ ...good, availableKbps: 40 }, t)).toBe('critical');
    expect(classify({ rttMs: 900 }, t)).toBe('poor');
  });
});

describe('LinkStateMachine', () => {
  it('steps down within 3 s of sustained degradation', () => {
    const m = new LinkStateMachine({ direction: 'down', initial: 'good' });
    feed(m, good, 0, 10_000);
    const tr = feed(m, twoG, 11_000, 20_000);
    expect(tr).toHaveLength(1);
    expect(tr[0]).toMatchObject({ from: 'good', to: 'poor' });
    expect(tr[0]!.at - 11_000).toBeLessThanOrEqual(3_000);
  });

  it('needs two samples: one report that lingers until the next is not sustained', () => {
    const m = new LinkStateMachine({ direction: 'down', initial: 'good' });
    m.update('client', good, 0);
    m.update('client', twoG, 1_000);
    for (let t = 2_000; t <= 3_900; t += 100) expect(m.evaluate(t)).toBeUndefined();
    expect(m.update('client', twoG, 4_000)?.to).toBe('poor');
  });

  it('counts one measurement once: the same STUN round trip re-reported is not sustained', () => {
    // A busy machine delays one STUN answer; getStats() keeps its RTT until the next (~5 s).
    const m = new LinkStateMachine({ direction: 'down', initial: 'good' });
    m.update('client', { rttMs: 5 }, 0);
    m.update('client', { rttMs: 126 }, 2_000);
    expect(m.update('client', { rttMs: 126 }, 4_000, ['rttMs'])).toBeUndefined();
    expect(m.update('client', { rttMs: 126 }, 6_000, ['rttMs'])).toBeUndefined();
    expect(m.state).toBe('good');
    // Two measurements that both argue worse, 2 s apart, still step down at once.
    expect(m.update('client', { rttMs: 130 }, 8_000)?.to).toBe('constrained');
  });

  it('ignores a short spike', () => {
    const m = new LinkStateMachine({ direction: 'down', initial: 'good' });
    feed(m, good, 0, 5_000);
    expect(feed(m, gprs, 6_000, 7_000)).toEqual([]);
    expect(feed(m, good, 8_000, 60_000)).toEqual([]);
    expect(m.state).toBe('good');
  });

  it('steps down to the mildest state the degradation sustained', () => {
    const m = new LinkStateMachine({ direction: 'down', initial: 'good' });
    const tr: LinkTransition[] = [];
    for (let t = 0; t <= 4_000; t += 500) {
      const x = m.update('server', t % 1_000 === 0 ? gprs : twoG, t);
      if (x) tr.push(x);
    }
    expect(tr.map((x) => x.to)).toEqual(['poor']);
  });

  it('steps up only after 10 s better, one step at a time', () => {
    const m = new LinkStateMachine({ direction: 'down', initial: 'poor' });
    const tr = feed(m, good, 0, 40_000);
    expect(tr.map((x) => [x.to, x.at])).toEqual([
      ['constrained', 10_000],
      ['good', 21_000],
    ]);
    expect(m.flaps).toBe(0);
  });

  it('brings video back after one hold even from critical', () => {
    const m = new LinkStateMachine({ direction: 'down', initial: 'critical' });
    expect(feed(m, good, 0, 25_000).map((x) => [x.to, x.at])).toEqual([
      ['constrained', 10_000],
      ['good', 21_000],
    ]);
    const n = new LinkStateMachine({ direction: 'down', initial: 'critical' });
    // A link that only carries audio climbs to poor, no further.
    expect(feed(n, twoG, 0, 25_000).map((x) => x.to)).toEqual(['poor']);
  });

  it('restarts the up-hold on any bad sample', () => {
    const m = new LinkStateMachine({ direction: 'down', initial: 'poor' });
    expect(feed(m, good, 0, 9_000)).toEqual([]);
    m.update('server', twoG, 9_500);
    expect(feed(m, good, 10_000, 19_000)).toEqual([]);
    expect(feed(m, good, 20_000, 20_000).map((x) => x.to)).toEqual(['constrained']);
  });

  it('learns a good link quickly while on probation, once', () => {
    const m = new LinkStateMachine({ direction: 'up', initial: 'poor', probationUntil: 8_000 });
    const tr = feed(m, good, 0, 5_000);
    expect(tr.map((x) => [x.to, x.at])).toEqual([['good', 3_000]]);
    // Probation is spent: the next recovery takes the normal 10 s, and the
    // fall after learning the link is not a flap.
    feed(m, twoG, 6_000, 10_000);
    expect(m.state).toBe('poor');
    expect(m.flaps).toBe(0);
    expect(feed(m, good, 11_000, 19_000)).toEqual([]);
  });

  it('stays put on probation when the link is weak', () => {
    const m = new LinkStateMachine({ direction: 'up', initial: 'poor', probationUntil: 8_000 });
    expect(feed(m, twoG, 0, 20_000)).toEqual([]);
    expect(m.state).toBe('poor');
  });

  it('counts a flap and waits longer before the next attempt', () => {
    const m = new LinkStateMachine({ direction: 'down', initial: 'poor' });
    // The link looks fine while audio-only, but cannot carry video.
    expect(feed(m, threeG, 0, 15_000).map((x) => x.to)).toEqual(['constrained']);
    expect(feed(m, twoG, 16_000, 20_000).map((x) => x.to)).toEqual(['poor']);
    expect(m.flaps).toBe(1);
    // The up-hold is now 20 s, not 10 s.
    expect(feed(m, threeG, 21_000, 40_000)).toEqual([]);
    expect(feed(m, threeG, 41_000, 46_000).map((x) => x.to)).toEqual(['constrained']);
  });

  it('does not count a recovery after a real outage as a flap', () => {
    const m = new LinkStateMachine({ direction: 'down', initial: 'good' });
    feed(m, good, 0, 5_000);
    feed(m, twoG, 6_000, 20_000);
    feed(m, good, 21_000, 60_000);
    expect(m.state).toBe('good');
    expect(m.transitions).toBe(3);
    expect(m.flaps).toBe(0);
  });

  it('merges sources pessimistically and forgets stale samples', () => {
    const m = new LinkStateMachine({ direction: 'up', initial: 'good', staleMs: 5_000 });
    m.update('server', { score: 10 }, 0);
    m.update('client', { availableKbps: 100, rttMs: 300 }, 0);
    expect(m.view(0)).toEqual({ score: 10, availableKbps: 100, rttMs: 300 });
    m.update('client', { availableKbps: 100, rttMs: 300 }, 1_000);
    expect(m.evaluate(2_000)?.to).toBe('poor');
    // The client stopped reporting: only the server's view is left.
    m.update('server', { score: 10 }, 6_500);
    expect(m.view(6_500)).toEqual({ score: 10 });
  });

  it('keeps the fields a source did not repeat, each until it is stale', () => {
    const m = new LinkStateMachine({ direction: 'down', initial: 'good', staleMs: 5_000 });
    m.update('server', { availableKbps: 100 }, 0);
    m.update('server', { score: 9 }, 500);
    expect(m.view(500)).toEqual({ availableKbps: 100, score: 9 });
    // Scores keep coming, the estimate stopped: it ages out on its own.
    m.update('server', { score: 10 }, 6_000);
    expect(m.view(6_000)).toEqual({ score: 10 });
  });

  it('counts a lingering signal once: a loss burst repeated by other reports is not sustained', () => {
    const m = new LinkStateMachine({ direction: 'up', initial: 'good' });
    m.update('client', { rttMs: 20, loss: 0 }, 0);
    // One receiver report shows a burst (the camera's first keyframe)…
    m.update('server', { loss: 0.4 }, 1_000);
    // …and stays in the view while fresh, good RTT samples keep coming.
    for (let t = 1_500; t <= 6_500; t += 1_000) {
      expect(m.update('client', { rttMs: 20 }, t)).toBeUndefined();
    }
    expect(m.state).toBe('good');
    // A second measurement of that loss: now it is sustained.
    expect(m.update('server', { loss: 0.4 }, 7_000)?.to).toBe('critical');
  });

  it('recovers to video although the first report after recovery still shows the old loss', () => {
    const m = new LinkStateMachine({ direction: 'up', initial: 'critical' });
    // The first report after a GPRS link turns good: the RTT is fresh, the
    // receiver report's loss describes the GPRS interval before.
    m.update('client', { rttMs: 20, loss: 0.25 }, 0);
    const tr = feed(m, { rttMs: 20, loss: 0 }, 1_000, 15_000);
    // The SFU's own loss samples supersede the stale figure once they are
    // 2.5 s newer (from 3 s): not `poor` at 10 s, but video after 3 + 10 s.
    expect(tr.map((x) => [x.to, x.at])).toEqual([['constrained', 13_000]]);
  });

  it('waits for video when it is due within a report rather than stepping to audio-only', () => {
    const m = new LinkStateMachine({ direction: 'up', initial: 'critical', upHoldMs: 9_000 });
    const tr: LinkTransition[] = [];
    const push = (x: LinkTransition | undefined) => x && tr.push(x);
    // GPRS recovered at 0: the queue still drains (RTT 289 ms: poor), then the
    // SFU's last loss window from before the recovery (27 %: poor) at 3 s.
    for (let t = 0; t <= 20_000; t += 500) {
      if (t % 2_000 === 0) push(m.update('client', { rttMs: t === 0 ? 289 : 20 }, t));
      if (t % 2_000 === 1_000) push(m.update('server', { loss: t === 3_000 ? 0.27 : 0 }, t));
      push(m.evaluate(t));
    }
    // Poor has held 13.5 s at 13.5 s, video (since 5 s) is due at 14 s: wait for it.
    expect(tr.map((x) => [x.to, x.at])).toEqual([['constrained', 14_000]]);
  });

  it('steps up only on fresh evidence: silence (no RTT) is not a better link', () => {
    const m = new LinkStateMachine({ direction: 'down', initial: 'critical' });
    m.update('client', { rttMs: 2_000 }, 0);
    // The client's reports stop; only a healthy audio consumer score remains.
    expect(feed(m, { score: 10 }, 1_000, 40_000)).toEqual([]);
    expect(m.state).toBe('critical');
    // Reports arrive again, with a good RTT: one hold brings video back.
    expect(feed(m, good, 41_000, 52_000).map((x) => [x.to, x.at])).toEqual([
      ['constrained', 51_000],
    ]);
  });

  it("never takes Chrome's uplink estimate for critical, nor the mic score unless 0", () => {
    const t = defaultThresholds.up;
    expect(classify({ availableKbps: 150, rttMs: 20 }, t)).toBe('constrained');
    expect(classify({ availableKbps: 60, rttMs: 100 }, t)).toBe('poor');
    // 2G and GPRS both read ~30 kbit/s: the estimate cannot tell them apart.
    expect(classify({ availableKbps: 10, rttMs: 20 }, t)).toBe('poor');
    // The microphone's lagging score: only 0 (nothing arrives) counts.
    expect(classify({ score: 3, rttMs: 20 }, t)).toBe('good');
    expect(classify({ score: 0 }, t)).toBe('critical');
    // A flooded uplink shows as queueing delay and loss.
    expect(classify({ availableKbps: 60, rttMs: 900 }, t)).toBe('poor');
    expect(classify({ loss: 0.35 }, t)).toBe('critical');
  });

  it('jumps without hysteresis when forced', () => {
    const m = new LinkStateMachine({ direction: 'down', initial: 'good' });
    expect(m.force('poor', 0)).toMatchObject({ from: 'good', to: 'poor' });
    expect(m.force('poor', 1)).toBeUndefined();
  });
});
