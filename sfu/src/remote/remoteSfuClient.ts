import { EventEmitter } from 'node:events';
import { Redis } from 'ioredis';
import type { types as ms } from 'mediasoup';
import { AppError } from '@giaoban/common/errors';
import type { Logger } from '@giaoban/common/logger';
import type { ClientLinkReport } from '../link/endpointLink';
import type { LinkStateEvent } from '../link/linkSupervisor';
import type {
  ConsumerLayers,
  ConsumerParams,
  PlainJoin,
  ProducerInfo,
  RouterInfo,
} from '../mediaTypes';
import type { MediaJoin, SfuClient, SfuEvent } from '../sfuClient';
import type { RecordingResult, RecordingStatus, StartRecording } from '../recording/recordingTypes';
import { DeafNodes } from './deafNodes';
import { clusterKeys } from './keys';
import { NodeRegistry } from './nodeRegistry';
import { MeetingPlacement } from './meetingPlacement';
import { MeetingsInUse, type LostMeeting } from './meetingsInUse';
import { sfuNodeInfoSchema, type SfuArgs, type SfuMethod, type SfuNodeInfo } from './protocol';
import { SfuRpcClient } from './rpcClient';
import { watchRedisConnection } from '@giaoban/common/redisWatch';

/** Stopping mixes the whole recording (seconds per hour of meeting). */
const STOP_RECORDING_TIMEOUT_MS = 180_000;

export interface RemoteSfuOptions {
  redisUrl: string;
  log: Logger;
  /** An SFU node that does not answer a call within this is UNAVAILABLE. */
  timeoutMs?: number;
  /** How often the SFU nodes' heartbeats are checked for the meetings used here (and this client's own beat). */
  checkMs?: number;
  /** This client's heartbeat TTL: SFU nodes drop its endpoints this long after it stops. */
  ttlMs?: number;
}

/**
 * SfuClient for signaling nodes of a cluster: each meeting's media lives on
 * one SFU node, chosen once (atomically, so every signaling node agrees) and
 * reached through Redis. A node whose heartbeat lapses (or whose process is
 * gone: DeafNodes) loses its meetings:
 * their endpoints get `endpointLost` (clients rejoin) and the next join places
 * the meeting on a live node.
 */
export class RemoteSfuClient implements SfuClient {
  readonly #o: RemoteSfuOptions;
  readonly #redis: Redis;
  readonly #sub: Redis;
  readonly #rpc: SfuRpcClient;
  readonly #registry: NodeRegistry<SfuNodeInfo>;
  readonly #placement: MeetingPlacement;
  readonly #meetings = new MeetingsInUse();
  readonly #events = new EventEmitter<{ event: [SfuEvent] }>();
  #capabilities: Promise<ms.RtpCapabilities> | undefined;
  #timer: NodeJS.Timeout | undefined;
  #checking = false;
  readonly #deaf: DeafNodes;
  /** Handing over: this node's rooms close without touching the media their clients rejoin elsewhere. */
  #detached = false;

