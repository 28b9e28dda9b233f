import type { types as ms } from 'mediasoup';
import { AppError } from '@giaoban/common/errors';
import type { RouterSlot } from './routerSlot';
import type { MediaSource, TransportDirection, WebRtcTransportParams } from './mediaTypes';

/**
 * How an endpoint's two transports are made. Browsers use WebRTC through the
 * worker's WebRtcServer; benchmarks and tests use PlainTransports (RTP over UDP,
 * optionally SRTP) to load the SFU without browsers.
 */
export type TransportSpec =
  | { type: 'webrtc'; initialAvailableOutgoingBitrate?: number }
  | { type: 'plain'; listenIp?: string; comedia?: boolean; enableSrtp?: boolean };

export type EndpointTransport = ms.WebRtcTransport | ms.PlainTransport;

export interface ProducerAppData extends ms.AppData {
  endpointId: string;
  source: MediaSource;
}

export interface ProduceOptions {
  kind: ms.MediaKind;
  rtpParameters: ms.RtpParameters;
  source: MediaSource;
  paused?: boolean;
}

/**
 * One participant's media on one router: a send and a receive transport, its
 * producers and consumers. Closing it closes its transports, which closes
 * everything they carry (and the other endpoints' consumers of its producers).
 */
export class Endpoint {
  readonly id: string;
  readonly unitId: string;
  readonly slot: RouterSlot;
  readonly sendTransport: EndpointTransport;
  readonly recvTransport: EndpointTransport;
  readonly #producers = new Map<string, ms.Producer<ProducerAppData>>();
  readonly #consumers = new Map<string, ms.Consumer>();
  #closed = false;

  private constructor(
    id: string,
    unitId: string,
    slot: RouterSlot,
    send: EndpointTransport,
    recv: EndpointTransport,
  ) {
    this.id = id;
    this.unitId = unitId;
    this.slot = slot;
    this.sendTransport = send;
    this.recvTransport = recv;
  }

  static async create(opts: {
    id: string;
    unitId: string;
    slot: RouterSlot;
    transport: TransportSpec;
  }): Promise<Endpoint> {
    const { slot, transport: spec } = opts;
    const make = (direction: TransportDirection): Promise<EndpointTransport> => {
      const appData = { endpointId: opts.id, direction };
      if (spec.type === 'webrtc') {
        return slot.router.createWebRtcTransport({
          webRtcServer: slot.worker.webRtcServer,
          enableUdp: true,
          enableTcp: true,
          preferUdp: true,
          // Conservative start: a commune link must not be flooded before BWE settles.
          initialAvailableOutgoingBitrate: spec.initialAvailableOutgoingBitrate ?? 300_000,
          appData,
        });
      }
      return slot.router.createPlainTransport({
        listenInfo: { protocol: 'udp', ip: spec.listenIp ?? '127.0.0.1' },
        rtcpMux: true,
        comedia: spec.comedia ?? direction === 'send',
        enableSrtp: spec.enableSrtp ?? false,
        appData,
      });
    };
    const send = await make('send');
    let recv: EndpointTransport;
    try {
      recv = await make('recv');
    } catch (err) {
      send.close();
      throw err;
    }
    return new Endpoint(opts.id, opts.unitId, slot, send, recv);
  }

  get closed(): boolean {
    return this.#closed;
  }

  transport(id: string): EndpointTransport {
    if (this.sendTransport.id === id) return this.sendTransport;
    if (this.recvTransport.id === id) return this.recvTransport;
    throw new AppError('NOT_FOUND', { transportId: id });
  }

  /** ICE/DTLS parameters the browser needs for one of the two WebRTC transports. */
  webRtcParams(direction: TransportDirection): WebRtcTransportParams {
    const t = direction === 'send' ? this.sendTransport : this.recvTransport;
    if (t.type !== 'webrtc')
      throw new AppError('BAD_REQUEST', { reason: 'not a WebRTC transport' });
    const w = t as ms.WebRtcTransport;
    return {
      id: w.id,
      iceParameters: w.iceParameters,
      iceCandidates: w.iceCandidates,
      dtlsParameters: w.dtlsParameters,
    };
  }

