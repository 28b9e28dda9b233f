import type { Redis } from 'ioredis';
import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { AppError } from '@giaoban/common/errors';

/**
 * Login throttling in Redis (shared by every scheduler process): failed attempts
 * per username+IP and per IP. A success clears the username+IP counter.
 */
export class LoginLimiter {
  readonly #perUser: RateLimiterRedis;
  readonly #perIp: RateLimiterRedis;

  constructor(redis: Redis, limits: { perUser: number; perIp: number; windowSeconds: number }) {
    this.#perUser = new RateLimiterRedis({
      storeClient: redis,
      keyPrefix: 'gb:rl:login:user',
      points: limits.perUser,
      duration: limits.windowSeconds,
      blockDuration: limits.windowSeconds,
    });
    this.#perIp = new RateLimiterRedis({
      storeClient: redis,
      keyPrefix: 'gb:rl:login:ip',
      points: limits.perIp,
      duration: limits.windowSeconds,
    });
  }

  /** Throws RATE_LIMITED when this username+IP or IP has failed too often. */
  async check(ip: string, username: string): Promise<void> {
    const [user, perIp] = await Promise.all([
      this.#perUser.get(`${ip}:${username}`),
      this.#perIp.get(ip),
    ]);
    const blocked = (r: RateLimiterRes | null, max: number) =>
      r !== null && r.consumedPoints >= max;
    if (blocked(user, this.#perUser.points) || blocked(perIp, this.#perIp.points)) {
      const wait = Math.max(user?.msBeforeNext ?? 0, perIp?.msBeforeNext ?? 0);
      throw new AppError('RATE_LIMITED', { retryAfterSeconds: Math.ceil(wait / 1000) });
    }
  }

  async failed(ip: string, username: string): Promise<void> {
    await Promise.all([this.#perUser.penalty(`${ip}:${username}`, 1), this.#perIp.penalty(ip, 1)]);
  }

  async succeeded(ip: string, username: string): Promise<void> {
    await this.#perUser.delete(`${ip}:${username}`);
  }
}
