import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { AppError } from '@giaoban/common/errors';
import type { Logger } from '@giaoban/common/logger';
import type { SfuClient } from '../sfuClient';
import { EndpointOwners } from './endpointOwners';
import { clusterKeys } from './keys';
import { NodeRegistry } from './nodeRegistry';
import {
  rpcRequestSchema,
  sfuMethods,
  sfuNodeInfoSchema,
  type RpcResponse,
  type SfuArgs,
  type SfuMethod,
  type SfuNodeInfo,
} from './protocol';
import { watchRedisConnection } from '@giaoban/common/redisWatch';

export interface SfuNodeServerOptions {
  redisUrl: string;
  nodeId: string;
  /** This node's media (a LocalSfuClient on its worker pool). */
  sfu: SfuClient;
  rtcAddress: string;
  rtcPorts: number[];
  workers: number;
  /** Heartbeat period; the node is dead for everyone after ttlMs without one. */
  heartbeatMs?: number;
  ttlMs?: number;
  log: Logger;
}

type Handlers = { [M in SfuMethod]: (args: SfuArgs<M>) => Promise<unknown> };

/** Every SfuClient call, unpacked from its validated argument tuple. */
function handlersFor(sfu: SfuClient): Handlers {
  return {
    join: ([req]) => sfu.join(req),
    joinPlain: ([req]) => sfu.joinPlain(req),
    routerRtpCapabilities: () => sfu.routerRtpCapabilities(),
    leave: ([m, e]) => sfu.leave(m, e),
    connectTransport: ([m, e, t, dtls]) => sfu.connectTransport(m, e, t, dtls),
    restartIce: ([m, e, t]) => sfu.restartIce(m, e, t),
    produce: ([m, e, req]) => sfu.produce(m, e, req),
    closeProducer: ([m, e, p]) => sfu.closeProducer(m, e, p),
    pauseProducer: ([m, p]) => sfu.pauseProducer(m, p),
    resumeProducer: ([m, p]) => sfu.resumeProducer(m, p),
    consume: ([m, e, p, caps]) => sfu.consume(m, e, p, caps),
    pauseConsumer: ([m, e, c]) => sfu.pauseConsumer(m, e, c),
    resumeConsumer: ([m, e, c]) => sfu.resumeConsumer(m, e, c),
    setPreferredLayers: ([m, e, c, l]) => sfu.setPreferredLayers(m, e, c, l),
    producers: ([m]) => sfu.producers(m),
    routers: ([m]) => sfu.routers(m),
    closeMeeting: ([m]) => sfu.closeMeeting(m),
    reportLink: ([m, e, r]) => sfu.reportLink(m, e, r),
    setAudioOnly: ([m, e, a]) => sfu.setAudioOnly(m, e, a),
    setFloor: ([m, e]) => sfu.setFloor(m, e),
    pinVideo: ([m, e, u, p]) => sfu.pinVideo(m, e, u, p),
    hostPinVideo: ([m, u, p]) => sfu.hostPinVideo(m, u, p),
    linkState: ([m, e]) => sfu.linkState(m, e),
    startRecording: ([m, req]) => sfu.startRecording(m, req),
    stopRecording: ([m, req]) => sfu.stopRecording(m, req),
  };
}

/**
 * Serves one SFU node's SfuClient over Redis: requests arrive on the node's
 * pub/sub channel, replies go to the caller's channel with the request's id,
 * media events go to the node's event channel; a heartbeat with the node's
 * load keeps it in the registry.
 */
export class SfuNodeServer {
  readonly nodeId: string;
  readonly #o: SfuNodeServerOptions;
  readonly #pub: Redis;
  readonly #sub: Redis;
  readonly #registry: NodeRegistry<SfuNodeInfo>;
  readonly #handlers: Handlers;
  readonly #meetings = new Set<string>();
  readonly #owners = new EndpointOwners();
  readonly #startedAt = Date.now();
  readonly #bootId = randomUUID();
  #offEvents: () => void = () => undefined;
  #timer: NodeJS.Timeout | undefined;
  #closed = false;

