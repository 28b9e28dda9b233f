import type { Producer, Transport } from 'mediasoup-client/types';
import type { LinkNotice, LinkReportWire } from '@giaoban/signaling/protocol/link';
import { LinkStatsSampler, statsEntries, type LinkReport } from './linkStats';
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
  /** The camera may start only when the plan allows video (the engine then produces it). */
  onVideoAllowed?: (allowed: boolean) => void;
  onNotice?: (n: LinkNotice, report: LinkReport | undefined) => void;
  intervalMs?: number;
}

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
  }

  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
  }

  /** Call right after the microphone is produced: start at the poor-link rate. */
  async micProduced(): Promise<void> {
    await this.#setAudio(this.#notice?.send.audioMaxKbps ?? initialAudioKbps);
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
      const r = this.#sampler.sample(statsEntries(send), statsEntries(recv), performance.now());
      this.#last = r;
      // Chrome's estimate means something only while video asks for bandwidth:
      // audio alone never probes, so a recovered link would look as slow as
      // the audio it carries and video would never come back.
      const cam = this.#d.camera();
      if (!cam || cam.closed || cam.paused) delete r.availableOutgoingKbps;
      // Not awaited: a report stuck behind a slow link must not hold the next sample.
      void this.#d.report(r).catch(() => undefined);
      // The uplink estimate moves between notices: keep video under it.
      if (this.#notice?.send.video) await this.#applyVideo(this.#notice);
      return r;
    } catch {
      return undefined; // transports closing
    } finally {
      this.#busy = false;
    }
  }

  /** A 'link:state' notification from the server. */
  async handleNotice(n: LinkNotice): Promise<void> {
    const before = this.#notice;
    this.#notice = n;
    await this.#setAudio(n.send.audioMaxKbps);
    const cam = this.#d.camera();
    if (cam && !cam.closed) {
      if (!n.send.video && !cam.paused) {
        this.#cameraHeld = true;
        await this.#d.setCameraPaused(true);
      }
      if (n.send.video) {
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
      if (enc.active !== w.active || enc.maxBitrate !== w.maxBitrate) {
        enc.active = w.active;
        enc.maxBitrate = w.maxBitrate;
        changed = true;
      }
    });
    if (changed) await cam.rtpSender.setParameters(params).catch(() => undefined);
  }
}
