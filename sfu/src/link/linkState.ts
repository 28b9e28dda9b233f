/**
 * The link state of one endpoint in one direction, and the hysteresis that
 * moves it. Pure: time comes in with every call, so the unit tests replay
 * whole link histories in microseconds.
 *
 *   good        everything
 *   constrained lower simulcast layers, fewer videos
 *   poor        audio only (video paused both ways)
 *   critical    only the floor holder's audio, Opus 60 ms / ~12 kbit/s
 *
 * Down fast (within 3 s of sustained degradation), up slowly (only after the
 * link has looked better for a hold: 9 s for an endpoint, so video is back within ~15 s of
 * recovery), and the up-hold doubles after a flap (a
 * step down soon after a step up) so a link that cannot carry the better
 * state does not oscillate.
 */
import {
  bySeverity,
  classify,
  defaultThresholds,
  severity,
  type LinkDirection,
  type LinkSample,
  type LinkSource,
  type LinkState,
  type LinkThresholds,
} from './linkSignals';

// States, signals and thresholds live in linkSignals.ts; importers of linkState get them too.
export * from './linkSignals';

/** A level this close to the end of its up-hold is waited for (one report interval and a half). */
const ALMOST_HELD_MS = 2_500;

/** Sources' values of one signal further apart than this: the newer one alone counts. */
const SUPERSEDE_MS = 2_500;

export interface LinkTransition {
  direction: LinkDirection;
  from: LinkState;
  to: LinkState;
  at: number;
  /** The signals that decided it. */
  sample: LinkSample;
}

export interface LinkStateMachineOptions {
  direction: LinkDirection;
  initial: LinkState;
  thresholds?: LinkThresholds;
  /** Sustained degradation before stepping down (ms). */
  downHoldMs?: number;
  /** Sustained improvement before stepping up (ms). */
  upHoldMs?: number;
  /**
   * Until this time an endpoint that started conservatively may step up after
   * `probationHoldMs` instead of `upHoldMs`: the link is being learnt, not
   * recovering. Used once.
   */
  probationUntil?: number;
  probationHoldMs?: number;
  /** A sample older than this no longer counts (ms); three report intervals. */
  staleMs?: number;
  /**
   * Signals that must be fresh in the view for a step up: silence (a client
   * whose reports no longer arrive) is no evidence of a better link.
   */
  upNeeds?: (keyof LinkSample)[];
}

export class LinkStateMachine {
  readonly direction: LinkDirection;
  #state: LinkState;
  readonly #t: LinkThresholds;
  readonly #downHoldMs: number;
  readonly #baseUpHoldMs: number;
  #upHoldMs: number;
  #probationUntil: number;
  readonly #probationHoldMs: number;
  readonly #staleMs: number;
  readonly #upNeeds: (keyof LinkSample)[];
  readonly #latest = new Map<LinkSource, Map<keyof LinkSample, { value: number; at: number }>>();
  /** Since when every evaluation argued for a worse state, and the mildest such state. */
  #worseSince: number | undefined;
  #worseMildest = 0;
  #worseSamples = 0;
  /**
   * Per level L better than the current state: since when every evaluation
   * argued L or better (undefined: not continuously). Per level, because the
   * first signals after a link recovers still describe the bad past (a
   * receiver report covering the last interval): they must delay the level
   * they argue against, not cap the whole recovery.
   */
  #betterSince: (number | undefined)[] = [];
  #lastTransition: { at: number; up: boolean } | undefined;
  #flaps = 0;
  #transitions = 0;

  constructor(opts: LinkStateMachineOptions) {
    this.direction = opts.direction;
    this.#state = opts.initial;
    this.#t = opts.thresholds ?? defaultThresholds[opts.direction];
    this.#downHoldMs = opts.downHoldMs ?? 2_000;
    this.#baseUpHoldMs = opts.upHoldMs ?? 10_000;
    this.#upHoldMs = this.#baseUpHoldMs;
    this.#probationUntil = opts.probationUntil ?? 0;
    this.#probationHoldMs = opts.probationHoldMs ?? 2_500;
    this.#staleMs = opts.staleMs ?? 6_000;
    this.#upNeeds = opts.upNeeds ?? ['rttMs'];
  }

  get state(): LinkState {
    return this.#state;
  }

  /** Step-downs within 30 s of a step-up: the link could not carry what we tried. */
  get flaps(): number {
    return this.#flaps;
  }

  get transitions(): number {
    return this.#transitions;
  }

