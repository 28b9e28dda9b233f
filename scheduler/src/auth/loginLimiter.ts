import type { Redis } from 'ioredis';
import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { AppError } from '@giaoban/common/errors';

export interface LoginLimits {
  /** Attempts per username from one IP within the window. */
  perUser: number;
  /** Attempts from one IP (any username) within the window. */
  perIp: number;
  /** Attempts at one account from IPs it never signed in from, within the window. */
  perAccount: number;
  windowSeconds: number;
}

/** The first lock-out of an account lasts this long; each next one (within a day) twice as long. */
const FIRST_LOCKOUT_SECONDS = 60;
const KNOWN_IP_SECONDS = 30 * 86_400;
const LOCKOUTS_KEY = (username: string) => `gb:rl:login:lockouts:${username}`;
const KNOWN_KEY = (username: string, ip: string) => `gb:login:known:${username}:${ip}`;

/** What an attempt consumed, handed back on success. */
export interface LoginAttempt {
  ip: string;
  username: string;
  countedOnAccount: boolean;
}

/**
 * Login throttling in Redis (shared by every scheduler process). Every attempt
 * is counted atomically before the password is checked, so a burst of parallel
 * guesses cannot slip through between a check and its count:
 * - per username + IP (`LOGIN_MAX_FAILURES`) and per IP (`LOGIN_MAX_FAILURES_PER_IP`);
 * - per account from every IP (`LOGIN_MAX_FAILURES_PER_ACCOUNT`), so guesses
 *   spread over many IPs are throttled too. Beyond it the account is locked
 *   for IPs it never signed in from, 60 s the first time and twice as long each
 *   next time within a day, never longer than the window; an IP it signed in
 *   from in the last 30 days is not locked out, so an attacker cannot keep a
 *   commune's own office out.
 * A success gives its attempt back and clears the username + IP counter.
 */
export class LoginLimiter {
  readonly #redis: Redis;
  readonly #perUser: RateLimiterRedis;
  readonly #perIp: RateLimiterRedis;
  readonly #perAccount: RateLimiterRedis;
  readonly #maxLockoutSeconds: number;

  constructor(redis: Redis, limits: LoginLimits) {
    this.#redis = redis;
    this.#maxLockoutSeconds = limits.windowSeconds;
    this.#perUser = new RateLimiterRedis({
      storeClient: redis,
      keyPrefix: 'gb:rl:login:user',
      points: limits.perUser,
      duration: limits.windowSeconds,
    });
    this.#perIp = new RateLimiterRedis({
      storeClient: redis,
      keyPrefix: 'gb:rl:login:ip',
      points: limits.perIp,
      duration: limits.windowSeconds,
    });
    this.#perAccount = new RateLimiterRedis({
      storeClient: redis,
      keyPrefix: 'gb:rl:login:account',
      points: limits.perAccount,
      duration: limits.windowSeconds,
    });
  }

  /** Counts one attempt; throws RATE_LIMITED (with retryAfterSeconds) when over a limit. */
  async attempt(ip: string, username: string): Promise<LoginAttempt> {
    const known = (await this.#redis.exists(KNOWN_KEY(username, ip))) === 1;
    const outcomes = await Promise.allSettled([
      this.#perUser.consume(`${ip}:${username}`),
      this.#perIp.consume(ip),
      known ? Promise.resolve(null) : this.#consumeAccount(username),
    ]);
    let waitMs = 0;
    let limited = false;
    for (const o of outcomes) {
      if (o.status === 'fulfilled') continue;
      if (!(o.reason instanceof RateLimiterRes)) throw o.reason; // Redis failed: not a verdict
      limited = true;
      waitMs = Math.max(waitMs, o.reason.msBeforeNext);
    }
    if (limited)
      throw new AppError('RATE_LIMITED', { retryAfterSeconds: Math.ceil(waitMs / 1000) });
    return { ip, username, countedOnAccount: !known };
  }

  async #consumeAccount(username: string): Promise<RateLimiterRes> {
    try {
      return await this.#perAccount.consume(username);
    } catch (err) {
      if (!(err instanceof RateLimiterRes)) throw err;
      // The attempt that crossed the limit starts a lock-out, longer each time.
      if (err.consumedPoints === this.#perAccount.points + 1) {
        const lockouts = await this.#redis
          .multi()
          .incr(LOCKOUTS_KEY(username))
          .expire(LOCKOUTS_KEY(username), 86_400)
          .exec();
        const n = Number(lockouts?.[0]?.[1] ?? 1);
        const seconds = Math.min(this.#maxLockoutSeconds, FIRST_LOCKOUT_SECONDS * 2 ** (n - 1));
        throw await this.#perAccount.block(username, seconds);
      }
      // Attempts racing the one that started the lock-out still see the window's end:
      // they are told the lock-out's length instead.
      const n = Math.max(1, Number((await this.#redis.get(LOCKOUTS_KEY(username))) ?? 1));
      const lockoutMs =
        Math.min(this.#maxLockoutSeconds, FIRST_LOCKOUT_SECONDS * 2 ** (n - 1)) * 1000;
      throw new RateLimiterRes(
        err.remainingPoints,
        Math.min(err.msBeforeNext, lockoutMs),
        err.consumedPoints,
        err.isFirstInDuration,
      );
    }
  }

  /** The password was right: its attempt does not count, and the IP is known to the account from now on. */
  async succeeded(a: LoginAttempt): Promise<void> {
    await Promise.all([
      this.#perUser.delete(`${a.ip}:${a.username}`),
      this.#perIp.reward(a.ip, 1),
      a.countedOnAccount ? this.#perAccount.reward(a.username, 1) : null,
      this.#redis.set(KNOWN_KEY(a.username, a.ip), '1', 'EX', KNOWN_IP_SECONDS),
    ]);
  }
}
