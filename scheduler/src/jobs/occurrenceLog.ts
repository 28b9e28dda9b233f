import type { Redis } from 'ioredis';

const KEY = (occurrenceId: string) => `gb:occ:${occurrenceId}`;

/**
 * What happened to an occurrence that was held: when its room opened and
 * closed, and the invitation list as it stood at opening (the record of who
 * was invited, even if the meeting is edited later).
 */
export class OccurrenceLog {
  readonly #redis: Redis;

  constructor(redis: Redis) {
    this.#redis = redis;
  }

  async opened(occurrenceId: string, invitedUnitIds: string[]): Promise<void> {
    await this.#redis
      .multi()
      .hsetnx(KEY(occurrenceId), 'openedAt', new Date().toISOString())
      .hsetnx(KEY(occurrenceId), 'invitedUnitIds', JSON.stringify(invitedUnitIds))
      .exec();
  }

  async closed(occurrenceId: string): Promise<void> {
    await this.#redis.hset(KEY(occurrenceId), 'closedAt', new Date().toISOString());
  }

  async get(
    occurrenceId: string,
  ): Promise<{ openedAt?: string; closedAt?: string; invitedUnitIds?: string[] }> {
    const h = await this.#redis.hgetall(KEY(occurrenceId));
    return {
      ...(h.openedAt ? { openedAt: h.openedAt } : {}),
      ...(h.closedAt ? { closedAt: h.closedAt } : {}),
      ...(h.invitedUnitIds ? { invitedUnitIds: JSON.parse(h.invitedUnitIds) as string[] } : {}),
    };
  }
}
