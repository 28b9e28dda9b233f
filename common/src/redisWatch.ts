import type { Logger } from './logger';

/** The part of an ioredis client this needs (common does not depend on ioredis). */
interface RedisEvents {
  on(event: 'error', listener: (err: Error) => void): unknown;
  on(event: 'ready', listener: () => void): unknown;
}

/**
 * Logs a Redis connection's outages once each (lost, then back) instead of one
 * line per reconnection attempt, and gives ioredis the error listener without
 * which it prints "Unhandled error event" for every attempt.
 */
export function watchRedisConnection(client: RedisEvents, log: Logger, connection: string): void {
  let down = false;
  client.on('error', (err) => {
    if (down) return;
    down = true;
    log.error({ err: err.message, connection }, 'redis connection lost');
  });
  client.on('ready', () => {
    if (!down) return;
    down = false;
    log.warn({ connection }, 'redis connection back');
  });
}
