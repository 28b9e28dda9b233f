import path from 'node:path';
import { z } from 'zod';
import { createLogger } from '@giaoban/common/logger';
import { parseEnv, portVar } from '@giaoban/common/env';
import { loadAppConfig } from '../config';
import { startRedisServer, type RedisChild } from '../redisServer';
import { startBalancer, type Balancer } from './balancer';
import { spawnNode, type ChildNode } from './childNode';

/**
 * `npm run cluster`: a whole cluster on one machine to prove the layout —
 * one redis-server, SFU nodes, signaling nodes (SFU_MODE=remote) and the
 * balancer in this process. Ctrl-C stops everything; so does killing this
 * process (every node watches its IPC channel to the launcher).
 */
const schema = z.object({
  /** The balancer's port: the URL users open. */
  PORT: portVar(8080),
  HOST: z.string().default('0.0.0.0'),
  CLUSTER_SFU_NODES: z.coerce.number().int().min(1).max(16).default(2),
  CLUSTER_SIGNALING_NODES: z.coerce.number().int().min(1).max(16).default(2),
  /** mediasoup workers per SFU node (one per core is shared by all nodes on this machine). */
  CLUSTER_SFU_WORKERS: z.coerce.number().int().min(1).max(64).default(1),
  /** SFU node i's WebRtcServers listen on RTC_PORT + 100·i (+ worker index). 0: any free port. */
  RTC_PORT: portVar(40000),
  /** An external Redis; unset: the launcher starts its own redis-server. */
  REDIS_URL: z.string().url().optional(),
});

const log = createLogger('giaoban-cluster');
const started: ChildNode[] = [];
let redis: RedisChild | undefined;
let balancer: Balancer | undefined;

async function stopAll(): Promise<void> {
  await balancer?.close();
  // Signaling first (it closes its rooms through the SFU nodes), then the SFU nodes.
  for (const child of [...started].reverse()) await child.stop();
  await redis?.stop();
}

async function main(): Promise<void> {
  const cfg = parseEnv(schema, process.env);
  const app = loadAppConfig();
  let redisUrl = cfg.REDIS_URL;
  if (!redisUrl) {
    const dataDir = path.join(app.DATA_DIR, 'cluster', 'redis');
    // When the launcher dies, even by kill -9, its watchdog stops redis-server 3 s later,
    // once the nodes (which watch their IPC channel) have had their chance to close against it.
    redis = await startRedisServer({ dataDir, log, watchdogGraceMs: 3_000 });
    redisUrl = redis.url;
    log.info({ port: redis.port, dir: dataDir }, 'cluster redis-server started (AOF on)');
  }
  const base = { ...process.env, REDIS_URL: redisUrl };

  for (let i = 1; i <= cfg.CLUSTER_SFU_NODES; i++) {
    const rtcPort = cfg.RTC_PORT === 0 ? 0 : cfg.RTC_PORT + 100 * (i - 1);
    const env = {
      ...base,
      SFU_NODE_ID: `sfu-${i}`,
      SFU_WORKERS: String(cfg.CLUSTER_SFU_WORKERS),
      RTC_PORT: String(rtcPort),
    };
    // Started one by one: each is ready (registered) before the next.
    started.push(await spawnNode(`sfu-${i}`, 'sfu', env));
  }
  for (let i = 1; i <= cfg.CLUSTER_SIGNALING_NODES; i++) {
    const env = {
      ...base,
      SFU_MODE: 'remote',
      SIGNALING_NODE_ID: `sig-${i}`,
      PORT: '0',
      HOST: '127.0.0.1', // reachable through the balancer only
      TRUST_PROXY: '1',
      // The first node seeds the demo data; the others find it in Redis.
      SEED_DEMO: i === 1 ? (process.env.SEED_DEMO ?? 'true') : 'false',
    };
    started.push(await spawnNode(`sig-${i}`, 'signaling', env));
  }
  balancer = await startBalancer({ redisUrl, port: cfg.PORT, host: cfg.HOST, log });
  log.info(
    { url: balancer.url, signaling: balancer.nodes().map((n) => n.url), redis: redisUrl },
    'GiaoBan cluster ready',
  );
  // The one line a person running `npm run cluster` looks for, outside the JSON logs.
  process.stdout.write(
    `\nGiaoBan cluster (${cfg.CLUSTER_SFU_NODES} SFU + ${cfg.CLUSTER_SIGNALING_NODES} signaling nodes) / cụm máy chủ: ${balancer.url}\n\n`,
  );
  for (const child of started) {
    child.process.once('exit', (code, signal) => {
      if (!stopping) log.error({ node: child.name, code, signal }, 'cluster node exited');
    });
  }
}

let stopping = false;
const stop = async (signal: string) => {
  if (stopping) return;
  stopping = true;
  log.info({ signal }, 'stopping the cluster');
  await stopAll();
  process.exit(0);
};
process.on('SIGINT', () => void stop('SIGINT'));
process.on('SIGTERM', () => void stop('SIGTERM'));

try {
  await main();
} catch (err) {
  log.fatal({ err }, 'the cluster could not start');
  stopping = true;
  await stopAll();
  process.exit(1);
}
