import type { types as ms } from 'mediasoup';

/** The browser reports every 2 s; three intervals without a report is silence. */
export const REPORT_INTERVAL_MS = 2_000;
export const REPORT_SILENCE_MS = 6_000;

/**
 * The browser reports every 2 s over the same uplink. Reports that stop
 * arriving are the uplink's queue (a flooded GPRS uplink starves TCP): a
 * report now `age` ms overdue has spent at least `age − 2 s` on the way, a
 * lower bound of the round trip. Undefined while reports arrive (or none yet).
 */
export function silenceRttMs(lastReportAt: number | undefined, now: number): number | undefined {
  if (lastReportAt === undefined) return undefined;
  const age = now - lastReportAt;
  return age > REPORT_SILENCE_MS ? age - REPORT_INTERVAL_MS : undefined;
}

/** Loss from which an uplink that then carries next to nothing is taken as dead. */
const HEAVY_LOSS = 0.3;

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
  #prev:
    | {
        producerId: string;
        at: number;
        received: number;
        lost: number;
        repaired: number;
        loss?: number;
      }
    | undefined;
  #busy = false;
  /** Packets (received + lost) in the last window compared. */
  lastWindowPackets = 0;
  /**
   * The last window's loss before audio NACK repaired it (lost + resent on the
   * SFU's request, over received + lost): what the speaker's uplink really
   * drops, while `sample`'s figure is what stays lost.
   */
  lastRawLoss: number | undefined;

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
   * microphone) or too few packets to say anything (DTX silence), unless the
   * window before lost heavily.
   */
  sample(
    producerId: string,
    received: number,
    lost: number,
    now: number,
    repaired = 0,
  ): number | undefined {
    const prev = this.#prev;
    this.#prev = { producerId, at: now, received, lost, repaired, loss: undefined };
    this.lastRawLoss = undefined;
    if (!prev || prev.producerId !== producerId) return undefined;
    const dReceived = Math.max(0, received - prev.received);
    const dLost = Math.max(0, lost - prev.lost);
    const dRepaired = Math.max(0, repaired - prev.repaired);
    this.lastWindowPackets = dReceived + dLost;
    if (dReceived + dLost >= this.#minPackets) {
      this.lastRawLoss = Math.min(1, (dLost + dRepaired) / (dReceived + dLost));
    }
    if (dReceived + dLost < this.#minPackets) {
      // Next to nothing arrives right after heavy loss: the link died (a GPRS
      // uplink flooded by the camera), it did not fall silent. DTX silence
      // loses nothing before it. The loss stands until packets arrive again.
      if ((prev.loss ?? 0) >= HEAVY_LOSS) this.#prev.loss = prev.loss;
      return this.#prev.loss;
    }
    const loss = Math.round((dLost / (dReceived + dLost)) * 1000) / 1000;
    this.#prev.loss = loss;
    return loss;
  }

  /** Reads the microphone's counters if a sample is due; the loss, if any. */
  async measure(mic: ms.Producer, now: number): Promise<number | undefined> {
    if (this.#busy || !this.due(mic.id, now)) return undefined;
    this.#busy = true;
    try {
      const stats = await mic.getStats();
      const received = stats.reduce((n, s) => n + s.packetCount, 0);
      const lost = stats.reduce((n, s) => n + s.packetsLost, 0);
      const repaired = stats.reduce((n, s) => n + s.packetsRepaired, 0);
      return this.sample(mic.id, received, lost, now, repaired);
    } catch {
      return undefined; // the producer closed meanwhile
    } finally {
      this.#busy = false;
    }
  }
}
