import { Device } from 'mediasoup-client';
import type { Consumer, Producer, Transport } from 'mediasoup-client/types';
import { io, type Socket } from 'socket.io-client';
import type { LinkNotice } from '@giaoban/signaling/protocol/link';
import type { ProbeApi, ProbeConsumerStats, ProbeJoinOptions, ProbeSnapshot } from './probeTypes';
import { LinkController } from '../linkController';
import { cameraCodecOptions, cameraEncodings, micCodecOptions } from '../senderOptions';

/**
 * A headless meeting client for the weak-link tests and bench
 * (e2e/weakLinks.test.ts, infra/bench/links.ts): joins through the real
 * signaling protocol with mediasoup-client and the real LinkController, and
 * exposes what it measures on `window.gbProbe`. Bundled by the harness and
 * injected into a page of the app's origin; not part of the app bundle.
 */
interface ConsumerRecord {
  consumer: Consumer;
  endpointId: string;
  element: HTMLMediaElement;
}

type Ack = { ok: true; data: unknown } | { ok: false; error: { code: string; messageEn: string } };

class Probe implements ProbeApi {
  #socket: Socket | undefined;
  #device: Device | undefined;
  #send: Transport | undefined;
  #recv: Transport | undefined;
  #mic: Producer | undefined;
  #cam: Producer | undefined;
  #link: LinkController | undefined;
  #consumers = new Map<string, ConsumerRecord>();
  #notices: (LinkNotice & { at: number })[] = [];
  #joinedAt: number | null = null;
  #connectedAt: number | null = null;
  #firstAudioAt: number | null = null;
  #startedAt = 0;
  #wantVideo = false;
  #endpointId: string | null = null;
  #stream: MediaStream | undefined;

  request<T = unknown>(name: string, payload: unknown): Promise<T> {
    const socket = this.#socket;
    if (!socket) return Promise.reject(new Error('not connected'));
    return new Promise((resolve, reject) => {
      socket.timeout(60_000).emit(name, payload, (err: Error | null, ack: Ack) => {
        if (err) reject(err);
        else if (ack.ok) resolve(ack.data as T);
        else reject(new Error(`${name}: ${ack.error.code} ${ack.error.messageEn}`));
      });
    });
  }

