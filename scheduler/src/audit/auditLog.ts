import type { Redis } from 'ioredis';
import type { SessionClaims } from '@giaoban/common/session';
import type { Logger } from '@giaoban/common/logger';
import type { AuditEntry } from '../api/audit';

const AUDIT_KEY = 'gb:audit';
const KEEP = 50_000;

/**
 * Append-only log of privileged actions (emergency convene, cancellations,
 * account and unit changes; signaling adds moderation actions through record()).
 * Newest first in a capped Redis list.
 */
export class AuditLog {
  readonly #redis: Redis;
  readonly #log: Logger;

  constructor(redis: Redis, log: Logger) {
    this.#redis = redis;
    this.#log = log;
  }

  async record(
    actor: Pick<SessionClaims, 'accountId' | 'username' | 'unitId'>,
    action: string,
    target: string,
    details?: Record<string, unknown>,
  ): Promise<void> {
    const entry: AuditEntry = {
      at: new Date().toISOString(),
      accountId: actor.accountId,
      username: actor.username,
      unitId: actor.unitId,
      action,
      target,
      ...(details ? { details } : {}),
    };
    this.#log.info({ audit: entry }, 'audit');
    await this.#redis
      .multi()
      .lpush(AUDIT_KEY, JSON.stringify(entry))
      .ltrim(AUDIT_KEY, 0, KEEP - 1)
      .exec();
  }

  async recent(limit = 200): Promise<AuditEntry[]> {
    const raws = await this.#redis.lrange(AUDIT_KEY, 0, limit - 1);
    return raws.map((r) => JSON.parse(r) as AuditEntry);
  }
}
