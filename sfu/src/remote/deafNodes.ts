import type { Redis } from 'ioredis';
import type { Logger } from '@giaoban/common/logger';
import { clusterKeys } from './keys';

/** Checks without a listener on its request channel before a node is lost. */
const DEAF_CHECKS = 3;
/** Removes a node's registry entry only if it still is the given boot (`"bootId":"…"` in its JSON). */
const REMOVE_IF_BOOT = `local v = redis.call('GET', KEYS[1]) if v and string.find(v, ARGV[1], 1, true) then redis.call('DEL', KEYS[1]) redis.call('SREM', KEYS[2], ARGV[2]) return 1 end return 0`;

/**
 * A node whose process died (SIGKILL, crash) leaves its request channel at
 * once — Redis closes its connections — seconds before its heartbeat key
 * lapses. Three checks in a row without a listener (a Redis blip while its
 * subscriber reconnects is shorter) and the node is lost, and taken out of
 * the registry (if still the same boot) so that no signaling node places a
 * meeting on it meanwhile. A host that vanished without closing its
 * connections is still found by the TTL.
 */
export class DeafNodes {
  readonly #redis: Redis;
  readonly #listening: (nodeId: string) => Promise<boolean>;
  readonly #log: Logger;
  /** Checks in a row that found nobody on a node's request channel. */
  readonly #misses = new Map<string, number>();

  constructor(redis: Redis, listening: (nodeId: string) => Promise<boolean>, log: Logger) {
    this.#redis = redis;
    this.#listening = listening;
    this.#log = log;
  }

  /** Removes from `live` (node id → boot id) the nodes of `used` found deaf long enough. */
  async drop(used: ReadonlyMap<string, string>, live: Map<string, string>): Promise<void> {
    for (const [id, bootId] of used) {
      if (live.get(id) !== bootId || (await this.#listening(id))) {
        this.#misses.delete(id);
        continue;
      }
      const misses = (this.#misses.get(id) ?? 0) + 1;
      this.#misses.set(id, misses);
      if (misses < DEAF_CHECKS) continue;
      this.#misses.delete(id);
      live.delete(id);
      this.#log.warn({ sfuNodeId: id }, 'sfu node has left its request channel: lost');
      await this.#redis.eval(
        REMOVE_IF_BOOT,
        2,
        clusterKeys.node('sfu', id),
        clusterKeys.nodes('sfu'),
        JSON.stringify({ bootId }).slice(1, -1),
        id,
      );
    }
  }
}