  private constructor(o: SfuNodeServerOptions) {
    this.nodeId = o.nodeId;
    this.#o = o;
    this.#pub = new Redis(o.redisUrl, { maxRetriesPerRequest: 2 });
    this.#sub = new Redis(o.redisUrl);
    watchRedisConnection(this.#pub, o.log, 'sfu-node');
    watchRedisConnection(this.#sub, o.log, 'sfu-node-sub');
    this.#registry = new NodeRegistry(this.#pub, 'sfu', sfuNodeInfoSchema, o.log);
    this.#handlers = handlersFor(o.sfu);
  }

  static async start(o: SfuNodeServerOptions): Promise<SfuNodeServer> {
    const server = new SfuNodeServer(o);
    try {
      await server.#start();
    } catch (err) {
      await server.close();
      throw err;
    }
    return server;
  }

  async #start(): Promise<void> {
    this.#sub.on('message', (_channel: string, raw: string) => void this.#onRequest(raw));
    await this.#sub.subscribe(clusterKeys.rpc(this.nodeId));
    this.#offEvents = this.#o.sfu.onEvent((e) => {
      // Scores change every second per consumer and signaling does not use them.
      if (e.type === 'consumerScore') return;
      void this.#pub.publish(clusterKeys.events(this.nodeId), JSON.stringify(e)).catch(() => {});
    });
    await this.heartbeat();
    this.#timer = setInterval(() => {
      this.heartbeat().catch((err: unknown) =>
        this.#o.log.warn({ err, nodeId: this.nodeId }, 'sfu node heartbeat failed'),
      );
    }, this.#o.heartbeatMs ?? 1_000);
  }

  /** Announces the node and its load now (also called by the timer). */
  async heartbeat(): Promise<void> {
    if (this.#closed) return;
    const load = { meetings: 0, endpoints: 0, consumers: 0 };
    for (const meetingId of [...this.#meetings]) {
      try {
        const routers = await this.#o.sfu.routers(meetingId);
        load.meetings += 1;
        for (const r of routers) {
          load.endpoints += r.endpoints;
          load.consumers += r.consumers;
        }
      } catch {
        this.#meetings.delete(meetingId); // closed inside the SFU (e.g. never re-created)
      }
    }
    await this.#registry.beat(
      {
        id: this.nodeId,
        rtcAddress: this.#o.rtcAddress,
        rtcPorts: this.#o.rtcPorts,
        workers: this.#o.workers,
        load,
        startedAt: this.#startedAt,
        bootId: this.#bootId,
        pid: process.pid,
      },
      this.#o.ttlMs ?? 3_000,
    );
    // After the beat, and never failing it: a node that stops beating loses all its meetings.
    await this.reapOrphans().catch((err: unknown) =>
      this.#o.log.warn({ err, nodeId: this.nodeId }, 'reaping orphan endpoints failed'),
    );
  }

  /** Removes the endpoints of signaling nodes whose heartbeat lapsed (see EndpointOwners). */
  async reapOrphans(): Promise<void> {
    const clients = [...this.#owners.clients()];
    if (clients.length === 0) return;
    const alive = await this.#pub.exists(...clients.map((c) => clusterKeys.client(c)));
    if (alive === clients.length) return;
    const dead = new Set<string>();
    for (const c of clients) if (!(await this.#pub.exists(clusterKeys.client(c)))) dead.add(c);
    const orphans = this.#owners.orphans(dead);
    for (const { meetingId, endpointId } of orphans) {
      this.#owners.left(meetingId, endpointId);
      await this.#o.sfu.leave(meetingId, endpointId).catch(() => undefined);
    }
    for (const meetingId of new Set(orphans.map((x) => x.meetingId))) {
      if (!this.#owners.empty(meetingId)) continue;
      this.#owners.closed(meetingId);
      this.#meetings.delete(meetingId);
      // The placement stays: a rejoin already under way in a signaling node recreates the
      // meeting here, where every signaling node still finds it.
      await this.#o.sfu.closeMeeting(meetingId).catch(() => undefined);
    }
    if (orphans.length > 0)
      this.#o.log.warn(
        { nodeId: this.nodeId, endpoints: orphans.length, signaling: [...dead] },
        'removed the endpoints of a lost signaling node',
      );
  }

  async #onRequest(raw: string): Promise<void> {
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch {
      json = undefined;
    }
    const req = rpcRequestSchema.safeParse(json);
    if (!req.success) {
      this.#o.log.warn({ nodeId: this.nodeId }, 'dropping a malformed sfu request');
      return;
    }
    const { id, from, method } = req.data;
    let res: RpcResponse;
    try {
      const args = sfuMethods[method].args.safeParse(req.data.args);
      if (!args.success) throw new AppError('BAD_REQUEST', { method });
      res = { id, ok: true, result: (await this.#run(from, method, args.data)) ?? null };
    } catch (err) {
      if (!(err instanceof AppError))
        this.#o.log.error({ err, nodeId: this.nodeId, method }, 'sfu request failed');
      const appErr = err instanceof AppError ? err : new AppError('INTERNAL');
      res = { id, ok: false, error: { code: appErr.code, details: appErr.details } };
    }
    if (this.#closed) return;
    await this.#pub.publish(clusterKeys.reply(from), JSON.stringify(res)).catch((err: unknown) => {
      this.#o.log.warn({ err, nodeId: this.nodeId, method }, 'could not send an sfu reply');
    });
  }

  /** One validated call, with the bookkeeping of meetings (load) and endpoint owners. */
  async #run(from: string, method: SfuMethod, args: unknown): Promise<unknown> {
    // The tuple was validated against this method's schema by the caller.
    const run = this.#handlers[method] as (a: unknown) => Promise<unknown>;
    if (method === 'join' || method === 'joinPlain') {
      const [req] = args as SfuArgs<'join'>;
      this.#owners.joinStarted(req.meetingId);
      let owner: string | undefined;
      try {
        const result = await run(args);
        owner = from;
        this.#meetings.add(req.meetingId);
        return result;
      } finally {
        this.#owners.joinEnded(req.meetingId, req.endpointId, owner);
      }
    }
    const result = await run(args);
    if (method === 'leave') this.#owners.left(...(args as SfuArgs<'leave'>));
    if (method === 'closeMeeting') {
      const [meetingId] = args as SfuArgs<'closeMeeting'>;
      this.#meetings.delete(meetingId);
      this.#owners.closed(meetingId);
    }
    return result;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#timer) clearInterval(this.#timer);
    this.#offEvents();
    await this.#registry.remove(this.nodeId).catch(() => undefined);
    this.#sub.disconnect();
    await this.#pub.quit().catch(() => undefined);
  }
}
