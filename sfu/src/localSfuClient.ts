import { EventEmitter } from 'node:events';
import type { types as ms } from 'mediasoup';
import { AppError } from '@giaoban/common/errors';
import type { Logger } from '@giaoban/common/logger';
import { loadSfuConfig, recordingSettings } from './config';
import {
  audioRepair,
  clientRtpCapabilities,
  consumerRtpCapabilities,
  mediaCodecs,
  type AudioRepairMode,
} from './codecs';
import { Meeting } from './meeting';
import type { ClientLinkReport } from './link/endpointLink';
import { LinkSupervisor, type AttachOptions, type LinkStateEvent } from './link/linkSupervisor';
import type {
  ConsumerLayers,
  ConsumerParams,
  MediaSource,
  PlainJoin,
  PlainTransportParams,
  ProducerInfo,
  RouterInfo,
} from './mediaTypes';
import type { MediaJoin, SfuClient, SfuEvent } from './sfuClient';
import { Recorders, type RecordingSettings } from './recording/recorders';
import type { RecordingResult, RecordingStatus, StartRecording } from './recording/recordingTypes';
import type { PooledWorker, WorkerPool } from './workerPool';

export interface LocalSfuOptions {
  consumerBudget: number;
  /** LAST_N_VIDEOS: videos a receiver gets at most (default 9; its link may allow fewer). */
  lastN?: number;
  h264?: boolean;
  /** Where and with what meetings are recorded (default: recordingSettings of the env's config). */
  recording?: RecordingSettings;
  /** AUDIO_REPAIR: how lost audio is repaired (FEC rate, audio NACK); default auto. */
  audioRepair?: AudioRepairMode;
  /** LINK_TRACE_DIR: the packets the uplink fall watch sees, written per endpoint (diagnostics). */
  linkTraceDir?: string;
  /** PLAIN_RTP_IP: where phone endpoints' PlainTransports listen (default: the env's config). */
  plainRtpIp?: string;
  log: Logger;
}

/**
 * SfuClient for the SFU node in this process: meetings live on this node's
 * WorkerPool. New routers go to the worker carrying the fewest routers.
 */
