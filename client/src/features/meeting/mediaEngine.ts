import { Device } from 'mediasoup-client';
import type { IceParameters, Producer, RtpCapabilities, Transport } from 'mediasoup-client/types';
import type { JoinResponse } from '@giaoban/signaling/protocol/index';
import type { JoinLink } from '@giaoban/signaling/protocol/meeting';
import type { LinkNotice } from '@giaoban/signaling/protocol/link';
import type { ReconnectReason } from '@giaoban/signaling/protocol/media';
import type { EndedReason, EngineEvent, MediaSource, RemoteTrack } from './engineEvents';
import { LocalSources, mergeHeld, type HeldSource } from './engineSources';
import { SignalingClient, SignalingError } from './signalingClient';
import { wireNotifications } from './engineNotifications';
import { createTransport, type InboundStat } from './engineTransports';
import { RemoteConsumers } from './engineConsumers';
import type { LinkController } from './link/linkController';
import { startLinkController } from './engineLink';
import { rejoinDelayMs, rejoinRetryable } from './rejoinBackoff';
import { IcePathController } from './icePath';
import { markJoin } from './joinTrace';

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
 * prepare() does what can be done before the click; join() is then one round
 * trip (the answer carries the consumers, already resumed) plus ICE and DTLS:
 * transports connect on first use without waiting for the server's answer. It
 * reconnects by itself (ICE restart on transport failure, full rejoin when the
 * SFU lost us).
 */
export class MeetingEngine {
  readonly signaling: SignalingClient;
  readonly #o: MeetingEngineOptions;
  #device: Device | undefined;
  #send: Transport | undefined;
  #recv: Transport | undefined;
  readonly #sources: LocalSources;
  readonly #remote: RemoteConsumers;
  /** Consumes and rejoins run one at a time, so notifications never race them. */
  #queue: Promise<unknown> = Promise.resolve();
  #selfId: string | undefined;
  #ended = false;
  /** Link adaptation: getStats reports up, the server's send plan applied down. */
  #link: LinkController | undefined;
  #dtlsServer = false;
  #linkNotice: LinkNotice | undefined;
  /** Sources a failed rejoin could not publish again: the next rejoin does. */
  #unpublished: HeldSource[] = [];
  #prepared: Promise<void> | undefined;
  /** The socket our capabilities were told on: a new socket (long outage) must tell them again. */
  #preparedSocket: string | undefined;
  /** Direct first, relay-only when direct does not connect; TURN credentials kept fresh. */
  readonly #ice: IcePathController;

