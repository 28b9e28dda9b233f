/**
 * Uplink loss of one endpoint as the SFU measures it: the microphone's packets
 * lost against packets received between two samples at least `windowMs`
 * apart (mediasoup's cumulative counters, which it updates with every
 * receiver report, i.e. every 1–1.5 s). Fresh, unlike the producer's score
 * (a weighted average of 24 sender-report intervals of ~5 s each), and it
 * does not depend on the browser's reports crossing that same uplink. Pure.
 */
export class UplinkLossMeter {
  readonly #windowMs: number;
  readonly #minPackets: number;
  #prev: { producerId: string; at: number; received: number; lost: number } | undefined;

  constructor(opts: { windowMs?: number; minPackets?: number } = {}) {
    this.#windowMs = opts.windowMs ?? 2_000;
    this.#minPackets = opts.minPackets ?? 10;
  }

  /** Whether a new sample is due (saves a stats request otherwise). */
  due(producerId: string, now: number): boolean {
    const p = this.#prev;
    return !p || p.producerId !== producerId || now - p.at >= this.#windowMs;
  }

  /**
   * Records the counters; returns the loss fraction (0..1) since the previous
   * sample, or undefined when there is nothing to compare (first sample, a new
   * microphone) or too few packets to say anything (DTX silence).
   */
  sample(producerId: string, received: number, lost: number, now: number): number | undefined {
    const prev = this.#prev;
    this.#prev = { producerId, at: now, received, lost };
    if (!prev || prev.producerId !== producerId) return undefined;
    const dReceived = Math.max(0, received - prev.received);
    const dLost = Math.max(0, lost - prev.lost);
    if (dReceived + dLost < this.#minPackets) return undefined;
    return Math.round((dLost / (dReceived + dLost)) * 1000) / 1000;
  }
}