  /**
   * The combined view of every source's fresh signals. Each field ages on its
   * own: a bandwidth estimate that is no longer reported (mediasoup reports it
   * only while it limits the stream) must not linger while scores keep coming.
   */
  view(now: number): LinkSample {
    const merged: LinkSample = {};
    const fields: (keyof LinkSample)[] = ['availableKbps', 'loss', 'rttMs', 'score'];
    for (const k of fields) {
      const fresh = [...this.#latest.values()]
        .map((f) => f.get(k))
        .filter((f): f is { value: number; at: number } => !!f && now - f.at <= this.#staleMs);
      if (fresh.length === 0) continue;
      // A measurement made well after another source's supersedes it (the
      // SFU's fresh loss after the last report from a link that then died).
      const newest = Math.max(...fresh.map((f) => f.at));
      const values = fresh.filter((f) => newest - f.at <= SUPERSEDE_MS).map((f) => f.value);
      // Each signal: the more pessimistic source wins.
      const worst = k === 'loss' || k === 'rttMs' ? Math.max(...values) : Math.min(...values);
      merged[k] = worst;
    }
    return merged;
  }

  /**
   * Records a sample from one source and re-evaluates. `repeated`: fields of
   * the sample that re-report a measurement already given (they keep the view
   * fresh, but are not new evidence).
   */
  update(
    source: LinkSource,
    sample: LinkSample,
    now: number,
    repeated: readonly (keyof LinkSample)[] = [],
  ): LinkTransition | undefined {
    let fields = this.#latest.get(source);
    if (!fields) this.#latest.set(source, (fields = new Map()));
    const evidence: LinkSample = {};
    for (const [k, v] of Object.entries(sample) as [keyof LinkSample, number | undefined][]) {
      if (v === undefined) continue;
      fields.set(k, { value: v, at: now });
      if (!repeated.includes(k)) evidence[k] = v;
    }
    // A sample is fresh evidence of degradation only if its own new signals
    // argue worse: a loss figure or keyframe dip that lingers in the view
    // while other signals arrive must not count as "sustained" twice.
    return this.#evaluate(now, severity(classify(evidence, this.#t)) > severity(this.#state));
  }

  /** Re-evaluates without a new sample (call about once a second). */
  evaluate(now: number): LinkTransition | undefined {
    return this.#evaluate(now, false);
  }

  #evaluate(now: number, fresh: boolean): LinkTransition | undefined {
    const sample = this.view(now);
    if (Object.keys(sample).length === 0) return undefined;
    const argued = severity(classify(sample, this.#t));
    const current = severity(this.#state);

    if (argued > current) {
      this.#betterSince = [];
      if (this.#worseSince === undefined) {
        this.#worseSince = now;
        this.#worseMildest = argued;
        this.#worseSamples = fresh ? 1 : 0;
      } else {
        this.#worseMildest = Math.min(this.#worseMildest, argued);
        if (fresh) this.#worseSamples++;
      }
      // Two samples at least: one report lingering in the view until the next
      // one (a single RTT spike of a CPU-starved machine) is not "sustained".
      if (now - this.#worseSince >= this.#downHoldMs && this.#worseSamples >= 2) {
        return this.#move(bySeverity(this.#worseMildest), now, sample);
      }
    } else if (argued < current && this.#upNeeds.every((k) => sample[k] !== undefined)) {
      this.#worseSince = undefined;
      for (let level = 0; level < current; level++) {
        this.#betterSince[level] = argued <= level ? (this.#betterSince[level] ?? now) : undefined;
      }
      const probation = now <= this.#probationUntil;
      const hold = probation ? this.#probationHoldMs : this.#upHoldMs;
      const heldFor = (level: number) => now - (this.#betterSince[level] ?? Infinity);
      // The best level the link argued throughout a hold.
      let best = current;
      for (let level = current - 1; level >= 0 && heldFor(level) >= hold; level--) best = level;
      if (best === current) return undefined;
      // Probation jumps to what the link showed. Recovery brings video back
      // (at most `constrained`, lowest layers) after one hold, however deep the
      // fall was; full quality takes another hold.
      const cap = probation ? 0 : Math.min(current - 1, severity('constrained'));
      const to = Math.max(best, cap);
      // A better level argued now may be seconds from its own hold: wait for
      // it (a grace of half a hold, and always while it is due within one
      // report interval) rather than step to a level that only the stale first
      // samples after the recovery argued.
      const wanted = Math.max(argued, cap);
      const wantedDue = heldFor(wanted) >= hold - ALMOST_HELD_MS;
      if (to > wanted && (wantedDue || heldFor(to) < hold * 1.5)) return undefined;
      if (probation) this.#probationUntil = 0;
      // Learning the link is not a recovery: a later fall is not a flap.
      return this.#move(bySeverity(to), now, sample, !probation);
    } else {
      this.#worseSince = undefined;
      this.#betterSince = [];
    }
    return undefined;
  }

  /** A user or policy decision (e.g. forced audio-only ends): jump without hysteresis. */
  force(state: LinkState, now: number): LinkTransition | undefined {
    return this.#move(state, now, this.view(now), false);
  }

  #move(
    to: LinkState,
    now: number,
    sample: LinkSample,
    countFlap = true,
  ): LinkTransition | undefined {
    const from = this.#state;
    this.#worseSince = undefined;
    this.#betterSince = [];
    if (to === from) return undefined;
    const last = this.#lastTransition;
    const down = severity(to) > severity(from);
    // A flap: the better state we just stepped up to did not hold.
    if (countFlap && down && last && last.up && now - last.at < 30_000) {
      this.#flaps++;
      this.#upHoldMs = Math.min(this.#upHoldMs * 2, 120_000);
    }
    if (!down && last && now - last.at >= 120_000) this.#upHoldMs = this.#baseUpHoldMs;
    this.#state = to;
    this.#transitions++;
    const transition: LinkTransition = { direction: this.direction, from, to, at: now, sample };
    this.#lastTransition = { at: now, up: !down && countFlap };
    return transition;
  }
}
