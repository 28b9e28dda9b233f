import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readTrace, replayFalls } from './replayTrace';

/**
 * UplinkFallDetector on real links: packets the SFU traced
 * (LINK_TRACE_DIR=… npm run bench:links -- <scenario>, 2026-12-07, load in
 * each case), replayed with their arrival times. docs/weak-links.md "Audio
 * first on a sudden fall".
 */
const trace = (name: string) => readTrace(path.join(__dirname, 'testdata', `${name}.trace.gz`));

describe('UplinkFallDetector on recorded links', () => {
  it('good → 2G with the camera on: a fall ~0.48 s after the uplink changed, the camera queue first', () => {
    // The tbf changed at worker time ≈45,634,235 (bench upAppliedAt, lined up by the server log); load 6.8.
    const packets = trace('fall-1');
    const falls = replayFalls(packets);
    expect(falls).toHaveLength(1);
    // Seen on the camera packet of 45,634,674 (285 ms queue), confirmed 40 ms later.
    expect(falls[0]!.at).toBeGreaterThan(45_634_235);
    expect(falls[0]!.at).toBeLessThanOrEqual(45_634_714);
    // The microphone alone shows it only on its packet of 45,634,895 (no microphone packet 480 → 757).
    expect(replayFalls(packets, { micOnly: true })[0]!.at).toBeGreaterThan(45_634_895);
  });

  it('good → 2G, second run: the camera shows it 0.29 s before the microphone', () => {
    // Load 6.0; no microphone packet arrived for 514 ms (45,682,405 → 45,682,919).
    const packets = trace('fall-2');
    const falls = replayFalls(packets);
    expect(falls).toHaveLength(1);
    expect(falls[0]!.at).toBeLessThanOrEqual(45_682_627);
    expect(falls[0]!.at).toBeGreaterThanOrEqual(45_682_587);
    expect(replayFalls(packets, { micOnly: true })[0]!.at).toBeGreaterThanOrEqual(45_682_919);
  });

  it.each([
    // 2 min of `busy` (4 busy processes, load 5.8 → 10.2): the commune on a good link and the host on loopback.
    ['busy-commune-good'],
    ['busy-host-loopback'],
    // The host on loopback, camera on, during the first fall run (load 6–7).
    ['host-loopback-1'],
    // 2 min of `starved`: the commune's Chromium held to 30 % of one core, good link (load 6.6 → 4.3).
    ['starved-commune'],
    // 2 min of `vsat` (2,000/500 kbit/s, 600 ms RTT), video on (load 4.2 → 4.8).
    ['vsat-commune'],
    // The 3g-loss10 profile (750/250 kbit/s, 10 % random loss both ways), camera on for 36 s (load 4.8 → 2.2).
    ['3g-loss10-commune'],
  ])('%s: no fall', (name) => {
    expect(replayFalls(trace(name), { quietMs: 0 })).toEqual([]);
  });

  it('the busy machine did look like falls before stalls were told apart', () => {
    // Without the drain check (confirm at once) and with the old microphone rule's
    // thresholds, the same trace gives falls: the test above can fail.
    const old = replayFalls(trace('busy-commune-good'), { quietMs: 0, confirmMs: 0 });
    expect(old.length).toBeGreaterThan(0);
  });
});
