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

  /** Random loss worth repairing, on a link that is not congested. */
  wanted(now: number): boolean {
    this.#samples = this.#samples.filter((s) => now - s.at <= this.#o.windowMs);
    const n = this.#samples.length;
    const mean = n ? this.#samples.reduce((a, s) => a + s.loss, 0) / n : 0;
    if (!this.#on && n >= 2 && mean >= this.#o.onLoss) this.#on = true;
    else if (this.#on && mean < this.#o.offLoss) this.#on = false;
    return this.#on && !this.congested(now);
  }

  #congested(now: number): void {
    this.#congestedUntil = Math.max(this.#congestedUntil, now + this.#o.congestionHoldMs);
  }
}

/** The most a listener's jitter buffer is deepened for a speaker's retransmissions (ms). */
export const maxSpeakerRepairMs = 1_000;

/**
 * What a lossy speaker's voice needs in its listeners' jitter buffers when its
 * uplink is repaired by NACK: the gap shows with the next 60 ms packet, the
 * SFU's NACK and the resent packet take the speaker's round trip, then the
 * packet still crosses to the listener (jitter margin). Rounded up to 50 ms and
 * moved only by ≥ 100 ms (`previous`), so a wobbling round trip does not
 * re-notify the whole meeting; capped at `maxSpeakerRepairMs`.
 */
export function speakerRepairMs(rttMs: number, previous = 0): number {
  const ms = Math.min(maxSpeakerRepairMs, Math.ceil((rttMs + 100) / 50) * 50);
  return previous > 0 && Math.abs(ms - previous) < 100 ? previous : ms;
}
