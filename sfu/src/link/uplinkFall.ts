/**
 * A sudden fall of an endpoint's uplink, seen by the SFU on the microphone's
 * and the camera's own packets as they arrive (mediasoup's 'rtp' trace of the
 * producers, only while the endpoint's camera runs). Pure: fed each packet's
 * stream, sequence number, RTP timestamp and arrival time.
 *
 * Why here: the browser learns its uplink fell only from receiver reports,
 * which need its next sender report to cross the new queue and the SFU's next
 * report (~1 s each) to come back — 3.3–3.8 s measured. The SFU sees the
 * packets queue and go missing the moment the link's queue fills.
 *
 * The signals: the one-way delay of each packet (arrival − RTP timestamp)
 * above its stream's lowest of the last 30 s is the queue in front of us;
 * the microphone's sequence gaps are lost packets. A fall is
 *   - a microphone queue of ≥ `queueMs` on two packets running with
 *     ≥ `lostPackets` lost in the last second (the queue is full and drops), or
 *   - the queue rising on `risingSteps` packets running, of the microphone and
 *     the camera together, each ≥ `riseStepMs` above its own stream's
 *     previous packet (streams differ in how late their sender stamps them),
 *     by ≥ `risingMs` in all, up to ≥ `risenMs`. On good → 2G the camera's
 *     packets show the queue first: no microphone packet arrived for
 *     280–510 ms (queued behind the camera) while camera packets grew by
 *     50–170 ms each (uplinkFall.traces.test.ts).
 * Then it waits `confirmMs` for a packet that denies it: a stream's queue
 * shrinking faster than time passes. No link drains so; a sender (a browser
 * on a busy machine) that stalled and caught up in a burst does — at load 10
 * the microphone's delay rose by 470 ms in one packet and fell back in a
 * burst, and camera and microphone rose together by 80 ms a packet before
 * one. Random radio loss raises no queue; a satellite's long delay is its
 * floor, not a queue.
 */
export interface UplinkFallOptions {
  queueMs?: number;
  lostPackets?: number;
  risingSteps?: number;
  riseStepMs?: number;
  risingMs?: number;
  risenMs?: number;
  /** A fall with no packet behind it for this long is confirmed (ms). */
  confirmMs?: number;
  /** After a fall is reported, quiet for this long (the browser holds its camera meanwhile). */
  quietMs?: number;
}

export interface UplinkPacket {
  /** The microphone (default) or the camera. */
  kind?: 'audio' | 'video';
  /** The RTP stream (a simulcast camera sends several). */
  ssrc?: number;
  sequenceNumber: number;
  /** RTP timestamp (48 kHz audio, 90 kHz video). */
  timestamp: number;
  /** Arrival time at the SFU, ms. */
  arrivalMs: number;
}

const FLOOR_MS = 30_000;
const LOSS_WINDOW_MS = 1_000;
/** History needed before any verdict from a stream: a floor of a few seconds of packets. */
const MIN_PACKETS = 20;
/** A queue may shrink by the time passed and this much (jitter) before it is called a burst. */
const DRAIN_SLACK_MS = 20;

/** One RTP stream's clock and floor. */
class StreamDelay {
  readonly #clockRate: number;
  #floors: { second: number; delay: number }[] = [];
  lastSeq: number | undefined;
  #lastTs: number | undefined;
  #tsMs = 0;
  packets = 0;

  constructor(clockRate: number) {
    this.#clockRate = clockRate;
  }

  /** The packet's step in sequence (0 or > 32,768: late or repeated). */
  step(seq: number): number | undefined {
    return this.lastSeq === undefined ? undefined : (seq - this.lastSeq + 65_536) % 65_536;
  }

  /** Takes a packet; its queue above the floor (ms). */
  add(seq: number, ts: number, now: number): number {
    if (this.#lastTs !== undefined) {
      let dTs = (ts - this.#lastTs + 2 ** 32) % 2 ** 32;
      if (dTs > 2 ** 31) dTs -= 2 ** 32; // a frame sent late, after a newer one
      this.#tsMs += (dTs * 1000) / this.#clockRate;
    }
    this.lastSeq = seq;
    this.#lastTs = ts;
    this.packets++;
    const delay = now - this.#tsMs;
    const second = Math.floor(now / 1000);
    this.#floors = this.#floors.filter((f) => now - f.second * 1000 <= FLOOR_MS);
    const floor = this.#floors.length ? Math.min(...this.#floors.map((f) => f.delay)) : delay;
    const cur = this.#floors.at(-1);
    if (cur?.second === second) cur.delay = Math.min(cur.delay, delay);
    else this.#floors.push({ second, delay });
    return Math.max(0, delay - floor);
  }

  /** The last packet's queue (ms). */
  lastQueueMs = 0;
  /** The last packet's arrival (ms). */
  lastAt = 0;
}

export class UplinkFallDetector {
  readonly #queueMs: number;
  readonly #lostPackets: number;
  readonly #risingSteps: number;
  readonly #riseStepMs: number;
  readonly #risingMs: number;
  readonly #risenMs: number;
  readonly #quietMs: number;
  readonly #audioClock: number;
  #streams = new Map<string, StreamDelay>();
  #lost: number[] = [];
  #queuedInARow = 0;
  /** The current run of rising queues over both streams: its start and steps. */
  #rise = { steps: 0, grew: 0 };
  #quietUntil = -Infinity;
  /** Arrival of the packet that looked like a fall, until the next one shows it is no burst. */
  #pendingAt: number | undefined;
  #stalls = 0;
  /** How long a fall waits for a burst behind it before it is confirmed (ms). */
  readonly confirmMs: number;

