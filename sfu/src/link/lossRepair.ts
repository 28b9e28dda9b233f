/**
 * Whether an endpoint's voice loses packets at random (worth repairing with
 * Opus in-band FEC) or because a link on its way is congested (then the
 * lean 12 kbit/s mode stays: more bits would deepen the queue that drops them).
 * Pure: time comes in with every call.
 *
 * Loss comes from the SFU's count on the microphone (UplinkLossMeter) and from
 * the fraction lost in the receiver reports the browser gets for its stream,
 * into which mediasoup puts the worst loss among the stream's receivers
 * (`useinbandfec=1`): the same figure Chrome's Opus encoder sets its expected
 * packet loss from. Congestion shows as a queue: the round trip rises above the
 * lowest one seen in the last minute, or loss is heavier than a radio link's.
 */
export interface LossRepairOptions {
  /** Mean loss over the window from which repair is on, and below which it goes off again. */
  onLoss?: number;
  offLoss?: number;
  windowMs?: number;
  /** Round trip above the last minute's lowest by more than this: a queue, i.e. congestion. */
  queueMs?: number;
  /** Loss at least this heavy is congestion (random radio loss stays well under it). */
  heavyLoss?: number;
  /** How long a sign of congestion keeps repair off. */
  congestionHoldMs?: number;
}

const MIN_RTT_WINDOW_MS = 60_000;
/**
 * The window the NACK attempts are sized over (repairAttempts), and so how long loss
 * samples are kept: a 20 s mean of 5 % loss reads ≥ 7 % too often.
 */
export const ATTEMPTS_WINDOW_MS = 60_000;

export class LossRepair {
  readonly #o: Required<LossRepairOptions>;
  #samples: { at: number; loss: number }[] = [];
  #rtts: { at: number; rtt: number }[] = [];
  #congestedUntil = -Infinity;
  #on = false;
  #queuedInARow = 0;

  constructor(o: LossRepairOptions = {}) {
    this.#o = {
      onLoss: o.onLoss ?? 0.01,
      offLoss: o.offLoss ?? 0.004,
      windowMs: o.windowMs ?? 20_000,
      queueMs: o.queueMs ?? 150,
      heavyLoss: o.heavyLoss ?? 0.2,
      congestionHoldMs: o.congestionHoldMs ?? 10_000,
    };
  }

  /** A loss fraction (0..1) measured now on the endpoint's voice path. */
  loss(loss: number, now: number): void {
    this.#samples.push({ at: now, loss });
    if (loss >= this.#o.heavyLoss) this.#congested(now);
  }

  /** A round trip measured now. */
  rtt(rttMs: number, now: number): void {
    this.#rtts = this.#rtts.filter((r) => now - r.at <= MIN_RTT_WINDOW_MS);
    this.#rtts.push({ at: now, rtt: rttMs });
    const min = Math.min(...this.#rtts.map((r) => r.rtt));
    // Two in a row: one late report (a busy browser or server) is not a queue.
    this.#queuedInARow = rttMs - min > this.#o.queueMs ? this.#queuedInARow + 1 : 0;
    if (this.#queuedInARow >= 2) this.#congested(now);
  }

  congested(now: number): boolean {
    return now < this.#congestedUntil;
  }

  /**
   * Mean loss over the last `overMs` (default: the on/off window; at most a minute is
   * kept), 0 when nothing was measured.
   */
  meanLoss(now: number, overMs = this.#o.windowMs): number {
    this.#samples = this.#samples.filter(
      (s) => now - s.at <= Math.max(ATTEMPTS_WINDOW_MS, this.#o.windowMs),
    );
    const xs = this.#samples.filter((s) => now - s.at <= overMs);
    return xs.length ? xs.reduce((a, s) => a + s.loss, 0) / xs.length : 0;
  }

  /** Random loss worth repairing, on a link that is not congested. */
  wanted(now: number): boolean {
    const mean = this.meanLoss(now);
    const n = this.#samples.filter((s) => now - s.at <= this.#o.windowMs).length;
    if (!this.#on && n >= 2 && mean >= this.#o.onLoss) this.#on = true;
    else if (this.#on && mean < this.#o.offLoss) this.#on = false;
    return this.#on && !this.congested(now);
  }

  #congested(now: number): void {
    this.#congestedUntil = Math.max(this.#congestedUntil, now + this.#o.congestionHoldMs);
  }
}

/**
 * The most a listener's jitter buffer is deepened for repair, its own or a speaker's
 * (ms): covers EDGE's 840 ms round trip; beyond it a meeting bears the gaps rather than
 * more than a second of delay. The browser's RepairBuffer caps with it too.
 */
export const maxSpeakerRepairMs = 1_000;

/** Share of the voice left lost after repair that the number of NACK attempts aims under. */
export const residualLossTarget = 0.01;
/** At most this many attempts are waited for (heavier loss is congestion, LossRepair). */
export const maxRepairAttempts = 3;

/**
 * How many NACK attempts a listener's jitter buffer should wait for on a path that
 * loses `loss` (0..1) of its packets at random. One attempt fails when the NACK or the
 * resent packet is lost (≈ 2·loss), so after k attempts ≈ loss·(2·loss)^k of the voice
 * is still missing: one attempt leaves 0.5 % at 5 % loss but 2 % at 10 % (3G + 10 %:
 * 1.1–3.9 % concealed up in bench:voice with one attempt waited for, issue 13). The
 * fewest attempts that leave ≤ `residualLossTarget` (one up to ~7 % loss, two up to
 * ~13 %): each further attempt costs the voice a round trip more of delay, so 2G's 5 %
 * keeps one. A count only falls back once the
 * loss is 30 % under what the higher one was needed for (`previous`), so a loss
 * wobbling on a boundary does not move the listeners' buffers every few seconds.
 */
export function repairAttempts(loss: number, previous = 1): number {
  const needed = (p: number) => {
    let k = 1;
    while (k < maxRepairAttempts && p * (2 * p) ** k > residualLossTarget) k++;
    return k;
  };
  const k = needed(Math.max(0, loss));
  return k < previous ? Math.max(k, Math.min(previous, needed(loss * 1.4))) : k;
}

/**
 * How long a lost packet's repair takes after the packet was due, for `attempts` NACKs
 * over a round trip of `rttMs`: the gap shows with the next 60 ms packet, the NACK and
 * the resent packet take a round trip, then the packet still crosses to the listener
 * (40 ms of jitter margin). A NACK is repeated once no answer came within the round trip
 * (mediasoup's NackGenerator: max(RTT, 100 ms), checked every 40 ms; Chrome's NetEq: its RTT).
 */
export function repairWaitMs(rttMs: number, attempts = 1): number {
  return 60 + rttMs + 40 + (Math.max(1, attempts) - 1) * (Math.max(rttMs, 100) + 40);
}

/**
 * What a lossy speaker's voice needs in its listeners' jitter buffers when its
 * uplink is repaired by NACK: `repairWaitMs` for the attempts its uplink's loss
 * needs (`repairAttempts`). Rounded up to 50 ms and moved only by ≥ 100 ms
 * (`previous`), so a wobbling round trip does not re-notify the whole meeting;
 * capped at `maxSpeakerRepairMs`.
 */
export function speakerRepairMs(rttMs: number, previous = 0, attempts = 1): number {
  const ms = Math.min(maxSpeakerRepairMs, Math.ceil(repairWaitMs(rttMs, attempts) / 50) * 50);
  return previous > 0 && Math.abs(ms - previous) < 100 ? previous : ms;
}
