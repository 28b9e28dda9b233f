import type { StatsEntry } from './linkStats';

/**
 * Audio first on a sudden fall: decides in the browser, within about one
 * RTCP report, that the uplink no longer carries the camera — before the
 * server's hysteresis (2 s of fresh samples) and before a report can cross the
 * flooded uplink. Pure: the controller feeds it the send transport's stats.
 *
 * The signals are the SFU's receiver reports for our streams (every ~1 s while
 * the camera runs): the round trip they measure crosses our uplink's queue, and
 * their loss is our uplink's. A fall floods the queue and drops packets at once:
 * on good → 2G the round trip jumped by ~500 ms and most packets were lost in the
 * same report. Random loss raises no queue, and a starved browser or server
 * delays a report but loses nothing, so one signal alone must repeat:
 *   - a round trip above the last 30 s's lowest by ≥ `queueMs`, with the
 *     microphone losing ≥ `lossWithQueue` in the same report; or
 *   - such a round trip in two reports running.
 */
export interface FallGuardOptions {
  queueMs?: number;
  lossWithQueue?: number;
}

const BASELINE_MS = 30_000;

export class FallGuard {
  readonly #queueMs: number;
  readonly #lossWithQueue: number;
  #rtts: { at: number; rttMs: number }[] = [];
  #seen = new Map<string, number>();
  #highInARow = 0;

  constructor(o: FallGuardOptions = {}) {
    this.#queueMs = o.queueMs ?? 250;
    this.#lossWithQueue = o.lossWithQueue ?? 0.1;
  }

  /** Forget the baseline (the camera stops: a later start is a new link). */
  reset(): void {
    this.#rtts = [];
    this.#highInARow = 0;
  }

  /**
   * The send transport's stats now; true when the uplink just fell. Only
   * receiver reports not seen before count (a report stays in getStats()).
   */
  observe(entries: StatsEntry[], now: number): boolean {
    const fresh = entries.filter((s) => {
      if (s.type !== 'remote-inbound-rtp') return false;
      const n = s.roundTripTimeMeasurements ?? s.reportsReceived;
      if (n === undefined || this.#seen.get(s.id) === n) return false;
      this.#seen.set(s.id, n);
      return true;
    });
    const rtts = fresh
      .map((s) => s.roundTripTime)
      .filter((v): v is number => v !== undefined)
      .map((v) => v * 1000);
    if (rtts.length === 0) return false;
    const rttMs = Math.max(...rtts);
    const micLoss = Math.max(
      0,
      ...fresh.filter((s) => s.kind === 'audio').map((s) => s.fractionLost ?? 0),
    );
    this.#rtts = this.#rtts.filter((r) => now - r.at <= BASELINE_MS);
    const base = this.#rtts.length ? Math.min(...this.#rtts.map((r) => r.rttMs)) : undefined;
    this.#rtts.push({ at: now, rttMs });
    if (base === undefined) return false;
    const queued = rttMs - base >= this.#queueMs;
    this.#highInARow = queued ? this.#highInARow + 1 : 0;
    return queued && (micLoss >= this.#lossWithQueue || this.#highInARow >= 2);
  }
}
