import { EventEmitter } from 'node:events';
import type { types as ms } from 'mediasoup';
import { AppError } from '@giaoban/common/errors';
import type { Logger } from '@giaoban/common/logger';
import { mediaCodecs } from './codecs';
import {
  Endpoint,
  type ProduceOptions,
  type ProducerAppData,
  type TransportSpec,
} from './endpoint';
import type { ConsumerLayers, ConsumerParams, ProducerInfo, RouterInfo } from './mediaTypes';
import { RouterSlot } from './routerSlot';
import type { PooledWorker } from './workerPool';
import { countMedia, type MediaCounts } from './mediaCounts';
import { orgTreePlacement, type PlacementStrategy } from './placement';
import { SpeakerMerge, watchRouterSpeakers } from './speakerMerge';

export interface MeetingOptions {
  id: string;
  /** The pool's current workers (a replaced worker appears here at its index). */
  workers: () => readonly PooledWorker[];
  /** Consumers a router takes before new endpoints go to a router on another worker. */
  consumerBudget: number;
  /** Which router a new endpoint goes to (default: orgTreePlacement). */
  placement?: PlacementStrategy;
  /** Which of these workers gets the meeting's next router. */
  pickWorker?: (candidates: readonly PooledWorker[]) => PooledWorker;
  h264?: boolean;
  log: Logger;
}

export interface MeetingEvents {
  /** A consumer closed because its producer went away (left, closed, worker died). */
  consumerClosed: [endpointId: string, consumerId: string, producerId: string];
  consumerLayersChanged: [endpointId: string, consumerId: string, layers: ConsumerLayers | null];
  consumerScore: [endpointId: string, consumerId: string, score: number];
  /** The meeting's active speaker: router dominants merged by recent level (SpeakerMerge). */
  activeSpeaker: [endpointId: string];
  /** The endpoint's router died with its worker: the client must join again. */
  endpointLost: [endpointId: string, reason: 'workerDied'];
  /** A producer was created, on this router (the recorder takes its microphones from here). */
  producerAdded: [producer: ms.Producer<ProducerAppData>, router: ms.Router];
  /** One of the meeting's routers died with its worker (before its endpoints are reported lost). */
  routerLost: [];
  closed: [];
}

/**
 * A meeting's media: its routers (one per worker it spans), endpoints and the
 * pipes between routers. Built by `Meeting.create()`, torn down by `close()`,
 * which closes every router and so everything on them.
 */
export class Meeting extends EventEmitter<MeetingEvents> {
  readonly id: string;
  readonly #opts: MeetingOptions;
  readonly #log: Logger;
  readonly #codecs: ms.RouterRtpCodecCapability[];
  readonly #slots: RouterSlot[] = [];
  readonly #endpoints = new Map<string, Endpoint>();
  /** producerId → owning endpoint, across all routers. */
  readonly #owners = new Map<string, Endpoint>();
  readonly #groups = new Map<string, string>();
  #rtpCapabilities: ms.RtpCapabilities;
  /** Placement runs one at a time so concurrent joins do not open two routers on one worker. */
  #placing: Promise<unknown> = Promise.resolve();
  #closed = false;
  readonly #speaker = new SpeakerMerge();

  private constructor(
    opts: MeetingOptions,
    first: RouterSlot,
    codecs: ms.RouterRtpCodecCapability[],
  ) {
    super();
    this.id = opts.id;
    this.#opts = opts;
    this.#log = opts.log.child({ meetingId: opts.id });
    this.#codecs = codecs;
    this.#rtpCapabilities = first.router.rtpCapabilities;
    this.#adopt(first);
  }