  /** Resolves once joined and the microphone is produced; `at` times are performance.now(). */
  async join(o: ProbeJoinOptions): Promise<void> {
    this.#startedAt = performance.now();
    this.#wantVideo = o.video;
    this.#stream = await navigator.mediaDevices.getUserMedia({
      audio: true,
      video: o.video ? { width: 640, height: 360, frameRate: 15 } : false,
    });
    const socket = io({ auth: { token: o.token }, transports: ['websocket'] });
    this.#socket = socket;
    socket.on('link:state', (n: LinkNotice) => {
      this.#notices.push({ ...n, at: performance.now() });
      void this.#link?.handleNotice(n);
    });
    socket.on('media:newProducer', ({ producer }: { producer: { id: string } }) => {
      void this.#consume([producer.id]);
    });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => {
        this.#connectedAt = performance.now();
        resolve();
      });
      socket.once('connect_error', (e) => reject(e));
    });
    type Wire = Parameters<Device['createSendTransport']>[0];
    const j = await this.request<{
      self: { id: string };
      routerRtpCapabilities: Parameters<Device['load']>[0]['routerRtpCapabilities'];
      sendTransport: Wire;
      recvTransport: Wire;
      endpoints: { producers: { id: string }[] }[];
    }>('meeting:join', { meetingId: o.meetingId, deviceId: o.deviceId });
    this.#endpointId = j.self.id;
    const device = new Device();
    await device.load({ routerRtpCapabilities: j.routerRtpCapabilities });
    this.#device = device;
    const send = device.createSendTransport(j.sendTransport);
    const recv = device.createRecvTransport(j.recvTransport);
    for (const t of [send, recv]) {
      t.on('connect', ({ dtlsParameters }, ok, fail) => {
        this.request('media:connectTransport', { transportId: t.id, dtlsParameters }).then(
          () => ok(),
          fail,
        );
      });
    }
    send.on('produce', ({ kind, rtpParameters, appData }, ok, fail) => {
      this.request<{ producerId: string }>('media:produce', {
        transportId: send.id,
        kind,
        rtpParameters,
        source: appData.source,
      }).then((r) => ok({ id: r.producerId }), fail);
    });
    this.#send = send;
    this.#recv = recv;
    this.#link = new LinkController({
      sendTransport: send,
      recvTransport: recv,
      report: (r) => this.request('link:report', r),
      mic: () => this.#mic,
      camera: () => this.#cam,
      setCameraPaused: (p) => this.#setCameraPaused(p),
      onVideoAllowed: (allowed) => {
        if (allowed && this.#wantVideo && !this.#cam) void this.#produceCamera();
      },
    });
    // Audio first: the microphone goes out now, the camera only once the link is known.
    // Hearing first: the receive path is set up while the microphone is published.
    const micTrack = this.#stream.getAudioTracks()[0];
    const link = this.#link;
    await Promise.all([
      this.#consume(j.endpoints.flatMap((e) => e.producers.map((p) => p.id))),
      send
        .produce({ track: micTrack, codecOptions: micCodecOptions, appData: { source: 'mic' } })
        .then(async (mic) => {
          this.#mic = mic;
          await link.micProduced();
        }),
    ]);
    this.#joinedAt = performance.now();
    this.#link.start();
    void this.#watchFirstAudio();
    if (this.#link.videoAllowed && this.#wantVideo) await this.#produceCamera();
  }

  async setAudioOnly(audioOnly: boolean): Promise<void> {
    await this.request('link:audioOnly', { audioOnly });
  }

  async snapshot(): Promise<ProbeSnapshot> {
    const consumers: ProbeConsumerStats[] = [];
    for (const r of this.#consumers.values()) {
      const s = { packetsReceived: 0, packetsLost: 0, bytesReceived: 0, framesDecoded: 0 };
      const report = await r.consumer.getStats().catch(() => new Map());
      for (const v of report.values() as Iterable<Record<string, unknown>>) {
        if (v.type !== 'inbound-rtp') continue;
        s.packetsReceived += Number(v.packetsReceived ?? 0);
        s.packetsLost += Number(v.packetsLost ?? 0);
        s.bytesReceived += Number(v.bytesReceived ?? 0);
        s.framesDecoded += Number(v.framesDecoded ?? 0);
      }
      consumers.push({
        kind: r.consumer.kind,
        endpointId: r.endpointId,
        paused: r.consumer.paused,
        ...s,
      });
    }
    const bytesSent = { audio: 0, video: 0 };
    const packetsSent = { audio: 0, video: 0 };
    for (const [kind, p] of [
      ['audio', this.#mic],
      ['video', this.#cam],
    ] as const) {
      if (!p || p.closed) continue;
      const report = await p.getStats().catch(() => new Map());
      for (const v of report.values() as Iterable<Record<string, unknown>>) {
        if (v.type !== 'outbound-rtp') continue;
        bytesSent[kind] += Number(v.bytesSent ?? 0) + Number(v.headerBytesSent ?? 0);
        packetsSent[kind] += Number(v.packetsSent ?? 0);
      }
    }
    return {
      now: performance.now() - this.#startedAt,
      joinedAt: this.#joinedAt === null ? null : this.#joinedAt - this.#startedAt,
      connectedAt: this.#connectedAt === null ? null : this.#connectedAt - this.#startedAt,
      firstAudioAt: this.#firstAudioAt === null ? null : this.#firstAudioAt - this.#startedAt,
      notices: this.#notices.map((n) => ({ ...n, at: n.at - this.#startedAt })),
      consumers,
      bytesSent,
      packetsSent,
      cameraProduced: !!this.#cam,
      cameraPaused: this.#cam ? this.#cam.paused : null,
      endpointId: this.#endpointId,
    };
  }

  async leave(): Promise<void> {
    this.#link?.stop();
    await this.request('meeting:leave', {}).catch(() => undefined);
    this.#socket?.disconnect();
    this.#send?.close();
    this.#recv?.close();
    this.#stream?.getTracks().forEach((t) => t.stop());
  }

  async #produceCamera(): Promise<void> {
    const track = this.#stream?.getVideoTracks()[0];
    if (!track || !this.#send || this.#cam) return;
    this.#cam = await this.#send.produce({
      track,
      encodings: cameraEncodings(),
      codecOptions: cameraCodecOptions,
      // A paused camera sends nothing at all (not black frames) on a poor uplink.
      zeroRtpOnPause: true,
      appData: { source: 'camera' },
    });
    // Apply the current plan (layers under the estimate) at once.
    const n = this.#link?.notice;
    if (n) await this.#link?.handleNotice(n);
  }

  async #setCameraPaused(paused: boolean): Promise<void> {
    const cam = this.#cam;
    if (!cam) return;
    if (paused) cam.pause();
    else cam.resume();
    await this.request(paused ? 'media:pauseProducer' : 'media:resumeProducer', {
      producerId: cam.id,
    });
  }

  async #consume(producerIds: string[]): Promise<void> {
    if (producerIds.length === 0 || !this.#device || !this.#recv) return;
    const r = await this.request<{
      consumers: {
        id: string;
        producerId: string;
        endpointId: string;
        kind: 'audio' | 'video';
        rtpParameters: Parameters<Transport['consume']>[0]['rtpParameters'];
      }[];
    }>('media:consume', { producerIds, rtpCapabilities: this.#device.rtpCapabilities });
    const ids: string[] = [];
    for (const c of r.consumers) {
      const consumer = await this.#recv.consume({
        id: c.id,
        producerId: c.producerId,
        kind: c.kind,
        rtpParameters: c.rtpParameters,
      });
      const element = document.createElement(c.kind === 'audio' ? 'audio' : 'video');
      element.srcObject = new MediaStream([consumer.track]);
      element.muted = c.kind === 'video';
      element.autoplay = true;
      document.body.append(element);
      void element.play().catch(() => undefined);
      this.#consumers.set(consumer.id, { consumer, endpointId: c.endpointId, element });
      ids.push(c.id);
    }
    if (ids.length) await this.request('media:resumeConsumers', { consumerIds: ids });
  }

  async #watchFirstAudio(): Promise<void> {
    while (this.#firstAudioAt === null && this.#socket?.connected) {
      for (const r of this.#consumers.values()) {
        if (r.consumer.kind !== 'audio') continue;
        const report = await r.consumer.getStats().catch(() => new Map());
        for (const v of report.values() as Iterable<Record<string, unknown>>) {
          if (
            v.type === 'inbound-rtp' &&
            Number(v.packetsReceived ?? 0) > 0 &&
            this.#firstAudioAt === null
          ) {
            this.#firstAudioAt = Math.min(
              performance.now(),
              Number(v.lastPacketReceivedTimestamp ?? Infinity),
            );
          }
        }
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

declare global {
  interface Window {
    gbProbe: Probe;
  }
}

window.gbProbe = new Probe();
