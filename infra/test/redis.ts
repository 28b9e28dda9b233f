import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { startRedisServer, type RedisChild } from '../src/redisServer';

/** A real, private redis-server for one test file: its own port and data folder. */
export interface TestRedis extends RedisChild {
  readonly dataDir: string;
  client(): Redis;
  /** Stops the server and starts it again on the same data (AOF replay). */
  restart(): Promise<TestRedis>;
  destroy(): Promise<void>;
}

export async function startTestRedis(
  dataDir = mkdtempSync(path.join(tmpdir(), 'gb-redis-')),
): Promise<TestRedis> {
  const child = await startRedisServer({ dataDir });
  const clients: Redis[] = [];
  const self: TestRedis = {
    ...child,
    dataDir,
    client() {
      const c = new Redis(child.url, { maxRetriesPerRequest: 2 });
      clients.push(c);
      return c;
    },
    async restart() {
      for (const c of clients) c.disconnect();
      await child.stop();
      return startTestRedis(dataDir);
    },
    async destroy() {
      for (const c of clients) c.disconnect();
      await child.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return self;
}
