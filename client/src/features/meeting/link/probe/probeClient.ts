import type { LinkNotice } from '@giaoban/signaling/protocol/link';
import type { RequestName, RequestOf } from '@giaoban/signaling/protocol/index';
import { MeetingEngine } from '../../mediaEngine';
import type { EngineEvent } from '../../engineEvents';
import { watchIceTimeline } from './iceTimeline';
import type { IceTimeline, ProbeApi, ProbeJoinOptions, ProbeSnapshot } from './probeTypes';

/**
 * A headless meeting client for the weak-link tests and bench
 * (e2e/weakLinks.test.ts, infra/bench/links.ts): the app's own MeetingEngine
 * (join path, link adaptation, audio-first camera), without the app's screens,
 * exposing what it measures on `window.gbProbe`. Bundled by the harness and
 * injected into a page of the app's origin, so a 2G link does not spend a
 * minute loading the app bundle; not part of the app bundle.
 */
class Probe implements ProbeApi {
  #engine: MeetingEngine | undefined;
  #stream: MediaStream | undefined;
  #elements = new Map<string, HTMLMediaElement>();
  #notices: (LinkNotice & { at: number; wallAt: number })[] = [];
  #startedAt = 0;
  #preparedAt: number | null = null;
  #clickAt: number | null = null;
  #joinedAt: number | null = null;
  #firstAudioAt: number | null = null;
  #cameraPausedAt: number[] = [];
  #cameraWatch: ReturnType<typeof setInterval> | undefined;
  #ice: { send: IceTimeline; recv: IceTimeline } | null = null;