export class LocalSfuClient implements SfuClient {
  readonly #pool: WorkerPool;
  readonly #opts: LocalSfuOptions;
  readonly #meetings = new Map<string, Promise<Meeting>>();
  /** Meetings already created, for synchronous placement decisions. */
  readonly #live = new Map<string, Meeting>();
  #capabilities: Promise<ms.RtpCapabilities> | undefined;
  readonly #events = new EventEmitter<{ event: [SfuEvent] }>();
  /** Link adaptation of every endpoint on this node. */
  readonly #links: LinkSupervisor;
  /** The meetings recorded on this node. */
  readonly recorders: Recorders;
  readonly #repair: { fec: boolean; nack: boolean };
  readonly #onReplaced = () => {
    for (const pending of this.#meetings.values()) {
      void pending
        .then((m) => m.ensureRouter())
        .catch((err: unknown) => {
          this.#opts.log.error({ err }, 'could not re-create a meeting router');
        });
    }
  };

  constructor(pool: WorkerPool, opts: LocalSfuOptions) {
    this.#pool = pool;
    this.#opts = opts;
    this.#repair = audioRepair(opts.audioRepair ?? 'auto');
    this.#links = new LinkSupervisor({
      fecRepair: this.#repair.fec,
      nackRepair: this.#repair.nack,
      traceDir: opts.linkTraceDir,
      log: opts.log.child({ part: 'link' }),
      lastN: opts.lastN,
      onEvent: (e) => this.#events.emit('event', e),
    });
    pool.on('replaced', this.#onReplaced);
    this.recorders = new Recorders(
      opts.recording ?? recordingSettings(loadSfuConfig()),
      opts.log.child({ part: 'recording' }),
      (e) => this.#events.emit('event', e),
    );
  }

  /** In-process access to a meeting (benchmarks, tests); undefined when it has no media yet. */
  async meeting(meetingId: string): Promise<Meeting | undefined> {
    return this.#meetings.get(meetingId);
  }

  async join(req: {
    meetingId: string;
    endpointId: string;
    unitId: string;
    link?: AttachOptions;
    group?: string;
  }): Promise<MediaJoin> {
    const meeting = await this.#getOrCreate(req.meetingId);
    // A rejoin with the same endpoint id replaces the old media.
    if (meeting.hasEndpoint(req.endpointId)) meeting.removeEndpoint(req.endpointId);
    const endpoint = await meeting.addEndpoint({
      id: req.endpointId,
      unitId: req.unitId,
      group: req.group,
      transport: { type: 'webrtc' },
    });
    this.#links.attach(meeting, endpoint, req.link);
    return {
      routerRtpCapabilities: clientRtpCapabilities(meeting.rtpCapabilities, {
        audioNack: this.#repair.nack,
      }),
      sendTransport: endpoint.webRtcParams('send'),
      recvTransport: endpoint.webRtcParams('recv'),
      producers: meeting.producers().filter((p) => p.endpointId !== endpoint.id),
    };
  }

  async joinPlain(req: Parameters<SfuClient['joinPlain']>[0]): Promise<PlainJoin> {
    const meeting = await this.#getOrCreate(req.meetingId);
    if (meeting.hasEndpoint(req.endpointId)) meeting.removeEndpoint(req.endpointId);
    const listenIp = this.#opts.plainRtpIp ?? loadSfuConfig().PLAIN_RTP_IP;
    const endpoint = await meeting.addEndpoint({
      id: req.endpointId,
      unitId: req.unitId,
      group: req.group,
      transport: { type: 'plain', listenIp, comedia: undefined },
    });
    const recv = endpoint.recvTransport as ms.PlainTransport;
    try {
      await recv.connect({ ip: req.recvTo.ip, port: req.recvTo.port });
    } catch (err) {
      meeting.removeEndpoint(req.endpointId);
      throw new AppError('BAD_REQUEST', { reason: `recvTo: ${(err as Error).message}` });
    }
    const params = (t: ms.PlainTransport): PlainTransportParams => ({
      id: t.id,
      ip: t.tuple.localAddress || t.tuple.localIp,
      port: t.tuple.localPort,
    });
    return {
      send: params(endpoint.sendTransport as ms.PlainTransport),
      recv: params(recv),
      producers: meeting.producers().filter((p) => p.endpointId !== endpoint.id),
    };
  }

  routerRtpCapabilities(): Promise<ms.RtpCapabilities> {
    this.#capabilities ??= this.#probeCapabilities().catch((err: unknown) => {
      this.#capabilities = undefined;
      throw err;
    });
    return this.#capabilities;
  }

  /** A throwaway router with the meetings' codec list: mediasoup assigns the same payload types. */
  async #probeCapabilities(): Promise<ms.RtpCapabilities> {
    const worker = this.#pool.workers.find((w) => !w.worker.closed);
    if (!worker) throw new AppError('UNAVAILABLE', { reason: 'no mediasoup worker' });
    const router = await worker.worker.createRouter({
      mediaCodecs: mediaCodecs({ h264: this.#opts.h264 }),
    });
    const caps = clientRtpCapabilities(router.rtpCapabilities, { audioNack: this.#repair.nack });
    router.close();
    return caps;
  }

  async leave(meetingId: string, endpointId: string): Promise<void> {
    const meeting = await this.#meetings.get(meetingId)?.catch(() => undefined);
    meeting?.removeEndpoint(endpointId);
  }

  async connectTransport(
    meetingId: string,
    endpointId: string,
    transportId: string,
    dtlsParameters: ms.DtlsParameters,
  ): Promise<void> {
    await (await this.#endpoint(meetingId, endpointId)).connectWebRtc(transportId, dtlsParameters);
  }

  async restartIce(
    meetingId: string,
    endpointId: string,
    transportId: string,
  ): Promise<ms.IceParameters> {
    return (await this.#endpoint(meetingId, endpointId)).restartIce(transportId);
  }

  async produce(
    meetingId: string,
    endpointId: string,
    req: {
      kind: ms.MediaKind;
      rtpParameters: ms.RtpParameters;
      source: MediaSource;
      paused?: boolean;
    },
  ): Promise<ProducerInfo> {
    return (await this.#meeting(meetingId)).produce(endpointId, req);
  }

  async closeProducer(meetingId: string, endpointId: string, producerId: string): Promise<void> {
    (await this.#endpoint(meetingId, endpointId)).closeProducer(producerId);
  }

  async pauseProducer(meetingId: string, producerId: string): Promise<void> {
    await (await this.#meeting(meetingId)).producer(producerId).pause();
  }

  async resumeProducer(meetingId: string, producerId: string): Promise<void> {
    await (await this.#meeting(meetingId)).producer(producerId).resume();
  }

  async consume(
    meetingId: string,
    endpointId: string,
    producerId: string,
    rtpCapabilities: ms.RtpCapabilities,
  ): Promise<ConsumerParams> {
    const audioNack = this.#repair.nack;
    return (await this.#meeting(meetingId)).consume(
      endpointId,
      producerId,
      consumerRtpCapabilities(rtpCapabilities, { audioNack }),
      { audioNack },
    );
  }

  async pauseConsumer(meetingId: string, endpointId: string, consumerId: string): Promise<void> {
    // Under link control the consumer runs only if both the client and the link plan allow it.
    if (await this.#links.setConsumerRunning(meetingId, endpointId, consumerId, false)) return;
    await (await this.#endpoint(meetingId, endpointId)).consumer(consumerId).pause();
  }

  async resumeConsumer(meetingId: string, endpointId: string, consumerId: string): Promise<void> {
    if (await this.#links.setConsumerRunning(meetingId, endpointId, consumerId, true)) return;
    await (await this.#endpoint(meetingId, endpointId)).consumer(consumerId).resume();
  }

  async setPreferredLayers(
    meetingId: string,
    endpointId: string,
    consumerId: string,
    layers: ConsumerLayers,
  ): Promise<void> {
    const consumer = (await this.#endpoint(meetingId, endpointId)).consumer(consumerId);
    // Audio and simple consumers have no layers; asking is harmless, not an error.
    if (consumer.type === 'simulcast' || consumer.type === 'svc')
      await consumer.setPreferredLayers(layers);
  }

  async producers(meetingId: string): Promise<ProducerInfo[]> {
    return (await this.#meeting(meetingId)).producers();
  }

  async routers(meetingId: string): Promise<RouterInfo[]> {
    return (await this.#meeting(meetingId)).routers();
  }

  async closeMeeting(meetingId: string): Promise<void> {
    const pending = this.#meetings.get(meetingId);
    this.#meetings.delete(meetingId);
    (await pending?.catch(() => undefined))?.close();
  }

  onEvent(listener: (event: SfuEvent) => void): () => void {
    this.#events.on('event', listener);
    return () => this.#events.off('event', listener);
  }

  async reportLink(meetingId: string, endpointId: string, report: ClientLinkReport): Promise<void> {
    this.#links.report(meetingId, endpointId, report);
  }

  async setAudioOnly(meetingId: string, endpointId: string, audioOnly: boolean): Promise<void> {
    await this.#links.setAudioOnly(meetingId, endpointId, audioOnly);
  }

  async setFloor(meetingId: string, endpointId: string | null): Promise<void> {
    await this.#links.setFloor(meetingId, endpointId);
  }

  async pinVideo(
    meetingId: string,
    endpointId: string,
    unitId: string,
    pinned: boolean,
  ): Promise<string[]> {
    await this.#endpoint(meetingId, endpointId);
    return this.#links.pin(meetingId, endpointId, unitId, pinned);
  }

  async hostPinVideo(meetingId: string, unitId: string, pinned: boolean): Promise<string[]> {
    await this.#meeting(meetingId);
    return this.#links.hostPin(meetingId, unitId, pinned);
  }

  async linkState(meetingId: string, endpointId: string): Promise<LinkStateEvent | undefined> {
    return this.#links.snapshot(meetingId, endpointId);
  }

  async startRecording(meetingId: string, req: StartRecording): Promise<RecordingStatus> {
    return this.recorders.start(await this.#meeting(meetingId), req);
  }

  stopRecording(
    meetingId: string,
    req: { recordingId: string; startedAt: number },
  ): Promise<RecordingResult> {
    return this.recorders.stop(meetingId, req.recordingId, req.startedAt);
  }

  async close(): Promise<void> {
    await this.recorders.close();
    this.#links.close();
    this.#pool.off('replaced', this.#onReplaced);
    for (const id of [...this.#meetings.keys()]) await this.closeMeeting(id);
  }

  async #forget(meetingId: string, m: Meeting): Promise<void> {
    if ((await this.#meetings.get(meetingId)?.catch(() => undefined)) === m)
      this.#meetings.delete(meetingId);
  }

  async #meeting(meetingId: string): Promise<Meeting> {
    const m = await this.#meetings.get(meetingId)?.catch(() => undefined);
    if (!m || m.closed) throw new AppError('NOT_FOUND', { meetingId });
    return m;
  }

  async #endpoint(meetingId: string, endpointId: string) {
    return (await this.#meeting(meetingId)).endpoint(endpointId);
  }

  #getOrCreate(meetingId: string): Promise<Meeting> {
    let pending = this.#meetings.get(meetingId);
    if (!pending) {
      pending = Meeting.create({
        id: meetingId,
        workers: () => this.#pool.workers,
        consumerBudget: this.#opts.consumerBudget,
        h264: this.#opts.h264,
        pickWorker: (c) => this.#leastLoaded(c),
        log: this.#opts.log,
      }).then((m) => this.#wire(m));
      pending.catch(() => this.#meetings.delete(meetingId));
      this.#meetings.set(meetingId, pending);
    }
    return pending;
  }

  #wire(m: Meeting): Meeting {
    const emit = (e: SfuEvent) => this.#events.emit('event', e);
    const meetingId = m.id;
    this.#live.set(meetingId, m);
    m.once('closed', () => {
      this.#live.delete(meetingId);
      if (this.#meetings.get(meetingId) !== undefined) void this.#forget(meetingId, m);
    });
    m.on('consumerClosed', (endpointId, consumerId, producerId) =>
      emit({ type: 'consumerClosed', meetingId, endpointId, consumerId, producerId }),
    );
    m.on('consumerLayersChanged', (endpointId, consumerId, layers) =>
      emit({ type: 'consumerLayersChanged', meetingId, endpointId, consumerId, layers }),
    );
    m.on('consumerScore', (endpointId, consumerId, score) =>
      emit({ type: 'consumerScore', meetingId, endpointId, consumerId, score }),
    );
    m.on('activeSpeaker', (endpointId) => emit({ type: 'activeSpeaker', meetingId, endpointId }));
    m.on('endpointLost', (endpointId, reason) =>
      emit({ type: 'endpointLost', meetingId, endpointId, reason }),
    );
    return m;
  }

  #leastLoaded(candidates: readonly PooledWorker[]): PooledWorker {
    const counts = new Map<number, number>();
    for (const m of this.#live.values()) {
      for (const r of m.routers()) counts.set(r.workerIndex, (counts.get(r.workerIndex) ?? 0) + 1);
    }
    const load = (w: PooledWorker) => counts.get(w.index) ?? 0;
    return [...candidates].sort((a, b) => load(a) - load(b))[0]!;
  }
}
