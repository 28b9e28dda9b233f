/**
 * Link states, the signals that describe a link, and where each signal puts a
 * link (thresholds, classify). Pure; the hysteresis that moves a state is
 * LinkStateMachine (linkState.ts).
 */
export const linkStates = ['good', 'constrained', 'poor', 'critical'] as const;
export type LinkState = (typeof linkStates)[number];
export type LinkDirection = 'down' | 'up';

export const severity = (s: LinkState): number => linkStates.indexOf(s);
export const bySeverity = (n: number): LinkState => linkStates[Math.max(0, Math.min(3, n))]!;

/** One observation of a link; every field optional, sources report what they know. */
export interface LinkSample {
  /** Estimated bitrate the link carries in this direction, kbit/s (BWE). */
  availableKbps?: number;
  /** Fraction of packets lost, 0..1. */
  loss?: number;
  rttMs?: number;
  /** mediasoup score of the direction's streams, 0..10. */
  score?: number;
}

export type LinkSource = 'server' | 'client';

/** Where one direction's link stops being good enough for a state. */
export interface LinkThresholds {
  /** availableKbps below these → constrained / poor / critical. */
  kbps: [constrained: number, poor: number, critical: number];
  loss: [constrained: number, poor: number, critical: number];
  rttMs: [constrained: number, poor: number, critical: number];
  /**
   * A score at or below these → constrained / poor / critical. mediasoup scores
   * lag the link by seconds (they average past intervals), so only a score of
   * 0 (nothing arrives) reads as critical.
   */
  score: [constrained: number, poor: number, critical: number];
}

/**
 * Video needs ~120 kbit/s at its lowest simulcast layer plus audio; audio-only
 * needs ~22 kbit/s per speaker on the wire (12 kbit/s Opus, 60 ms packets):
 * a downlink under ~50 can carry only the floor holder. Estimates (mediasoup's
 * and Chrome's) start near 300 kbit/s and ramp, so the good/constrained line
 * sits below that start; RTT separates the mobile generations independently
 * of load (3G ~100 ms, 2G ~300, EDGE ~800) and past ~1.6 s the queue overflows.
 */
export const defaultThresholds: Record<LinkDirection, LinkThresholds> = {
  down: {
    // mediasoup's estimate reads low whenever the SFU has little to send
    // (application-limited), so on the downlink it only decides `critical`:
    // congestion shows up sooner and more surely as queueing delay (RTT).
    kbps: [0, 0, 48],
    loss: [0.05, 0.15, 0.3],
    rttMs: [80, 250, 1_600],
    score: [6, 3, 0],
  },
  up: {
    // Chrome's estimate is not reported during the camera's first 4 s (its
    // start value and ramp, see the client's estimateSettleMs), and never
    // decides `critical`: it read 30 kbit/s on 2G and GPRS alike. Below 80 it
    // is the quickest sign of an uplink flooded by video (2G: 2 s before the
    // RTT of the delayed reports shows it).
    kbps: [200, 80, 0],
    loss: [0.05, 0.15, 0.3],
    rttMs: [80, 250, 1_600],
    // The microphone's score averages 24 sender-report intervals of ~5 s: it
    // lags a recovered link by a minute. Only 0 (nothing arrives) counts; the
    // SFU measures fresh uplink loss itself (EndpointLink).
    score: [-1, -1, 0],
  },
};

/** The state one sample argues for (the worst of its signals). */
export function classify(sample: LinkSample, t: LinkThresholds): LinkState {
  let level = 0;
  const worse = (n: number) => (level = Math.max(level, n));
  const below = (v: number | undefined, limits: number[], inclusive = false) => {
    if (v === undefined || Number.isNaN(v)) return;
    limits.forEach((limit, i) => {
      if (inclusive ? v <= limit : v < limit) worse(i + 1);
    });
  };
  const above = (v: number | undefined, limits: number[]) => {
    if (v === undefined || Number.isNaN(v)) return;
    limits.forEach((limit, i) => {
      if (v > limit) worse(i + 1);
    });
  };
  below(sample.availableKbps, t.kbps);
  above(sample.loss, t.loss);
  above(sample.rttMs, t.rttMs);
  below(sample.score, t.score, true);
  return bySeverity(level);
}
