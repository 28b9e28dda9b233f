import { Device } from 'mediasoup-client';
import type { IceParameters, Producer, RtpCapabilities, Transport } from 'mediasoup-client/types';
import type { JoinResponse } from '@giaoban/signaling/protocol/index';
import type { EngineEvent, MediaSource, RemoteTrack } from './engineEvents';
import { captureTrack, publish } from './localMedia';
import { SignalingClient, SignalingError } from './signalingClient';
import { wireNotifications } from './engineNotifications';
import { createTransport, type InboundStat } from './engineTransports';
import { RemoteConsumers } from './engineConsumers';
import type { LinkController } from './link/linkController';
import { startLinkController } from './engineLink';

export interface MeetingEngineOptions {
  token: string;
  meetingId: string;
  /** Stable per browser: rejoining from the same device replaces the old endpoint. */
  deviceId: string;
  url?: string;
  onEvent: (e: EngineEvent) => void;
}

/**
 * The framework-free media engine of one meeting: signaling + mediasoup-client.
 * join() brings media up in few round trips (one join, then transports connect
 * on first use, one batched consume, one batched resume); it reconnects by
 * itself (ICE restart on transport failure, full rejoin when the SFU lost us).
 */
export class MeetingEngine {
  readonly signaling: SignalingClient;
  readonly #o: MeetingEngineOptions;
  #device: Device | undefined;
  #send: Transport | undefined;
  #recv: Transport | undefined;
  readonly #producers = new Map<MediaSource, Producer>();
  readonly #remote: RemoteConsumers;
  /** Consumes and rejoins run one at a time, so notifications never race them. */
  #queue: Promise<unknown> = Promise.resolve();
  #selfId: string | undefined;
  #ended = false;
  /** Link adaptation: getStats reports up, the server's send plan applied down. */
  #link: LinkController | undefined;

  constructor(o: MeetingEngineOptions) {
    this.#o = o;
    this.signaling = new SignalingClient({ token: o.token, url: o.url });
    this.#remote = new RemoteConsumers(this.signaling, o.onEvent);
    wireNotifications(this, this.signaling, o.onEvent);
  }

  get endpointId(): string | undefined {
    return this.#selfId;
  }
  get sendTransport(): Transport | undefined {
    return this.#send;
  }
  get recvTransport(): Transport | undefined {
    return this.#recv;
  }
  producer(source: MediaSource): Producer | undefined {
    return this.#producers.get(source);
  }
  get link(): LinkController | undefined {
    return this.#link;
  }
  get remoteTracks(): RemoteTrack[] {
    return this.#remote.tracks;
  }

  async join(): Promise<JoinResponse> {
    this.#o.onEvent({ type: 'connection', state: 'connecting' });
    await this.signaling.connected();
    return this.#serial(() => this.#join());
  }

