import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { z } from 'zod';
import { AppError } from '@giaoban/common/errors';
import type { Logger } from '@giaoban/common/logger';
import { clusterKeys } from './keys';
import {
  rpcResponseSchema,
  sfuEventSchema,
  sfuMethods,
  type RpcRequest,
  type SfuArgs,
  type SfuMethod,
  type SfuResult,
} from './protocol';
import type { SfuEvent } from '../sfuClient';

interface Pending {
  nodeId: string;
  resolve: (v: unknown) => void;
  reject: (e: unknown) => void;
  timer: NodeJS.Timeout;
}

/**
 * Request/response over Redis pub/sub to SFU nodes, and the event stream of
 * every node. Each request carries a correlation id and this client's reply
 * channel; no answer within the timeout, or nobody listening on the node's
 * channel (PUBLISH reached 0 subscribers), is UNAVAILABLE.
 */
export class SfuRpcClient {
  readonly clientId = randomUUID();
  readonly #pub: Redis;
  readonly #sub: Redis;
  readonly #timeoutMs: number;
  readonly #log: Logger;
  readonly #pending = new Map<number, Pending>();
  #nextId = 1;

  constructor(o: {
    pub: Redis;
    sub: Redis;
    timeoutMs: number;
    log: Logger;
    onEvent: (nodeId: string, e: SfuEvent) => void;
  }) {
    this.#pub = o.pub;
    this.#sub = o.sub;
    this.#timeoutMs = o.timeoutMs;
    this.#log = o.log;
    this.#sub.on('message', (channel: string, raw: string) => {
      if (channel === clusterKeys.reply(this.clientId)) this.#onReply(raw);
    });
    this.#sub.on('pmessage', (_p: string, channel: string, raw: string) => {
      const e = this.#parse(raw, sfuEventSchema);
      if (e) o.onEvent(clusterKeys.nodeOfEvents(channel), e);
      else this.#log.warn({ channel }, 'dropping a malformed sfu event');
    });
  }

  async start(): Promise<void> {
    await this.#sub.subscribe(clusterKeys.reply(this.clientId));
    await this.#sub.psubscribe(clusterKeys.eventsPattern);
  }

  async call<M extends SfuMethod>(
    nodeId: string,
    method: M,
    args: SfuArgs<M>,
    timeoutMs = this.#timeoutMs,
  ): Promise<SfuResult<M>> {
    const id = this.#nextId++;
    const req: RpcRequest = { id, from: this.clientId, method, args };
    const answer = new Promise<unknown>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        reject(new AppError('UNAVAILABLE', { nodeId, method, reason: 'timeout' }));
      }, timeoutMs);
      this.#pending.set(id, { nodeId, resolve, reject, timer });
    });
    let listeners: number;
    try {
      listeners = await this.#pub.publish(clusterKeys.rpc(nodeId), JSON.stringify(req));
    } catch {
      listeners = 0;
    }
    if (listeners === 0) this.#settle(id, new AppError('UNAVAILABLE', { nodeId, method }));
    const raw = await answer;
    const parsed = sfuMethods[method].result.safeParse(raw);
    if (!parsed.success) {
      this.#log.error({ nodeId, method }, 'malformed sfu reply');
      throw new AppError('INTERNAL', { nodeId, method });
    }
    return parsed.data as SfuResult<M>;
  }

  /** Does anything listen on the node's request channel (its process and its Redis connection live)? */
  async listening(nodeId: string): Promise<boolean> {
    const [, count] = (await this.#pub.pubsub('NUMSUB', clusterKeys.rpc(nodeId))) as [
      string,
      number,
    ];
    return Number(count) > 0;
  }

  /** Fails the calls in flight to one node (declared dead), or all of them. */
  failPending(reason: string, nodeId?: string): void {
    for (const [id, p] of [...this.#pending]) {
      if (nodeId === undefined || p.nodeId === nodeId)
        this.#settle(id, new AppError('UNAVAILABLE', { nodeId: p.nodeId, reason }));
    }
  }

  close(): void {
    this.failPending('closed');
  }

  #onReply(raw: string): void {
    const res = this.#parse(raw, rpcResponseSchema);
    if (!res) {
      this.#log.warn('dropping a malformed sfu reply');
      return;
    }
    if (res.ok) this.#settle(res.id, undefined, res.result);
    else this.#settle(res.id, new AppError(res.error.code, res.error.details));
  }

  #settle(id: number, error: AppError | undefined, result?: unknown): void {
    const p = this.#pending.get(id);
    if (!p) return;
    this.#pending.delete(id);
    clearTimeout(p.timer);
    if (error) p.reject(error);
    else p.resolve(result);
  }

  #parse<T>(raw: string, schema: z.ZodType<T>): T | undefined {
    try {
      const r = schema.safeParse(JSON.parse(raw));
      return r.success ? r.data : undefined;
    } catch {
      return undefined;
    }
  }
}