  static async create(opts: MeetingOptions): Promise<Meeting> {
    const codecs = mediaCodecs({ h264: opts.h264 });
    const live = opts.workers().filter((w) => !w.worker.closed);
    if (live.length === 0) throw new AppError('UNAVAILABLE', { reason: 'no mediasoup worker' });
    const worker = (opts.pickWorker ?? ((c) => c[0]!))(live);
    const first = await RouterSlot.create(worker, codecs, opts.id);
    return new Meeting(opts, first, codecs);
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Identical on every router of the meeting (same codec list). */
  get rtpCapabilities(): ms.RtpCapabilities {
    return this.#rtpCapabilities;
  }

  get endpoints(): Endpoint[] {
    return [...this.#endpoints.values()];
  }

  endpoint(id: string): Endpoint {
    const e = this.#endpoints.get(id);
    if (!e) throw new AppError('NOT_FOUND', { endpointId: id });
    return e;
  }

  hasEndpoint(id: string): boolean {
    return this.#endpoints.has(id);
  }

  /** Places a new endpoint on a router with room and opens its two transports. */
  async addEndpoint(opts: {
    id: string;
    unitId: string;
    transport: TransportSpec;
    /** Org-tree group of the unit (its district): kept on one router when possible. */
    group?: string;
  }): Promise<Endpoint> {
    this.#assertOpen();
    if (this.#endpoints.has(opts.id)) throw new AppError('CONFLICT', { endpointId: opts.id });
    const slot = await this.#place(opts.group);
    const endpoint = await Endpoint.create({
      id: opts.id,
      unitId: opts.unitId,
      transport: opts.transport,
      slot,
    });
    if (this.#closed || slot.closed) {
      endpoint.close();
      throw new AppError('UNAVAILABLE', { reason: 'router closed during join' });
    }
    this.#endpoints.set(endpoint.id, endpoint);
    slot.endpointIds.add(endpoint.id);
    if (opts.group !== undefined) {
      this.#groups.set(endpoint.id, opts.group);
      slot.groups.set(opts.group, (slot.groups.get(opts.group) ?? 0) + 1);
    }
    this.#log.debug(
      { endpointId: endpoint.id, unitId: opts.unitId, worker: slot.workerIndex },
      'endpoint placed',
    );
    return endpoint;
  }

  removeEndpoint(id: string): void {
    const e = this.#endpoints.get(id);
    if (!e) return;
    this.#endpoints.delete(id);
    e.slot.endpointIds.delete(id);
    const group = this.#groups.get(id);
    this.#groups.delete(id);
    if (group !== undefined) {
      const n = (e.slot.groups.get(group) ?? 1) - 1;
      if (n > 0) e.slot.groups.set(group, n);
      else e.slot.groups.delete(group);
    }
    for (const p of e.producers) this.#owners.delete(p.id);
    e.close();
  }

  async produce(endpointId: string, opts: ProduceOptions): Promise<ProducerInfo> {
    const endpoint = this.endpoint(endpointId);
    const producer = await endpoint.produce(opts);
    this.#owners.set(producer.id, endpoint);
    producer.observer.once('close', () => this.#owners.delete(producer.id));
    if (producer.kind === 'audio') {
      const observers = [endpoint.slot.speakers, endpoint.slot.levels];
      for (const o of observers) {
        await o.addProducer({ producerId: producer.id }).catch((err: unknown) => {
          this.#log.warn({ err, producerId: producer.id }, 'speaker observer refused producer');
        });
      }
    }
    this.emit('producerAdded', producer, endpoint.slot.router);
    return toProducerInfo(producer);
  }

  /** Every live producer of the meeting with the router it lives on. */
  producersWithRouters(): { producer: ms.Producer<ProducerAppData>; router: ms.Router }[] {
    return [...this.#endpoints.values()].flatMap((e) =>
      e.producers.map((producer) => ({ producer, router: e.slot.router })),
    );
  }

  /** Every producer of the meeting, on whichever router it lives. */
  producers(): ProducerInfo[] {
    return [...this.#owners.values()].flatMap((e) => e.producers.map(toProducerInfo));
  }

  producer(producerId: string): ms.Producer<ProducerAppData> {
    const owner = this.#owners.get(producerId);
    if (!owner) throw new AppError('NOT_FOUND', { producerId });
    return owner.producer(producerId);
  }

  /** Creates a paused consumer for `endpointId`, piping the producer to its router first if needed. */
  async consume(
    endpointId: string,
    producerId: string,
    rtpCapabilities: ms.RtpCapabilities,
    o: { audioNack?: boolean } = {},
  ): Promise<ConsumerParams> {
    const endpoint = this.endpoint(endpointId);
    const owner = this.#owners.get(producerId);
    if (!owner) throw new AppError('NOT_FOUND', { producerId });
    if (owner === endpoint) throw new AppError('BAD_REQUEST', { reason: 'own producer' });
    await this.#ensureOn(endpoint.slot, owner.slot, producerId);
    const consumer = await endpoint.consume(producerId, rtpCapabilities, o);
    const source = owner.producer(producerId).appData.source;
    consumer.on('producerclose', () =>
      this.emit('consumerClosed', endpointId, consumer.id, producerId),
    );
    consumer.on('layerschange', (layers) =>
      this.emit('consumerLayersChanged', endpointId, consumer.id, layers ?? null),
    );
    consumer.on('score', (s) => this.emit('consumerScore', endpointId, consumer.id, s.score));
    return {
      id: consumer.id,
      producerId,
      endpointId: owner.id,
      kind: consumer.kind,
      source,
      rtpParameters: consumer.rtpParameters,
      paused: consumer.paused,
      producerPaused: consumer.producerPaused,
      type: consumer.type,
    };
  }

  routers(): RouterInfo[] {
    return this.#slots.map((s) => ({
      routerId: s.id,
      workerIndex: s.workerIndex,
      endpoints: s.endpointIds.size,
      consumers: s.consumers,
    }));
  }

  /** Transports, producers and consumers that really exist in the workers (router dumps). */
  async mediaCounts(): Promise<MediaCounts> {
    return countMedia(this.#slots.map((s) => s.router));
  }

  /** After a worker was replaced: a meeting left with no router gets a new one at once. */
  async ensureRouter(): Promise<void> {
    if (this.#closed || this.#slots.length > 0) return;
    await this.#serial(async () => {
      if (this.#slots.length === 0) await this.#addSlot(this.#freeWorkers());
    });
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const e of this.#endpoints.values()) e.close();
    this.#endpoints.clear();
    for (const s of this.#slots) s.close();
    this.#slots.length = 0;
    this.emit('closed');
  }

  #assertOpen(): void {
    if (this.#closed) throw new AppError('MEETING_NOT_OPEN');
  }

  #serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.#placing.then(fn, fn);
    this.#placing = run.catch(() => undefined);
    return run;
  }

  #place(group: string | undefined): Promise<RouterSlot> {
    return this.#serial(async () => {
      this.#assertOpen();
      const budget = this.#opts.consumerBudget;
      const free = this.#freeWorkers();
      // A newcomer will consume roughly every producer present.
      const req = { group, expectedConsumers: this.#owners.size, budget };
      const choice = (this.#opts.placement ?? orgTreePlacement)(this.#slots, req, free.length > 0);
      if (choice !== 'new') {
        if (choice.consumers + req.expectedConsumers > budget && choice.endpointIds.size > 0) {
          this.#log.warn({ budget, consumers: choice.consumers }, 'every router over budget');
        }
        return choice;
      }
      return this.#addSlot(
        free.length > 0 ? free : this.#opts.workers().filter((w) => !w.worker.closed),
      );
    });
  }