  async #join(): Promise<JoinResponse> {
    const join = await this.signaling.request('meeting:join', {
      meetingId: this.#o.meetingId,
      deviceId: this.#o.deviceId,
    });
    this.#selfId = join.self.id;
    if (!this.#device) {
      this.#device = new Device();
      await this.#device.load({
        routerRtpCapabilities: join.routerRtpCapabilities as unknown as RtpCapabilities,
      });
    }
    const onFailed = (t: Transport) => void this.restartIce(t);
    this.#send = createTransport(
      this.#device,
      'send',
      join.sendTransport,
      this.signaling,
      onFailed,
    );
    this.#recv = createTransport(
      this.#device,
      'recv',
      join.recvTransport,
      this.signaling,
      onFailed,
    );
    this.#startLink(this.#send, this.#recv);
    this.#remote.joined();
    this.#o.onEvent({ type: 'joined', join });
    this.#o.onEvent({ type: 'connection', state: 'connected' });
    const producerIds = join.endpoints.flatMap((e) => e.producers.map((p) => p.id));
    if (producerIds.length > 0) await this.#consume(producerIds);
    return join;
  }

  /** New ICE credentials from the server; the browser renegotiates over the same transport. */
  async restartIce(transport: Transport): Promise<void> {
    if (this.#ended || transport.closed || !this.signaling.socket.connected) return;
    try {
      const { iceParameters } = await this.signaling.request('media:restartIce', {
        transportId: transport.id,
      });
      await transport.restartIce({ iceParameters: iceParameters as unknown as IceParameters });
    } catch (err) {
      this.#o.onEvent({
        type: 'error',
        code: err instanceof SignalingError ? err.code : 'UNAVAILABLE',
      });
    }
  }

  consume(producerIds: string[]): Promise<void> {
    return this.#serial(() => this.#consume(producerIds));
  }

  /** A producer announced by the server: consumed with the others announced meanwhile. */
  consumeSoon(producerId: string): Promise<void> {
    return this.#remote.soon(producerId, (ids) => this.consume(ids));
  }

  async #consume(producerIds: string[]): Promise<void> {
    if (this.#recv && this.#device)
      await this.#remote.consume(this.#recv, this.#device, producerIds);
  }

  consumerClosed(consumerId: string): void {
    this.#remote.closed(consumerId);
  }

  /** Last-N: pin (or unpin) a unit's video for us, or (hosts) for everyone. Returns the pins. */
  async pin(unitId: string, pinned: boolean, forAll = false): Promise<string[]> {
    const r = await this.signaling.request(forAll ? 'video:pinForAll' : 'video:pin', {
      unitId,
      pinned,
    });
    return r.pinned;
  }

  /** Publishes a source (capturing it unless a track is given). */
  async start(source: MediaSource, track?: MediaStreamTrack): Promise<void> {
    if (!this.#send) throw new SignalingError('MEETING_NOT_OPEN');
    if (this.#producers.has(source)) return this.setEnabled(source, true);
    const t = track ?? (await captureTrack(source));
    const producer = await publish(this.#send, source, t);
    this.#producers.set(source, producer);
    // Audio first: the mic starts at the weak-link rate, the camera waits for the link.
    if (source === 'mic') await this.#link?.micProduced();
    if (source === 'camera') await this.#link?.cameraProduced();
    t.addEventListener('ended', () => void this.stop(source));
    this.#emitLocal();
  }

  async stop(source: MediaSource): Promise<void> {
    const p = this.#producers.get(source);
    if (!p) return;
    this.#producers.delete(source);
    p.close();
    p.track?.stop();
    this.#emitLocal();
    await this.signaling
      .request('media:closeProducer', { producerId: p.id })
      .catch(() => undefined);
  }

  /** Mute/unmute without renegotiating. Unmuting the mic may be refused (FLOOR_REQUIRED). */
  async setEnabled(source: MediaSource, enabled: boolean): Promise<void> {
    const p = this.#producers.get(source);
    if (!p) {
      if (enabled) await this.start(source);
      return;
    }
    if (source === 'camera') this.#link?.userCamera();
    if (enabled) {
      await this.signaling.request('media:resumeProducer', { producerId: p.id });
      p.resume();
    } else {
      p.pause();
      await this.signaling.request('media:pauseProducer', { producerId: p.id });
    }
    this.#emitLocal();
  }

  /** The user forces (or releases) audio-only; the server answers with a 'link:state'. */
  async setAudioOnly(audioOnly: boolean): Promise<void> {
    await this.signaling.request('link:audioOnly', { audioOnly });
  }

  #startLink(send: Transport, recv: Transport): void {
    this.#link?.stop();
    this.#link = startLinkController({
      signaling: this.signaling,
      send,
      recv,
      producers: this.#producers,
      changed: () => this.#emitLocal(),
    });
  }

  /** Which simulcast layer to receive for one video (tile size, link state). */
  async setPreferredLayers(
    consumerId: string,
    spatialLayer: number,
    temporalLayer?: number,
  ): Promise<void> {
    await this.signaling.request('media:setPreferredLayers', {
      consumerId,
      layers: { spatialLayer, temporalLayer },
    });
  }

  /** A host paused our microphone on the server: reflect it locally. */
  mutedByHost(): void {
    this.#producers.get('mic')?.pause();
    this.#emitLocal();
  }

  /** The SFU lost our media (or the socket could not recover): join again and republish. */
  rejoin(): Promise<void> {
    return this.#serial(async () => {
      if (this.#ended) return;
      this.#o.onEvent({ type: 'connection', state: 'reconnecting' });
      const tracks = [...this.#producers.entries()].map(([s, p]) => ({
        s,
        track: p.track,
        on: !p.paused,
      }));
      this.#closeMedia();
      await this.#join();
      for (const { s, track, on } of tracks) {
        if (track && track.readyState === 'live') {
          this.#producers.set(s, await publish(this.#send!, s, track));
          if (!on) await this.setEnabled(s, false).catch(() => undefined);
        }
      }
      this.#emitLocal();
    });
  }

  /** Per consumer: bytes received so far (getStats inbound-rtp matched by the consumer's SSRC). */
  inboundStats(): Promise<InboundStat[]> {
    return this.#remote.stats();
  }

  ended(reason: 'removed' | 'replaced' | 'closed' | 'left'): void {
    if (this.#ended) return;
    this.#ended = true;
    for (const p of this.#producers.values()) p.track?.stop();
    this.#producers.clear();
    this.#closeMedia();
    this.signaling.close();
    this.#o.onEvent({ type: 'connection', state: 'ended' });
    this.#o.onEvent({ type: 'ended', reason });
  }

  async leave(): Promise<void> {
    if (this.#ended) return;
    await this.signaling.request('meeting:leave', {}).catch(() => undefined);
    this.ended('left');
  }

  #closeMedia(): void {
    this.#link?.stop();
    this.#remote.closeAll();
    for (const p of this.#producers.values()) p.close();
    this.#producers.clear();
    this.#send?.close();
    this.#recv?.close();
    this.#send = this.#recv = undefined;
  }

  #emitLocal(): void {
    const on = (s: MediaSource) => {
      const p = this.#producers.get(s);
      return !!p && !p.paused;
    };
    this.#o.onEvent({ type: 'local', mic: on('mic'), camera: on('camera'), screen: on('screen') });
  }

  #serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(fn, fn);
    this.#queue = run.catch(() => undefined);
    return run;
  }
}