  constructor(clockRate = 48_000, o: UplinkFallOptions = {}) {
    this.#audioClock = clockRate;
    this.#queueMs = o.queueMs ?? 200;
    this.#lostPackets = o.lostPackets ?? 2;
    this.#risingSteps = o.risingSteps ?? 2;
    this.#riseStepMs = o.riseStepMs ?? 30;
    this.#risingMs = o.risingMs ?? 120;
    this.#risenMs = o.risenMs ?? 250;
    this.#quietMs = o.quietMs ?? 15_000;
    this.confirmMs = o.confirmMs ?? 40;
  }

  /** The latest packet's queue above its floor (ms), for logs. */
  queueMs = 0;

  /** Forget the link (the camera stopped: a later start measures afresh). */
  reset(): void {
    this.#streams = new Map();
    this.#lost = [];
    this.#queuedInARow = 0;
    this.#rise = { steps: 0, grew: 0 };
  }

  /** One packet arrived (the microphone's unless said); true when the uplink just fell. */
  packet(p: UplinkPacket): boolean {
    const now = p.arrivalMs;
    const kind = p.kind ?? 'audio';
    const key = `${kind}:${p.ssrc ?? 0}`;
    let s = this.#streams.get(key);
    if (!s)
      this.#streams.set(key, (s = new StreamDelay(kind === 'audio' ? this.#audioClock : 90_000)));
    const step = s.step(p.sequenceNumber);
    // A late (reordered) or duplicated packet says nothing new.
    if (step === 0 || (step !== undefined && step > 32_768)) return this.#timedOut(now);
    if (kind === 'audio') {
      for (let i = 1; i < Math.min(step ?? 0, 100); i++) this.#lost.push(now);
      this.#lost = this.#lost.filter((t) => now - t <= LOSS_WINDOW_MS);
    }
    // A fall seen `confirmMs` ago with nothing since to deny it.
    const confirmed =
      this.#pendingAt !== undefined && now - this.#pendingAt >= this.confirmMs && this.confirm();
    const prev = { queueMs: s.lastQueueMs, at: s.lastAt };
    const queueMs = s.add(p.sequenceNumber, p.timestamp, now);
    const known = s.packets >= MIN_PACKETS;
    let fell = false;
    if (kind === 'audio') {
      this.queueMs = queueMs;
      this.#queuedInARow = queueMs >= this.#queueMs ? this.#queuedInARow + 1 : 0;
      fell = known && this.#queuedInARow >= 2 && this.#lost.length >= this.#lostPackets;
    }
    if (known) fell = this.#rising(queueMs - prev.queueMs, queueMs) || fell;
    s.lastQueueMs = queueMs;
    s.lastAt = now;
    if (
      this.#pendingAt !== undefined &&
      queueMs < prev.queueMs - (now - prev.at) - DRAIN_SLACK_MS
    ) {
      // A queue that shrank faster than time passed: no link drains so; the
      // sender (or this worker) stalled and caught up in a burst.
      this.#pendingAt = undefined;
      this.#stalls++;
      return confirmed;
    }
    if (fell && this.#pendingAt === undefined && now >= this.#quietUntil) {
      this.queueMs = queueMs;
      this.#pendingAt = now;
    }
    return confirmed;
  }

  #timedOut(now: number): boolean {
    return (
      this.#pendingAt !== undefined && now - this.#pendingAt >= this.confirmMs && this.confirm()
    );
  }

  /** A fall seen and no burst behind it within `confirmMs`: true once (then quiet). */
  confirm(): boolean {
    if (this.#pendingAt === undefined) return false;
    const at = this.#pendingAt;
    this.#pendingAt = undefined;
    return this.#confirm(at);
  }

  /** A fall is pending confirmation (call confirm() after `confirmMs`). */
  get pending(): boolean {
    return this.#pendingAt !== undefined;
  }

  /** Falls vetoed by a burst behind them (a stalled sender), for logs. */
  get stalls(): number {
    return this.#stalls;
  }

  #confirm(at: number): boolean {
    if (at < this.#quietUntil) return false;
    this.#quietUntil = at + this.#quietMs;
    return true;
  }

  /**
   * The microphone's and the camera's queues rising together, packet after
   * packet: each packet's queue above its own stream's previous one (streams
   * differ in how late their sender stamps them), none in between falling.
   */
  #rising(grewMs: number, queueMs: number): boolean {
    if (grewMs >= this.#riseStepMs)
      this.#rise = { steps: this.#rise.steps + 1, grew: this.#rise.grew + grewMs };
    else this.#rise = { steps: 0, grew: 0 };
    return (
      this.#rise.steps >= this.#risingSteps &&
      this.#rise.grew >= this.#risingMs &&
      queueMs >= this.#risenMs
    );
  }
}