  async request(name: string, payload: unknown): Promise<unknown> {
    if (!this.#engine) throw new Error('not joined');
    return this.#engine.signaling.request(name as RequestName, payload as RequestOf<RequestName>);
  }

  async prepare(o: ProbeJoinOptions): Promise<void> {
    this.#startedAt = performance.now();
    // The pre-join screen already holds the devices (preview, level meter).
    this.#stream = await navigator.mediaDevices.getUserMedia({
      audio: true,
      video: o.video ? { width: 640, height: 360, frameRate: 15 } : false,
    });
    this.#engine = new MeetingEngine({
      token: o.token,
      meetingId: o.meetingId,
      deviceId: o.deviceId,
      onEvent: (e) => this.#onEvent(e),
    });
    // Diagnostics as the meeting store does (e2e, bench:paths reads the ICE path).
    (globalThis as { giaobanMeeting?: MeetingEngine }).giaobanMeeting = this.#engine;
    await this.#engine.prepare();
    this.#preparedAt = performance.now();
  }

  async join(o: ProbeJoinOptions): Promise<void> {
    if (!this.#engine) await this.prepare(o);
    this.#clickAt = performance.now();
    const engine = this.#engine!;
    void this.#watchFirstAudio(engine);
    await engine.join(o.measured ? { measured: o.measured } : undefined);
    // As the room screen does after joining: microphone, then the camera the user chose.
    const stream = this.#stream!;
    await engine.start('mic', stream.getAudioTracks()[0]);
    this.#joinedAt = performance.now();
    const camera = stream.getVideoTracks()[0];
    if (o.video && camera) await engine.start('camera', camera);
    this.#watchCamera(engine);
  }

  /** When the camera pauses (the link's hold is local first): timed to 20 ms for bench:links' fall. */
  #watchCamera(engine: MeetingEngine): void {
    let sending = false;
    clearInterval(this.#cameraWatch);
    this.#cameraWatch = setInterval(() => {
      const cam = engine.producer('camera');
      const now = !!cam && !cam.closed && !cam.paused;
      if (sending && !now) this.#cameraPausedAt.push(Date.now());
      sending = now;
    }, 20);
  }

  async setAudioOnly(audioOnly: boolean): Promise<void> {
    await this.#engine?.setAudioOnly(audioOnly);
  }

  async snapshot(): Promise<ProbeSnapshot> {
    const e = this.#engine;
    const inbound = e ? await e.inboundStats() : [];
    const bytesSent = { audio: 0, video: 0 };
    const packetsSent = { audio: 0, video: 0 };
    let audioRetransmitted = 0;
    let micFractionLost: number | null = null;
    for (const [kind, p] of [
      ['audio', e?.producer('mic')],
      ['video', e?.producer('camera')],
    ] as const) {
      if (!p || p.closed) continue;
      const report = await p.getStats().catch(() => new Map<string, unknown>());
      report.forEach((v) => {
        const s = v as Record<string, unknown>;
        if (kind === 'audio' && s.type === 'remote-inbound-rtp' && s.fractionLost !== undefined)
          micFractionLost = Number(s.fractionLost);
        if (s.type !== 'outbound-rtp') return;
        bytesSent[kind] += Number(s.bytesSent ?? 0) + Number(s.headerBytesSent ?? 0);
        packetsSent[kind] += Number(s.packetsSent ?? 0);
        if (kind === 'audio') audioRetransmitted += Number(s.retransmittedPacketsSent ?? 0);
      });
    }
    let keyframeRequestsSent = 0;
    const recvStats = await e?.recvTransport?.getStats().catch(() => undefined);
    recvStats?.forEach((v) => {
      const s = v as Record<string, unknown>;
      if (s.type === 'inbound-rtp' && s.kind === 'video')
        keyframeRequestsSent += Number(s.pliCount ?? 0) + Number(s.firCount ?? 0);
    });
    const cam = e?.producer('camera');
    const rel = (t: number | null) => (t === null ? null : t - this.#startedAt);
    return {
      now: performance.now() - this.#startedAt,
      preparedAt: rel(this.#preparedAt),
      clickAt: rel(this.#clickAt),
      joinedAt: rel(this.#joinedAt),
      firstAudioAt: rel(this.#firstAudioAt),
      notices: this.#notices.map((n) => ({ ...n, at: n.at - this.#startedAt })),
      consumers: inbound.map((c) => ({
        kind: c.kind,
        endpointId: c.endpointId,
        paused: c.paused,
        packetsReceived: c.packetsReceived,
        packetsLost: c.packetsLost,
        bytesReceived: c.bytesReceived,
        framesDecoded: c.framesDecoded,
        totalSamplesReceived: c.totalSamplesReceived,
        concealedSamples: c.concealedSamples,
        fecPacketsReceived: c.fecPacketsReceived,
        nackCount: c.nackCount,
        jitterBufferDelay: c.jitterBufferDelay,
        jitterBufferEmittedCount: c.jitterBufferEmittedCount,
      })),
      bytesSent,
      packetsSent,
      audioRetransmitted,
      micFractionLost,
      audioMaxKbps: micMaxKbps(e?.producer('mic')),
      keyframeRequestsSent,
      cameraProduced: !!cam && !cam.closed,
      cameraPaused: cam && !cam.closed ? cam.paused : null,
      cameraPausedAt: [...this.#cameraPausedAt],
      endpointId: e?.endpointId ?? null,
      ice: this.#ice,
    };
  }

  async leave(): Promise<void> {
    clearInterval(this.#cameraWatch);
    await this.#engine?.leave();
    this.#stream?.getTracks().forEach((t) => t.stop());
    for (const el of this.#elements.values()) el.remove();
    this.#elements.clear();
  }

  #onEvent(e: EngineEvent): void {
    // The transports exist, nothing gathered yet (their first offer/answer comes next).
    const { sendTransport: send, recvTransport: recv } = this.#engine ?? {};
    if (e.type === 'joined' && send && recv)
      this.#ice = {
        send: watchIceTimeline(send, this.#startedAt),
        recv: watchIceTimeline(recv, this.#startedAt),
      };
    if (e.type === 'link')
      this.#notices.push({ ...e.notice, at: performance.now(), wallAt: Date.now() });
    if (e.type === 'track') {
      // Played like the room's RemoteAudio does, so Chrome decodes as it would for a user.
      const el = document.createElement(e.track.kind === 'audio' ? 'audio' : 'video');
      el.srcObject = new MediaStream([e.track.track]);
      el.muted = e.track.kind === 'video';
      el.autoplay = true;
      document.body.append(el);
      void el.play().catch(() => undefined);
      this.#elements.set(e.track.consumerId, el);
    }
    if (e.type === 'trackEnded') {
      this.#elements.get(e.consumerId)?.remove();
      this.#elements.delete(e.consumerId);
    }
  }

  /** First remote audio packet, polled every 50 ms from the click on. */
  async #watchFirstAudio(engine: MeetingEngine): Promise<void> {
    while (this.#firstAudioAt === null && engine.signaling.socket.connected) {
      const stats = await engine.inboundStats().catch(() => []);
      if (stats.some((s) => s.kind === 'audio' && s.packetsReceived > 0))
        this.#firstAudioAt = performance.now();
      else await new Promise((r) => setTimeout(r, 50));
    }
  }
}

function micMaxKbps(mic: { closed: boolean; rtpSender?: RTCRtpSender } | undefined) {
  const bps =
    mic && !mic.closed ? mic.rtpSender?.getParameters().encodings[0]?.maxBitrate : undefined;
  return bps === undefined ? null : bps / 1000;
}

declare global {
  interface Window {
    gbProbe: Probe;
  }
}

window.gbProbe = new Probe();