  constructor(o: MeetingEngineOptions) {
    this.#o = o;
    markJoin('engine created');
    // The meeting id in the handshake lets a cluster's balancer route every socket of a
    // meeting to the signaling node that holds its room (infra/src/cluster).
    this.signaling = new SignalingClient({
      token: o.token,
      url: o.url,
      query: { meetingId: o.meetingId },
    });
    this.#remote = new RemoteConsumers(this.signaling, o.onEvent, (ids) => {
      if (!this.#ended) void this.consume(ids).catch(() => undefined);
    });
    this.#sources = new LocalSources({
      signaling: this.signaling,
      emit: o.onEvent,
      send: () => this.#send,
      link: () => this.#link,
      serial: (fn) => this.#serial(fn),
    });
    wireNotifications(this, this.signaling, o.onEvent);
    this.#ice = new IcePathController({
      fetchTurn: () => this.signaling.request('media:iceServers', {}).then((r) => r.turn),
      restartIce: (t) => this.restartIce(t),
      onPath: (info) => o.onEvent({ type: 'icePath', info }),
    });
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
    return this.#sources.producers.get(source);
  }
  get link(): LinkController | undefined {
    return this.#link;
  }

  /**
   * A 'link:state' notice. The server may send the first one before the join
   * answer (attaching the link is part of the join): kept, and handed to the
   * LinkController that the answer starts. On a steady 2G link it is the only
   * notice for a long time.
   */
  linkNotice(notice: LinkNotice): void {
    this.#linkNotice = notice;
    void this.#link?.handleNotice(notice);
  }
  get remoteTracks(): RemoteTrack[] {
    return this.#remote.tracks;
  }

  /**
   * Everything a join needs before the user clicks (pre-join screen, emergency
   * alert): the socket, the join check, the Device loaded, our receive
   * capabilities told to the server. Then join() is one round trip plus ICE/DTLS.
   * Idempotent per socket; a failure (not invited, not open yet) is thrown and retried next time.
   */
  prepare(): Promise<void> {
    // One at a time: a click while the pre-join's prepare runs waits for it (not a second one).
    const current =
      this.#preparedSocket === undefined || this.#preparedSocket === this.signaling.socket.id;
    if (this.#prepared && current) return this.#prepared;
    this.#preparedSocket = undefined;
    const run = (this.#prepared = this.#prepare().catch((err: unknown) => {
      if (this.#prepared === run) this.#prepared = undefined;
      throw err;
    }));
    return run;
  }

  async #prepare(): Promise<void> {
    markJoin('prepare');
    await this.signaling.connected();
    markJoin('prepare: socket connected');
    const socketId = this.signaling.socket.id;
    if (!this.#device) {
      const { routerRtpCapabilities, turn } = await this.signaling.request('meeting:prepare', {
        meetingId: this.#o.meetingId,
      });
      this.#ice.setTurn(turn);
      const device = new Device();
      await device.load({
        routerRtpCapabilities: routerRtpCapabilities as unknown as RtpCapabilities,
      });
      this.#device = device;
    }
    // Told, not awaited: socket.io keeps order and the server runs one socket's requests one
    // after another, so a join sent right after finds them (a click during the prepare saves a
    // round trip, 500 ms on GPRS). If they were refused, the join's answer carries no consumers
    // and the engine consumes with its capabilities (the cold path).
    this.#preparedSocket = socketId;
    const told = this.signaling.request('media:capabilities', {
      rtpCapabilities: this.#device.recvRtpCapabilities as unknown as Record<string, unknown>,
    });
    told.catch(() => {
      if (this.#preparedSocket !== socketId) return;
      this.#prepared = undefined; // told again by the next prepare()
      this.#preparedSocket = undefined;
    });
  }

  /**
   * Joins. `link`: what the device knows of its link (a measured good link
   * starts with video, else audio first) and the user's audio-only choice.
   */
  async join(link?: JoinLink): Promise<JoinResponse> {
    this.#o.onEvent({ type: 'connection', state: 'connecting' });
    markJoin('join called');
    await this.prepare();
    markJoin('prepared');
    return this.#serial(() => this.#join(link));
  }

  async #join(link: JoinLink | undefined): Promise<JoinResponse> {
    // A weak or unknown link: the SFU opens DTLS (engineTransports.ts); a rejoin keeps the choice.
    if (link) this.#dtlsServer = link.measured !== 'good';
    const join = await this.signaling.request('meeting:join', {
      meetingId: this.#o.meetingId,
      deviceId: this.#o.deviceId,
      ...(link ? { link } : {}),
    });
    this.#selfId = join.self.id;
    this.#ice.setTurn(join.turn);
    if (!this.#device) {
      if (!join.routerRtpCapabilities) throw new SignalingError('UNAVAILABLE');
      this.#device = new Device();
      await this.#device.load({
        routerRtpCapabilities: join.routerRtpCapabilities as unknown as RtpCapabilities,
      });
    }
    const onFailed = (t: Transport) => void this.restartIce(t);
    // The server never learnt our DTLS parameters: only a new join brings media back.
    const onConnectFailed = () => {
      // A dropped socket rejoins by itself once it is back (engineNotifications).
      if (this.#ended || !this.signaling.socket.connected) return;
      void this.rejoin().catch(() => this.#o.onEvent({ type: 'error', code: 'UNAVAILABLE' }));
    };
    const wire = (direction: 'send' | 'recv', t: JoinResponse['sendTransport']) => {
      const ice = this.#ice.transportOptions();
      const transport = createTransport(
        this.#device!,
        direction,
        t,
        this.signaling,
        onFailed,
        onConnectFailed,
        ice,
        this.#dtlsServer,
      );
      this.#ice.watch(transport);
      return transport;
    };
    this.#send = wire('send', join.sendTransport);
    this.#recv = wire('recv', join.recvTransport);
    this.#startLink(this.#send, this.#recv);
    this.#remote.joined(join.consumers !== undefined);
    this.#o.onEvent({ type: 'joined', join });
    this.#o.onEvent({ type: 'connection', state: 'connected' });
    // Hearing first: the consumers came with the answer; anything it did not cover is consumed now.
    if (join.consumers?.length) await this.#remote.adopt(this.#recv, join.consumers);
    markJoin('consumers adopted');
    const rest = this.#remote.missing(join.endpoints.flatMap((e) => e.producers.map((p) => p.id)));
    if (rest.length > 0) await this.#consume(rest);
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

  /** Publishes a source (capturing it unless a track is given); a camera may wait for the link. */
  start(source: MediaSource, track?: MediaStreamTrack): Promise<void> {
    return this.#sources.start(source, track);
  }

  /** A camera captured and waiting for the link to allow video. */
  get cameraWaiting(): boolean {
    return this.#sources.cameraWaiting;
  }

  stop(source: MediaSource): Promise<void> {
    return this.#sources.stop(source);
  }

  /** Mute/unmute without renegotiating. Unmuting the mic may be refused (FLOOR_REQUIRED). */
  setEnabled(source: MediaSource, enabled: boolean): Promise<void> {
    return this.#sources.setEnabled(source, enabled);
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
      producers: this.#sources.producers,
      changed: () => this.#sources.emitLocal(),
      videoAllowed: (allowed) => this.#sources.videoAllowed(allowed),
    });
    // Only a notice about this join's endpoint (a rejoin gets a new one).
    const early = this.#linkNotice;
    if (early && early.endpointId === this.#selfId) void this.#link.handleNotice(early);
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
    this.#sources.mutedByHost();
  }

  /** The SFU lost our media (or the socket could not recover): join again and republish. */
  rejoin(reason?: ReconnectReason): Promise<void> {
    return this.#serial(async () => {
      if (this.#ended) return;
      this.#o.onEvent({ type: 'connection', state: 'reconnecting', reason });
      // What a failed rejoin could not publish again is kept for the next one.
      const held = mergeHeld(this.#unpublished, this.#closeMedia());
      this.#unpublished = [];
      // With every worker dead (SFU_WORKERS=1) the first tries meet UNAVAILABLE: keep trying.
      for (let attempt = 0; ; attempt++) {
        try {
          await this.#join(this.#rejoinLink());
          // The new link starts audio first again: a camera waits for it (or stays off).
          await this.#sources.republish(held);
          return;
        } catch (err) {
          this.#closeMedia();
          if (this.#ended || !rejoinRetryable(err)) {
            this.#unpublished = held;
            throw err;
          }
          await new Promise((r) => setTimeout(r, rejoinDelayMs(attempt)));
          if (this.#ended) return;
        }
      }
    });
  }

  /** A rejoin starts where the link was: with video if it carried video, the user's choice kept. */
  #rejoinLink(): JoinLink | undefined {
    const n = this.#linkNotice;
    if (!n || n.endpointId !== this.#selfId) return undefined;
    const carried = !n.audioOnly || n.forced;
    const bad =
      n.down === 'poor' || n.down === 'critical' || n.up === 'poor' || n.up === 'critical';
    return { measured: carried && !bad ? 'good' : 'weak', audioOnly: n.forced };
  }

  /** Per consumer: bytes received so far (getStats inbound-rtp matched by the consumer's SSRC). */
  inboundStats(): Promise<InboundStat[]> {
    return this.#remote.stats();
  }

  ended(reason: EndedReason): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#ice.stop();
    this.#sources.stopAll();
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

  /** Closes transports, consumers and producers; returns what was being sent. */
  #closeMedia(): HeldSource[] {
    this.#link?.stop();
    this.#remote.closeAll();
    const held = this.#sources.closeAll();
    this.#send?.close();
    this.#recv?.close();
    this.#send = this.#recv = undefined;
    return held;
  }

  #serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(fn, fn);
    this.#queue = run.catch(() => undefined);
    return run;
  }
}