  #freeWorkers(): PooledWorker[] {
    const used = new Set(this.#slots.map((s) => s.workerIndex));
    return this.#opts.workers().filter((w) => !used.has(w.index) && !w.worker.closed);
  }

  async #addSlot(candidates: readonly PooledWorker[]): Promise<RouterSlot> {
    if (candidates.length === 0)
      throw new AppError('UNAVAILABLE', { reason: 'no mediasoup worker' });
    const worker = (this.#opts.pickWorker ?? ((c) => c[0]!))(candidates);
    const slot = await RouterSlot.create(worker, this.#codecs, this.id);
    if (this.#closed) {
      slot.close();
      throw new AppError('MEETING_NOT_OPEN');
    }
    this.#adopt(slot);
    this.#log.info(
      { worker: worker.index, routers: this.#slots.length },
      'meeting spans a new router',
    );
    return slot;
  }

  #adopt(slot: RouterSlot): void {
    this.#slots.push(slot);
    watchRouterSpeakers(slot, this.#speaker, (id) => this.emit('activeSpeaker', id));
    slot.router.on('workerclose', () => this.#onRouterLost(slot));
  }

  #onRouterLost(slot: RouterSlot): void {
    const i = this.#slots.indexOf(slot);
    if (i >= 0) this.#slots.splice(i, 1);
    const speaker = this.#speaker.routerGone(slot.id, Date.now());
    if (speaker) this.emit('activeSpeaker', speaker);
    const lost = [...slot.endpointIds];
    this.emit('routerLost');
    for (const id of lost) this.removeEndpoint(id);
    this.#log.error(
      { worker: slot.workerIndex, endpoints: lost.length },
      'router lost with its worker',
    );
    for (const id of lost) this.emit('endpointLost', id, 'workerDied');
  }

  #ensureOn(target: RouterSlot, source: RouterSlot, producerId: string): Promise<void> {
    if (target === source) return Promise.resolve();
    let piping = target.piped.get(producerId);
    if (!piping) {
      piping = source.router
        .pipeToRouter({ producerId, router: target.router })
        .then(({ pipeProducer }) => {
          pipeProducer?.observer.once('close', () => target.piped.delete(producerId));
        });
      piping.catch(() => target.piped.delete(producerId));
      target.piped.set(producerId, piping);
    }
    return piping;
  }
}

function toProducerInfo(p: ms.Producer<ProducerAppData>): ProducerInfo {
  return {
    id: p.id,
    endpointId: p.appData.endpointId,
    kind: p.kind,
    source: p.appData.source,
    paused: p.paused,
  };
}
