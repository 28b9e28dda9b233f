import type { Redis } from 'ioredis';
import type { Logger } from '@giaoban/common/logger';
import type { NodeRegistry } from '@giaoban/sfu/remote/nodeRegistry';
import { rendezvous } from './rendezvous';
import type { SignalingNodeInfo } from './signalingNode';

/** meetingId → the signaling node that holds its room (shared by every balancer). */
export const meetingRouteKey = (meetingId: string) => `gb:cluster:signaling:meeting:${meetingId}`;

/** Replaces a key's value only while it still holds the expected one. */
const COMPARE_AND_SET = `if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('SET', KEYS[1], ARGV[2], 'EX', ARGV[3]) return 1 end return 0`;
const ROUTE_TTL_S = 6 * 3600;
/** A balancer re-reads a meeting's route at most this often (polling sends many requests). */
const CACHE_MS = 1_000;

/**
 * Which signaling node a meeting's sockets go to. The first socket of a
 * meeting picks the node by rendezvous hash and writes it with SET NX; later
 * sockets (through any balancer) follow the written route for as long as that
 * node lives. So adding a signaling node never splits a running meeting
 * across two room states; a dead node's meetings move to the hash's next choice.
 */
export class MeetingRouter {
  readonly #redis: Redis;
  readonly #registry: NodeRegistry<SignalingNodeInfo>;
  readonly #log: Logger;
  readonly #cache = new Map<string, { nodeId: string; at: number }>();

  constructor(redis: Redis, registry: NodeRegistry<SignalingNodeInfo>, log: Logger) {
    this.#redis = redis;
    this.#registry = registry;
    this.#log = log;
  }

  /**
   * `unreachable`: nodes this balancer just found refusing connections (their
   * process is gone, their heartbeat key not yet): treated as dead at once.
   */
  async route(
    meetingId: string,
    live: readonly SignalingNodeInfo[],
    unreachable: ReadonlySet<string> = new Set(),
  ): Promise<SignalingNodeInfo | undefined> {
    const cached = this.#cache.get(meetingId);
    const fresh = cached && Date.now() - cached.at < CACHE_MS;
    const cachedNode = fresh ? live.find((n) => n.id === cached.nodeId) : undefined;
    if (cachedNode) return cachedNode;

    const key = meetingRouteKey(meetingId);
    const choice = rendezvous(meetingId, live);
    if (!choice) return undefined;
    for (let attempt = 0; attempt < 3; attempt++) {
      const current = await this.#redis.get(key);
      if (current === null) {
        if ((await this.#redis.set(key, choice.id, 'EX', ROUTE_TTL_S, 'NX')) === 'OK')
          return this.#remember(meetingId, choice);
        continue; // another balancer routed it a moment ago
      }
      // A node that started after this balancer last read the registry is alive too.
      const node = unreachable.has(current)
        ? undefined
        : (live.find((n) => n.id === current) ??
          (await this.#registry.get(current).catch(() => undefined)));
      if (node) {
        await this.#redis.expire(key, ROUTE_TTL_S);
        return this.#remember(meetingId, node);
      }
      const moved = await this.#redis.eval(
        COMPARE_AND_SET,
        1,
        key,
        current,
        choice.id,
        ROUTE_TTL_S,
      );
      if (moved === 1) {
        this.#log.warn(
          { meetingId, from: current, to: choice.id },
          'meeting moved to a live signaling node',
        );
        return this.#remember(meetingId, choice);
      }
    }
    return choice;
  }

  #remember(meetingId: string, node: SignalingNodeInfo): SignalingNodeInfo {
    this.#cache.set(meetingId, { nodeId: node.id, at: Date.now() });
    if (this.#cache.size > 10_000) this.#cache.clear(); // bounded; a miss costs one GET
    return node;
  }
}
