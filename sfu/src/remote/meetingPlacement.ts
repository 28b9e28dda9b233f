import type { Redis } from 'ioredis';
import { AppError } from '@giaoban/common/errors';
import type { Logger } from '@giaoban/common/logger';
import { clusterKeys } from './keys';
import type { NodeRegistry } from './nodeRegistry';
import { selectSfuNode } from './nodeSelector';
import type { SfuNodeInfo } from './protocol';

/** Deletes a key only while it still holds the expected value (no lost update between nodes). */
const COMPARE_AND_DELETE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;

/** A placement outlives a day-long meeting; a signaling node that crashed leaves nothing forever. */
const PLACEMENT_TTL_S = 24 * 3600;

/**
 * meetingId → SFU node, in Redis. The first join anywhere in the cluster
 * places the meeting with SET NX, so two signaling nodes placing the same
 * meeting at once end up on the same node; a placement on a node that no
 * longer beats is dropped (compare-and-delete) and made again.
 */
export class MeetingPlacement {
  readonly #redis: Redis;
  readonly #registry: NodeRegistry<SfuNodeInfo>;
  readonly #log: Logger;

  constructor(redis: Redis, registry: NodeRegistry<SfuNodeInfo>, log: Logger) {
    this.#redis = redis;
    this.#registry = registry;
    this.#log = log;
  }

  async current(meetingId: string): Promise<string | undefined> {
    return (await this.#redis.get(clusterKeys.placement(meetingId))) ?? undefined;
  }

  /** The meeting's live node, placing it on the least-loaded live node if needed. */
  async place(meetingId: string): Promise<SfuNodeInfo> {
    const key = clusterKeys.placement(meetingId);
    for (let attempt = 0; attempt < 5; attempt++) {
      const current = await this.#redis.get(key);
      if (current) {
        const node = await this.#registry.get(current);
        if (node) {
          await this.#redis.expire(key, PLACEMENT_TTL_S);
          return node;
        }
        this.#log.warn(
          { meetingId, sfuNodeId: current },
          'meeting placed on a dead sfu node: re-placing',
        );
        await this.release(meetingId, current);
        continue;
      }
      const nodes = await this.#registry.live();
      const placed = await Promise.all(
        nodes.map((n) => this.#redis.scard(clusterKeys.placed(n.id))),
      );
      const chosen = selectSfuNode(
        nodes.map((node, i) => ({ node, placedMeetings: placed[i] ?? 0 })),
      );
      if (!chosen) throw new AppError('UNAVAILABLE', { meetingId, reason: 'no live sfu node' });
      const won = await this.#redis.set(key, chosen.id, 'EX', PLACEMENT_TTL_S, 'NX');
      if (won === 'OK') {
        await this.#redis.sadd(clusterKeys.placed(chosen.id), meetingId);
        this.#log.info({ meetingId, sfuNodeId: chosen.id }, 'meeting placed on sfu node');
        return chosen;
      }
      // Another signaling node placed it a moment ago: the next round takes theirs.
    }
    throw new AppError('UNAVAILABLE', { meetingId, reason: 'placement contention' });
  }

  /** Drops the placement if it still names this node. */
  async release(meetingId: string, nodeId: string): Promise<void> {
    await this.#redis.eval(COMPARE_AND_DELETE, 1, clusterKeys.placement(meetingId), nodeId);
    await this.#redis.srem(clusterKeys.placed(nodeId), meetingId);
  }
}