  async connectWebRtc(transportId: string, dtlsParameters: ms.DtlsParameters): Promise<void> {
    const t = this.transport(transportId);
    if (t.type !== 'webrtc')
      throw new AppError('BAD_REQUEST', { reason: 'not a WebRTC transport' });
    await refusedAsBadRequest('connect', (t as ms.WebRtcTransport).connect({ dtlsParameters }));
  }

  async restartIce(transportId: string): Promise<ms.IceParameters> {
    const t = this.transport(transportId);
    if (t.type !== 'webrtc')
      throw new AppError('BAD_REQUEST', { reason: 'not a WebRTC transport' });
    return refusedAsBadRequest('restartIce', (t as ms.WebRtcTransport).restartIce());
  }

  async produce(opts: ProduceOptions): Promise<ms.Producer<ProducerAppData>> {
    // One producer per source: a re-published camera replaces the old one.
    for (const p of this.#producers.values()) {
      if (p.appData.source === opts.source) this.closeProducer(p.id);
    }
    const producer = await refusedAsBadRequest(
      'produce',
      this.sendTransport.produce<ProducerAppData>({
        kind: opts.kind,
        rtpParameters: opts.rtpParameters,
        paused: opts.paused ?? false,
        appData: { endpointId: this.id, source: opts.source },
      }),
    );
    this.#producers.set(producer.id, producer);
    producer.observer.once('close', () => this.#producers.delete(producer.id));
    return producer;
  }

  /**
   * Consumes a producer that is already available on this endpoint's router.
   * Starts paused. `audioNack`: an audio consumer keeps NACK (mediasoup drops it
   * from audio consumers unless `enableRtx`; video has it anyway).
   */
  async consume(
    producerId: string,
    rtpCapabilities: ms.RtpCapabilities,
    o: { audioNack?: boolean } = {},
  ): Promise<ms.Consumer> {
    if (!this.slot.router.canConsume({ producerId, rtpCapabilities })) {
      throw new AppError('BAD_REQUEST', { reason: 'cannot consume', producerId });
    }
    const consumer = await refusedAsBadRequest(
      'consume',
      this.recvTransport.consume({
        producerId,
        rtpCapabilities,
        paused: true,
        ...(o.audioNack && { enableRtx: true }),
      }),
    );
    this.#consumers.set(consumer.id, consumer);
    consumer.observer.once('close', () => this.#consumers.delete(consumer.id));
    return consumer;
  }

  producer(id: string): ms.Producer<ProducerAppData> {
    const p = this.#producers.get(id);
    if (!p) throw new AppError('NOT_FOUND', { producerId: id });
    return p;
  }

  consumer(id: string): ms.Consumer {
    const c = this.#consumers.get(id);
    if (!c) throw new AppError('NOT_FOUND', { consumerId: id });
    return c;
  }

  get producers(): ms.Producer<ProducerAppData>[] {
    return [...this.#producers.values()];
  }

  get consumers(): ms.Consumer[] {
    return [...this.#consumers.values()];
  }

  closeProducer(id: string): void {
    this.producer(id).close();
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.sendTransport.close();
    this.recvTransport.close();
  }
}

/**
 * What the worker refuses in a request a client shaped (a second `connect` of
 * a transport, a `mid` already in use, parameters it cannot use) is the
 * client's mistake: BAD_REQUEST with the worker's reason, not INTERNAL with a
 * stack trace. A closed transport or channel (InvalidStateError) stays what
 * it is: the endpoint is going away.
 */
async function refusedAsBadRequest<T>(operation: string, request: Promise<T>): Promise<T> {
  try {
    return await request;
  } catch (err) {
    if (err instanceof AppError || !(err instanceof Error) || err.name === 'InvalidStateError')
      throw err;
    throw new AppError('BAD_REQUEST', { reason: `${operation}: ${err.message.slice(0, 200)}` });
  }
}
