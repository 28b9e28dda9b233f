import type { Redis } from 'ioredis';
import type { z } from 'zod';
import type { Logger } from '@giaoban/common/logger';
import { clusterKeys, type NodeKind } from './keys';

/**
 * Live nodes of one kind in Redis. A node's info is a key with a TTL that its
 * heartbeat renews: a node that stops (crash, kill -9, partition) disappears
 * from `live()` within one TTL, with nobody having to notice the death.
 */
export class NodeRegistry<T extends { id: string }> {
  readonly #redis: Redis;
  readonly #kind: NodeKind;
  readonly #schema: z.ZodType<T>;
  readonly #log: Logger;

  constructor(redis: Redis, kind: NodeKind, schema: z.ZodType<T>, log: Logger) {
    this.#redis = redis;
    this.#kind = kind;
    this.#schema = schema;
    this.#log = log;
  }

  /** Announces (or renews) a node for ttlMs. */
  async beat(info: T, ttlMs: number): Promise<void> {
    await this.#redis
      .multi()
      .set(clusterKeys.node(this.#kind, info.id), JSON.stringify(info), 'PX', ttlMs)
      .sadd(clusterKeys.nodes(this.#kind), info.id)
      .exec();
  }

  /** A node leaving on purpose: gone at once rather than after its TTL. */
  async remove(nodeId: string): Promise<void> {
    await this.#redis
      .multi()
      .del(clusterKeys.node(this.#kind, nodeId))
      .srem(clusterKeys.nodes(this.#kind), nodeId)
      .exec();
  }

  async get(nodeId: string): Promise<T | undefined> {
    return this.#parse(nodeId, await this.#redis.get(clusterKeys.node(this.#kind, nodeId)));
  }

  /** Every node whose heartbeat is current, sorted by id. */
  async live(): Promise<T[]> {
    const ids = (await this.#redis.smembers(clusterKeys.nodes(this.#kind))).sort();
    if (ids.length === 0) return [];
    const raw = await this.#redis.mget(ids.map((i) => clusterKeys.node(this.#kind, i)));
    const nodes: T[] = [];
    const dead: string[] = [];
    ids.forEach((nodeId, i) => {
      const info = this.#parse(nodeId, raw[i] ?? null);
      if (info) nodes.push(info);
      else dead.push(nodeId);
    });
    // Forget expired members so the set does not grow with every restart.
    if (dead.length > 0) await this.#redis.srem(clusterKeys.nodes(this.#kind), ...dead);
    return nodes;
  }

  #parse(nodeId: string, raw: string | null): T | undefined {
    if (raw === null) return undefined;
    try {
      const parsed = this.#schema.safeParse(JSON.parse(raw));
      if (parsed.success) return parsed.data;
      this.#log.warn({ kind: this.#kind, nodeId }, 'ignoring a node with malformed info');
    } catch {
      this.#log.warn({ kind: this.#kind, nodeId }, 'ignoring a node with unreadable info');
    }
    return undefined;
  }
}