  private constructor(o: RemoteSfuOptions) {
    this.#o = o;
    this.#redis = new Redis(o.redisUrl, { maxRetriesPerRequest: 2 });
    this.#sub = new Redis(o.redisUrl);
    watchRedisConnection(this.#redis, o.log, 'sfu-rpc');
    watchRedisConnection(this.#sub, o.log, 'sfu-rpc-sub');
    this.#registry = new NodeRegistry(this.#redis, 'sfu', sfuNodeInfoSchema, o.log);
    this.#placement = new MeetingPlacement(this.#redis, this.#registry, o.log);
    this.#deaf = new DeafNodes(this.#redis, (id) => this.#rpc.listening(id), o.log);
    this.#rpc = new SfuRpcClient({
      pub: this.#redis,
      sub: this.#sub,
      timeoutMs: o.timeoutMs ?? 5_000,
      log: o.log,
      onEvent: (nodeId, e) => {
        // Every node's events reach every signaling node; only ours, from the meeting's node, count.
        if (this.#meetings.nodeOf(e.meetingId) === nodeId) this.#events.emit('event', e);
      },
    });
  }

  static async create(o: RemoteSfuOptions): Promise<RemoteSfuClient> {
    const client = new RemoteSfuClient(o);
    try {
      await client.#rpc.start();
      await client.#beat();
    } catch (err) {
      await client.close();
      throw err;
    }
    client.#timer = setInterval(() => {
      client.#beat().catch((err: unknown) => o.log.warn({ err }, 'sfu client heartbeat failed'));
      void client.checkNodes();
    }, o.checkMs ?? 1_000);
    return client;
  }

  /**
   * From now on leave and closeMeeting do nothing: a signaling node handing its
   * meetings over closes its rooms while their clients rejoin on another node,
   * on the same SFU meetings. The endpoints it leaves behind are reaped by the
   * SFU nodes once this client's heartbeat key is gone (close()).
   */
  detach(): void {
    this.#detached = true;
  }

  /** The SFU node carrying a meeting used here (tests, diagnostics). */
  nodeOf(meetingId: string): string | undefined {
    return this.#meetings.nodeOf(meetingId);
  }

  async join(req: Parameters<SfuClient['join']>[0]): Promise<MediaJoin> {
    const node = await this.#placement.place(req.meetingId);
    // The meeting's node restarted (or changed) before checkNodes noticed: the others must rejoin.
    const lost = this.#meetings.joined(req.meetingId, node, req.endpointId);
    if (lost) this.#lose(lost);
    return this.#rpc.call(node.id, 'join', [req]);
  }

  async joinPlain(req: Parameters<SfuClient['joinPlain']>[0]): Promise<PlainJoin> {
    const node = await this.#placement.place(req.meetingId);
    const lost = this.#meetings.joined(req.meetingId, node, req.endpointId);
    if (lost) this.#lose(lost);
    return this.#rpc.call(node.id, 'joinPlain', [req]);
  }

  routerRtpCapabilities(): Promise<ms.RtpCapabilities> {
    // Every node runs the same codec list, so any live node answers for all.
    this.#capabilities ??= (async () => {
      const [node] = await this.#registry.live();
      if (!node) throw new AppError('UNAVAILABLE', { reason: 'no sfu node' });
      return this.#rpc.call(node.id, 'routerRtpCapabilities', []);
    })().catch((err: unknown) => {
      this.#capabilities = undefined;
      throw err;
    });
    return this.#capabilities;
  }

  async leave(meetingId: string, endpointId: string): Promise<void> {
    this.#meetings.left(meetingId, endpointId);
    if (this.#detached) return;
    const nodeId = this.#meetings.nodeOf(meetingId);
    if (!nodeId) return;
    // A dead node's media is gone already: leaving it is not an error.
    await this.#rpc.call(nodeId, 'leave', [meetingId, endpointId]).catch((err: unknown) => {
      if (!(err instanceof AppError && err.code === 'UNAVAILABLE')) throw err;
    });
  }

  async connectTransport(
    meetingId: string,
    endpointId: string,
    transportId: string,
    dtlsParameters: ms.DtlsParameters,
  ): Promise<void> {
    await this.#call(meetingId, 'connectTransport', [
      meetingId,
      endpointId,
      transportId,
      dtlsParameters,
    ]);
  }

  restartIce(
    meetingId: string,
    endpointId: string,
    transportId: string,
  ): Promise<ms.IceParameters> {
    return this.#call(meetingId, 'restartIce', [meetingId, endpointId, transportId]);
  }

  produce(
    meetingId: string,
    endpointId: string,
    req: Parameters<SfuClient['produce']>[2],
  ): Promise<ProducerInfo> {
    return this.#call(meetingId, 'produce', [meetingId, endpointId, req]);
  }

  async closeProducer(meetingId: string, endpointId: string, producerId: string): Promise<void> {
    await this.#call(meetingId, 'closeProducer', [meetingId, endpointId, producerId]);
  }

  async pauseProducer(meetingId: string, producerId: string): Promise<void> {
    await this.#call(meetingId, 'pauseProducer', [meetingId, producerId]);
  }

  async resumeProducer(meetingId: string, producerId: string): Promise<void> {
    await this.#call(meetingId, 'resumeProducer', [meetingId, producerId]);
  }

  consume(
    meetingId: string,
    endpointId: string,
    producerId: string,
    rtpCapabilities: ms.RtpCapabilities,
  ): Promise<ConsumerParams> {
    return this.#call(meetingId, 'consume', [meetingId, endpointId, producerId, rtpCapabilities]);
  }

  async pauseConsumer(meetingId: string, endpointId: string, consumerId: string): Promise<void> {
    await this.#call(meetingId, 'pauseConsumer', [meetingId, endpointId, consumerId]);
  }

  async resumeConsumer(meetingId: string, endpointId: string, consumerId: string): Promise<void> {
    await this.#call(meetingId, 'resumeConsumer', [meetingId, endpointId, consumerId]);
  }

  async setPreferredLayers(
    meetingId: string,
    endpointId: string,
    consumerId: string,
    layers: ConsumerLayers,
  ): Promise<void> {
    await this.#call(meetingId, 'setPreferredLayers', [meetingId, endpointId, consumerId, layers]);
  }

  producers(meetingId: string): Promise<ProducerInfo[]> {
    return this.#call(meetingId, 'producers', [meetingId]);
  }

  routers(meetingId: string): Promise<RouterInfo[]> {
    return this.#call(meetingId, 'routers', [meetingId]);
  }

  async closeMeeting(meetingId: string): Promise<void> {
    const nodeId = this.#meetings.nodeOf(meetingId) ?? (await this.#placement.current(meetingId));
    this.#meetings.forget(meetingId);
    if (this.#detached) return;
    if (!nodeId) return;
    try {
      await this.#rpc.call(nodeId, 'closeMeeting', [meetingId]);
    } catch (err) {
      if (!(err instanceof AppError && err.code === 'UNAVAILABLE')) throw err;
    } finally {
      await this.#placement.release(meetingId, nodeId);
    }
  }

  onEvent(listener: (event: SfuEvent) => void): () => void {
    this.#events.on('event', listener);
    return () => this.#events.off('event', listener);
  }

  async reportLink(meetingId: string, endpointId: string, report: ClientLinkReport): Promise<void> {
    await this.#call(meetingId, 'reportLink', [meetingId, endpointId, report]);
  }

  async setAudioOnly(meetingId: string, endpointId: string, audioOnly: boolean): Promise<void> {
    await this.#call(meetingId, 'setAudioOnly', [meetingId, endpointId, audioOnly]);
  }

  async setFloor(meetingId: string, endpointId: string | null): Promise<void> {
    await this.#call(meetingId, 'setFloor', [meetingId, endpointId]);
  }

  pinVideo(
    meetingId: string,
    endpointId: string,
    unitId: string,
    pinned: boolean,
  ): Promise<string[]> {
    return this.#call(meetingId, 'pinVideo', [meetingId, endpointId, unitId, pinned]);
  }

  hostPinVideo(meetingId: string, unitId: string, pinned: boolean): Promise<string[]> {
    return this.#call(meetingId, 'hostPinVideo', [meetingId, unitId, pinned]);
  }

  async linkState(meetingId: string, endpointId: string): Promise<LinkStateEvent | undefined> {
    return (await this.#call(meetingId, 'linkState', [meetingId, endpointId])) ?? undefined;
  }

  startRecording(meetingId: string, req: StartRecording): Promise<RecordingStatus> {
    return this.#call(meetingId, 'startRecording', [meetingId, req]);
  }

  /** Mixing a long recording takes a while: the call may take longer than the others. */
  stopRecording(
    meetingId: string,
    req: { recordingId: string; startedAt: number },
  ): Promise<RecordingResult> {
    return this.#call(meetingId, 'stopRecording', [meetingId, req], STOP_RECORDING_TIMEOUT_MS);
  }

  /**
   * Finds the SFU nodes whose heartbeat lapsed among those carrying meetings
   * used here; their meetings are released and their endpoints told to rejoin.
   * Runs on a timer; exposed so tests need not wait for it.
   */
  async checkNodes(): Promise<void> {
    if (this.#checking || this.#meetings.size === 0) return;
    this.#checking = true;
    try {
      // A Redis error throws here: nothing is declared dead on a failed read.
      const live = new Map((await this.#registry.live()).map((n) => [n.id, n.bootId]));
      await this.#deaf.drop(this.#meetings.nodes(), live);
      for (const lost of this.#meetings.takeLost(live)) {
        this.#rpc.failPending('node lost', lost.nodeId);
        await this.#placement.release(lost.meetingId, lost.nodeId);
        this.#lose(lost);
      }
    } catch (err) {
      this.#o.log.warn({ err }, 'sfu node check failed');
    } finally {
      this.#checking = false;
    }
  }

  /** The meeting's media is gone with its node: every endpoint joined here must rejoin. */
  #lose({ meetingId, nodeId, endpoints }: LostMeeting): void {
    this.#o.log.warn(
      { meetingId, sfuNodeId: nodeId, endpoints: endpoints.length },
      'sfu node lost',
    );
    for (const endpointId of endpoints)
      this.#events.emit('event', {
        type: 'endpointLost',
        meetingId,
        endpointId,
        reason: 'sfuNodeLost',
      });
  }

  async close(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    // Closing on purpose: its endpoints were left one by one; the key may go at once.
    await this.#redis.del(clusterKeys.client(this.#rpc.clientId)).catch(() => undefined);
    this.#rpc.close();
    this.#sub.disconnect();
    await this.#redis.quit().catch(() => undefined);
  }

  /** While this key lives, SFU nodes keep the endpoints this client created. */
  async #beat(): Promise<void> {
    await this.#redis.set(
      clusterKeys.client(this.#rpc.clientId),
      '1',
      'PX',
      this.#o.ttlMs ?? 4_000,
    );
  }

  async #call<M extends SfuMethod>(
    meetingId: string,
    method: M,
    args: SfuArgs<M>,
    timeoutMs?: number,
  ) {
    const nodeId = this.#meetings.nodeOf(meetingId) ?? (await this.#placement.current(meetingId));
    if (!nodeId) throw new AppError('NOT_FOUND', { meetingId });
    return this.#rpc.call(nodeId, method, args, timeoutMs);
  }
}
