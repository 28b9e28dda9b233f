import type { Producer, Transport } from 'mediasoup-client/types';
import type { LinkNotice, LinkReportWire } from '@giaoban/signaling/protocol/link';
import { FallGuard } from './fallGuard';
import { LinkStatsSampler, statsEntries, type LinkReport } from './linkStats';
import { RepairBuffer } from './repairBuffer';
import { audioEncoding, initialAudioKbps, videoEncodings } from './senderOptions';

export interface LinkControllerDeps {
  sendTransport: Transport;
  recvTransport: Transport;
  /** Sends 'link:report' (ack ignored: the next report follows anyway). */
  report: (r: LinkReportWire) => Promise<unknown>;
  mic: () => Producer | undefined;
  camera: () => Producer | undefined;
  /**
   * Pauses or resumes the camera producer through signaling (so others see it
   * paused), as the user's own camera button does.
   */
  setCameraPaused: (paused: boolean) => Promise<void>;
  /** The audio receivers (by SSRC), whose jitter buffer a lossy stream widens (RepairBuffer). */
  audioReceivers?: () => {
    ssrc: number;
    receiver: RTCRtpReceiver;
    nack: boolean;
    /** Whose voice it is (the SFU's `voices` are by speaker). */
    endpointId?: string;
  }[];
  /** The camera may start only when the plan allows video (the engine then produces it). */
  onVideoAllowed?: (allowed: boolean) => void;
  onNotice?: (n: LinkNotice, report: LinkReport | undefined) => void;
  intervalMs?: number;
  /** How often the send transport's receiver reports are checked for a fall while the camera runs. */
  fallCheckMs?: number;
  /** Clock in ms (tests); performance.now() by default. */
  now?: () => number;
}

/**
 * Chrome's estimate right after the camera starts is its start value and
 * ramp, not a measurement of the link: it is used for the layers at once but
 * reported to the server only after this long.
 */
export const estimateSettleMs = 4_000;

/**
 * No answer to our reports for this long (three intervals) while the camera
 * runs: the uplink is flooded (a GPRS link under video starves the TCP that
 * carries signaling, so the server's notices and our reports both stall).
 * The camera is held at once, without waiting for a server that cannot hear us.
 */
export const reportSilenceMs = 6_000;

/**
 * A fall the browser saw itself (FallGuard) holds the camera until the
 * server confirms it (a notice without video, then its own way back) or, if
 * it never does, this long: a false alarm costs one short pause.
 */
export const fallHoldMs = 15_000;

/**
 * The browser half of link adaptation: reports getStats() every few seconds
 * and applies the server's send plan to the producers (camera paused on a
 * poor link, simulcast layers capped to the uplink estimate, Opus rate set).
 * The server decides; the browser obeys and measures.
 */
export class LinkController {
  readonly #d: LinkControllerDeps;
  readonly #sampler = new LinkStatsSampler();
  #timer: ReturnType<typeof setInterval> | undefined;
  #notice: LinkNotice | undefined;
  #last: LinkReport | undefined;
  #busy = false;
  /** The camera is paused because of the link (not by the user): resume it when video is back. */
  #cameraHeld = false;
  /** Since when the camera runs (undefined: not running at the last sample). */
  #cameraSince: number | undefined;
  /** When the last report was answered, and when the first was sent. */
  #lastAckAt: number | undefined;
  #firstSentAt: number | undefined;
  /** Reports sent since the last answer (silence needs several: a starved tab sends few). */
  #unanswered = 0;
  /** When the previous periodic sample ran (its lateness tells a starved browser). */
  #lastSampleAt: number | undefined;
  /** The camera is held because our reports went unanswered (see reportSilenceMs). */
  #silenceHold = false;
  readonly #fall = new FallGuard();
  readonly #repairBuffer = new RepairBuffer();
  #fallTimer: ReturnType<typeof setInterval> | undefined;
  #fallBusy = false;
  /** Until when the camera is held because FallGuard saw the uplink fall (undefined: not held). */
  #fallUntil: number | undefined;

  constructor(deps: LinkControllerDeps) {
    this.#d = deps;
  }

  get notice(): LinkNotice | undefined {
    return this.#notice;
  }

  get lastReport(): LinkReport | undefined {
    return this.#last;
  }

  /** Video only once the server knows the link and allows it. */
  get videoAllowed(): boolean {
    return this.#notice?.send.video ?? false;
  }

  start(): void {
    this.stop();
    this.#timer = setInterval(() => void this.sampleNow(), this.#d.intervalMs ?? 2_000);
    this.#fallTimer = setInterval(() => void this.checkFall(), this.#d.fallCheckMs ?? 250);
  }

  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    if (this.#fallTimer) clearInterval(this.#fallTimer);
    this.#timer = this.#fallTimer = undefined;
  }

