import type { RequestHandler } from 'express';
import { Redis } from 'ioredis';
import { AppError } from '@giaoban/common/errors';
import type { Logger } from '@giaoban/common/logger';
import { watchRedisConnection } from '@giaoban/common/redisWatch';

/**
 * The node's main Redis connection. While Redis is down (the embedded one is
 * being restarted) a command fails after one reconnection attempt instead of
 * waiting in the offline queue, and reconnection is tried every ≤ 0.5 s so the
 * service is back within a moment of Redis.
 */
export function connectRedis(url: string, log: Logger): Redis {
  const redis = new Redis(url, {
    maxRetriesPerRequest: 1,
    retryStrategy: (times) => Math.min(50 * times, 500),
  });
  watchRedisConnection(redis, log, 'main');
  return redis;
}

/** Answers UNAVAILABLE at once while the Redis connection is not ready. */
export function storageCircuit(redis: Redis): RequestHandler {
  return (_req, _res, next) => {
    if (redis.status !== 'ready')
      throw new AppError('UNAVAILABLE', { reason: 'storage restarting' });
    next();
  };
}
