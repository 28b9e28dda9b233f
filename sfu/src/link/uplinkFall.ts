/**
 * A sudden fall of an endpoint's uplink, seen by the SFU on the microphone's
 * own packets as they arrive (mediasoup's 'rtp' trace of the producer, only
 * while the endpoint's camera runs). Pure: fed each packet's sequence number,
 * RTP timestamp and arrival time.
 *
 * Why here: the browser learns its uplink fell only from receiver reports,
 * which need its next sender report to cross the new queue and the SFU's next
 * report (~1 s each) to come back — 3.3–3.8 s measured. The SFU sees the
 * microphone's packets queue and go missing the moment the link's queue
 * overflows: good → 2G with the camera at ~90 kbit/s filled the 2G queue in
 * ~0.4 s.
 *
 * The signals: the one-way delay of each packet (arrival − RTP timestamp)
 * above its lowest of the last 30 s is the queue in front of us; sequence gaps
 * are lost packets. A fall is
 *   - a queue of ≥ `queueMs` on two packets running with ≥ `lostPackets` lost
 *     in the last second (the queue is full and drops), or
 *   - a queue of ≥ `growingMs` that grew on each of the last two packets,
 *     by ≥ `queueMs` in all (it is filling: on good → 2G, 2G's ~1 s tbf queue
 *     took ~1.5 s to fill and drop, but grew by 150–300 ms a packet at once).
 * Random radio loss raises no queue; a starved browser (or worker) sends late
 * in a burst whose delays shrink packet after packet, and loses nothing; a
 * satellite's long delay is its floor, not a queue.
 */
export interface UplinkFallOptions {
  queueMs?: number;
  lostPackets?: number;
  growingMs?: number;
  /** After a fall is reported, quiet for this long (the browser holds its camera meanwhile). */
  quietMs?: number;
}

export interface MicPacket {
  sequenceNumber: number;
  /** RTP timestamp (clock `clockRate`). */
  timestamp: number;
  /** Arrival time at the SFU, ms. */
  arrivalMs: number;
}

const FLOOR_MS = 30_000;
const LOSS_WINDOW_MS = 1_000;
/** History needed before any verdict: a floor of a few seconds of packets. */
const MIN_PACKETS = 20;

export class UplinkFallDetector {
  readonly #queueMs: number;
  readonly #lostPackets: number;
  readonly #growingMs: number;
  readonly #quietMs: number;
  /** The last three packets' one-way delays (relative), oldest first. */
  #recent: number[] = [];
  readonly #clockRate: number;
  /** Per-second lowest one-way delays (relative), for a 30 s floor without keeping every packet. */
  #floors: { second: number; delay: number }[] = [];
  #lastSeq: number | undefined;
  #lastTs: number | undefined;
  /** Unwrapped RTP time in ms of the last packet. */
  #tsMs = 0;
  #packets = 0;
  #lost: number[] = [];
  #queuedInARow = 0;
  #quietUntil = -Infinity;

  constructor(clockRate = 48_000, o: UplinkFallOptions = {}) {
    this.#clockRate = clockRate;
    this.#queueMs = o.queueMs ?? 200;
    this.#lostPackets = o.lostPackets ?? 2;
    this.#growingMs = o.growingMs ?? 300;
    this.#quietMs = o.quietMs ?? 15_000;
  }

  /** The latest packet's queue above the floor (ms), for logs. */
  queueMs = 0;

  /** Forget the link (the camera stopped: a later start measures afresh). */
  reset(): void {
    this.#floors = [];
    this.#lastSeq = this.#lastTs = undefined;
    this.#tsMs = 0;
    this.#packets = 0;
    this.#lost = [];
    this.#recent = [];
    this.#queuedInARow = 0;
  }

  /** One microphone packet arrived; true when the uplink just fell. */
  packet(p: MicPacket): boolean {
    const now = p.arrivalMs;
    if (this.#lastSeq !== undefined) {
      const step = (p.sequenceNumber - this.#lastSeq + 65_536) % 65_536;
      // A late (reordered) or duplicated packet says nothing new.
      if (step === 0 || step > 32_768) return false;
      for (let i = 1; i < Math.min(step, 100); i++) this.#lost.push(now);
    }
    if (this.#lastTs !== undefined) {
      const dTs = (p.timestamp - this.#lastTs + 2 ** 32) % 2 ** 32;
      this.#tsMs += (dTs * 1000) / this.#clockRate;
    }
    this.#lastSeq = p.sequenceNumber;
    this.#lastTs = p.timestamp;
    this.#packets++;
    this.#lost = this.#lost.filter((t) => now - t <= LOSS_WINDOW_MS);

    const delay = now - this.#tsMs;
    const second = Math.floor(now / 1000);
    this.#floors = this.#floors.filter((f) => now - f.second * 1000 <= FLOOR_MS);
    const floor = this.#floors.length ? Math.min(...this.#floors.map((f) => f.delay)) : delay;
    const cur = this.#floors.at(-1);
    if (cur?.second === second) cur.delay = Math.min(cur.delay, delay);
    else this.#floors.push({ second, delay });

    this.queueMs = Math.max(0, delay - floor);
    this.#queuedInARow = this.queueMs >= this.#queueMs ? this.#queuedInARow + 1 : 0;
    this.#recent = [...this.#recent.slice(-2), delay];
    const [d0, d1, d2] = this.#recent;
    const growing =
      d2 !== undefined &&
      d0! < d1! &&
      d1! < d2 &&
      d2 - d0! >= this.#queueMs &&
      this.queueMs >= this.#growingMs;
    if (this.#packets < MIN_PACKETS || now < this.#quietUntil) return false;
    const full = this.#queuedInARow >= 2 && this.#lost.length >= this.#lostPackets;
    const fell = full || growing;
    if (fell) this.#quietUntil = now + this.#quietMs;
    return fell;
  }
}