  /** Whether the camera is held because the browser itself saw the uplink fall. */
  get fallHold(): boolean {
    return this.#fallUntil !== undefined;
  }

  /**
   * While the camera runs: did the uplink just fall (FallGuard)? Then the
   * camera pauses at once — audio first — and a report goes out now.
   */
  async checkFall(): Promise<void> {
    const cam = this.#d.camera();
    if (!cam || cam.closed || cam.paused) {
      this.#fall.reset();
      return;
    }
    if (this.#fallBusy) return;
    this.#fallBusy = true;
    try {
      const now = this.#now();
      const entries = statsEntries(await this.#d.sendTransport.getStats());
      if (this.#fall.observe(entries, now)) this.#holdForFall(now);
    } catch {
      // transports closing
    } finally {
      this.#fallBusy = false;
    }
  }

  /**
   * The uplink fell (seen here by FallGuard, or by the SFU on the microphone's
   * packets): the camera pauses at once — audio first — until the server
   * confirms with a notice without video, or for `fallHoldMs`; a report goes out now.
   */
  #holdForFall(now: number): void {
    const cam = this.#d.camera();
    if (!cam || cam.closed || cam.paused) return;
    this.#fallUntil = now + fallHoldMs;
    this.#cameraHeld = true;
    this.#fall.reset();
    // Not awaited: the request crosses the flooded uplink; the pause is local at once.
    void this.#d.setCameraPaused(true).catch(() => undefined);
    // The voice goes lean too: at 32 kbit/s, with its headers and NACK resends, the
    // microphone alone can overfill a 2G uplink until the server's verdict lowers it.
    void this.#setAudio(this.#audioKbps());
    void this.sampleNow();
  }

  /** Call right after the microphone is produced: start at the poor-link rate. */
  async micProduced(): Promise<void> {
    await this.#setAudio(this.#audioKbps());
  }

  /** Opus's cap: the server's, at most the poor-link rate while a fall holds the camera. */
  #audioKbps(): number {
    const kbps = this.#notice?.send.audioMaxKbps ?? initialAudioKbps;
    return this.#fallUntil === undefined ? kbps : Math.min(kbps, initialAudioKbps);
  }

  /**
   * Call right after the camera is produced: while the link does not allow
   * video it is held paused, and released by the notice that allows it.
   */
  async cameraProduced(): Promise<void> {
    const n = this.#notice;
    if (n?.send.video) {
      await this.#applyVideo(n);
      return;
    }
    this.#cameraHeld = true;
    await this.#d.setCameraPaused(true);
  }

  /** The user paused or resumed the camera: the link no longer holds it. */
  userCamera(): void {
    this.#cameraHeld = false;
  }

  async sampleNow(): Promise<LinkReport | undefined> {
    if (this.#busy) return undefined;
    this.#busy = true;
    try {
      const [send, recv] = await Promise.all([
        this.#d.sendTransport.getStats(),
        this.#d.recvTransport.getStats(),
      ]);
      const now = this.#now();
      if (this.#fallUntil !== undefined && now >= this.#fallUntil) {
        // The server never confirmed the fall: a false alarm, video again if allowed.
        this.#fallUntil = undefined;
        if (this.#notice) void this.handleNotice(this.#notice);
      }
      const r = this.#sampler.sample(statsEntries(send), statsEntries(recv), now);
      this.#last = r;
      this.#widenLossyBuffers(statsEntries(recv), r.rttMs);
      // Chrome's estimate means something only while video asks for bandwidth:
      // audio alone never probes, so a recovered link would look as slow as
      // the audio it carries and video would never come back.
      const cam = this.#d.camera();
      const running = !!cam && !cam.closed && !cam.paused;
      if (!running) delete r.availableOutgoingKbps;
      this.#cameraSince = running ? (this.#cameraSince ?? now) : undefined;
      const settling =
        this.#cameraSince !== undefined && now - this.#cameraSince < estimateSettleMs;
      const wire: LinkReportWire = { ...r, sentAt: Date.now() };
      // Our own timer fired late: this browser is starved (busy machine), which the
      // server must not read as a slow link.
      const interval = this.#d.intervalMs ?? 2_000;
      if (this.#lastSampleAt !== undefined) {
        wire.lateMs = Math.max(0, Math.round(now - this.#lastSampleAt - interval));
      }
      this.#lastSampleAt = now;
      if (settling) delete wire.availableOutgoingKbps;
      // Not awaited: a report stuck behind a slow link must not hold the next sample.
      this.#firstSentAt ??= now;
      this.#unanswered++;
      // An error answer also crossed the link; a late rejection is a time-out.
      void this.#d.report(wire).then(
        () => this.#acked(),
        () => this.#now() - now < reportSilenceMs && this.#acked(),
      );
      const answeredAt = this.#lastAckAt ?? this.#firstSentAt;
      // Three reports unanswered, not only 6 s: a starved browser sends late itself.
      if (running && now - answeredAt > reportSilenceMs && this.#unanswered > 3) {
        this.#silenceHold = true;
        this.#cameraHeld = true;
        // Not awaited: the request itself crosses the flooded uplink.
        void this.#d.setCameraPaused(true).catch(() => undefined);
        return r;
      }
      // The uplink estimate moves between notices: keep video under it.
      if (this.#notice?.send.video) await this.#applyVideo(this.#notice);
      return r;
    } catch {
      return undefined; // transports closing
    } finally {
      this.#busy = false;
    }
  }

  /** Lossy voices get room in the jitter buffer for their repair (RepairBuffer). */
  #widenLossyBuffers(recv: ReturnType<typeof statsEntries>, rttMs: number | undefined): void {
    const receivers = this.#d.audioReceivers?.() ?? [];
    if (receivers.length === 0) return;
    const bySsrc = new Map(receivers.map((r) => [r.ssrc, r]));
    const voices = this.#notice?.voices ?? {};
    const changes = this.#repairBuffer.update(recv, {
      rttMs,
      nack: (ssrc) => bySsrc.get(ssrc)?.nack ?? false,
      speakerMs: (ssrc) => {
        const id = bySsrc.get(ssrc)?.endpointId;
        return id === undefined ? undefined : voices[id];
      },
    });
    for (const [ssrc, target] of changes) {
      const rx = bySsrc.get(ssrc)?.receiver as
        (RTCRtpReceiver & { jitterBufferTarget?: number | null }) | undefined;
      if (rx && 'jitterBufferTarget' in rx) rx.jitterBufferTarget = target;
    }
  }

  /** A report was answered: the uplink carries signaling again. */
  #acked(): void {
    this.#lastAckAt = this.#now();
    this.#unanswered = 0;
    if (!this.#silenceHold) return;
    this.#silenceHold = false;
    // Video again only if the server (which now hears us) still allows it.
    if (this.#notice) void this.handleNotice(this.#notice);
  }

  #now(): number {
    return this.#d.now?.() ?? performance.now();
  }

  /** A 'link:state' notification from the server. */
  async handleNotice(notice: LinkNotice): Promise<void> {
    const { fall, ...n } = notice;
    const before = this.#notice;
    this.#notice = n;
    // The SFU saw the microphone's packets queue and go missing under the camera.
    if (fall) this.#holdForFall(this.#now());
    // The server saw the fall too: from here its hysteresis brings video back.
    if (!n.send.video) this.#fallUntil = undefined;
    await this.#setAudio(this.#audioKbps());
    const cam = this.#d.camera();
    if (cam && !cam.closed) {
      if (!n.send.video && !cam.paused) {
        this.#cameraHeld = true;
        await this.#d.setCameraPaused(true);
      }
      // While our reports go unanswered a notice may still arrive (the downlink
      // works): the camera stays held until the uplink carries signaling again.
      if (n.send.video && !this.#silenceHold && this.#fallUntil === undefined) {
        await this.#applyVideo(n);
        if (cam.paused && this.#cameraHeld) await this.#d.setCameraPaused(false);
        this.#cameraHeld = false;
      }
    }
    if ((before?.send.video ?? false) !== n.send.video) this.#d.onVideoAllowed?.(n.send.video);
    this.#d.onNotice?.(n, this.#last);
  }

  async #setAudio(kbps: number): Promise<void> {
    const mic = this.#d.mic();
    if (!mic || mic.closed || !mic.rtpSender) return;
    const params = mic.rtpSender.getParameters();
    const enc = params.encodings[0];
    if (!enc || enc.maxBitrate === kbps * 1000) return;
    Object.assign(enc, audioEncoding({ audioMaxKbps: kbps }));
    await mic.rtpSender.setParameters(params).catch(() => undefined);
  }

  async #applyVideo(n: LinkNotice): Promise<void> {
    const cam = this.#d.camera();
    if (!cam || cam.closed || !cam.rtpSender) return;
    const params = cam.rtpSender.getParameters();
    const wanted = videoEncodings(n.send, this.#last?.availableOutgoingKbps);
    let changed = false;
    params.encodings.forEach((enc, i) => {
      const w = wanted[i];
      if (!w) return;
      if (
        enc.active !== w.active ||
        enc.maxBitrate !== w.maxBitrate ||
        enc.maxFramerate !== w.maxFramerate
      ) {
        enc.active = w.active;
        enc.maxBitrate = w.maxBitrate;
        // Lifting the start's frame-rate cap: the property must go, not be undefined.
        if (w.maxFramerate === undefined) delete enc.maxFramerate;
        else enc.maxFramerate = w.maxFramerate;
        changed = true;
      }
    });
    if (changed) await cam.rtpSender.setParameters(params).catch(() => undefined);
  }
}
