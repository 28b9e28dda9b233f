import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import path from 'node:path';
import express from 'express';
import { Redis } from 'ioredis';
import type { Logger } from '@giaoban/common/logger';
import { createScheduler, type Scheduler } from '@giaoban/scheduler';
import { errorHandler, notFoundHandler } from '@giaoban/scheduler/http/errorHandler';
import { WorkerPool } from '@giaoban/sfu/workerPool';
import { loadSfuConfig } from '@giaoban/sfu/config';
import { LocalSfuClient } from '@giaoban/sfu/localSfuClient';
import { createSignaling, type Signaling } from '@giaoban/signaling';
import { loadSignalingConfig } from '@giaoban/signaling/config';
import type { AppConfig } from './config';
import { metricsRouter } from './metrics';
import { startRedisServer, type RedisChild } from './redisServer';

export interface AllInOne {
  readonly http: Server;
  readonly url: string;
  readonly redisUrl: string;
  readonly scheduler: Scheduler;
  readonly workers: WorkerPool;
  readonly sfu: LocalSfuClient;
  readonly signaling: Signaling;
  close(): Promise<void>;
}

/**
 * The all-in-one process: scheduler + signaling + one SFU node + the built
 * client on one HTTP port, with an embedded redis-server unless REDIS_URL is set.
 */
export async function startAllInOne(
  config: AppConfig,
  log: Logger,
  env: NodeJS.ProcessEnv = process.env,
): Promise<AllInOne> {
  const cleanups: (() => Promise<void> | void)[] = [];
  const closeAll = async () => {
    for (const fn of cleanups.reverse()) {
      try {
        await fn();
      } catch (err) {
        log.error({ err }, 'shutdown step failed');
      }
    }
  };

  try {
    let redisUrl = config.REDIS_URL;
    if (!redisUrl) {
      const child: RedisChild = await startRedisServer({
        dataDir: path.join(config.DATA_DIR, 'redis'),
      });
      cleanups.push(() => child.stop());
      redisUrl = child.url;
      log.info(
        { port: child.port, dir: path.join(config.DATA_DIR, 'redis') },
        'embedded redis-server started (AOF on)',
      );
    }
    const redis = new Redis(redisUrl, { maxRetriesPerRequest: 2 });
    cleanups.push(() => void redis.disconnect());

    const sfuConfig = loadSfuConfig(env);
    const workers = await WorkerPool.create(sfuConfig, log.child({ role: 'sfu' }));
    cleanups.push(() => workers.close());
    const sfu = new LocalSfuClient(workers, {
      consumerBudget: sfuConfig.SFU_ROUTER_CONSUMER_BUDGET,
      lastN: sfuConfig.LAST_N_VIDEOS,
      h264: sfuConfig.SFU_H264,
      log: log.child({ role: 'sfu' }),
    });
    cleanups.push(() => sfu.close());

    const scheduler = await createScheduler({
      redis,
      log: log.child({ role: 'scheduler' }),
      seed: config.SEED_DEMO,
      env,
    });
    cleanups.push(() => scheduler.close());

    const app = express();
    app.disable('x-powered-by');
    if (config.TRUST_PROXY > 0) app.set('trust proxy', config.TRUST_PROXY);
    app.use(express.json({ limit: '256kb' }));

    app.get('/healthz', async (_req, res) => {
      const [redisOk, workerHealth] = await Promise.all([
        redis.ping().then(
          () => true,
          () => false,
        ),
        workers.health(),
      ]);
      const ok = redisOk && workerHealth.length > 0 && workerHealth.every((w) => w.ok);
      res.status(ok ? 200 : 503).json({
        status: ok ? 'ok' : 'degraded',
        redis: { ok: redisOk },
        workers: workerHealth,
      });
    });
    // Signaling needs the listening HTTP server, /metrics is routed before it exists.
    const late: { signaling?: Signaling } = {};
    app.use(metricsRouter({ workers, signaling: () => late.signaling }));
    app.use('/api', scheduler.router);
    app.use('/api', notFoundHandler);

    if (existsSync(config.CLIENT_DIST)) {
      app.use(express.static(config.CLIENT_DIST, { index: false, maxAge: '1h' }));
      // Client-side routes: every other GET gets the app shell.
      app.get(/^\/(?!api\/|socket\.io\/).*/, (_req, res) =>
        res.sendFile(path.join(config.CLIENT_DIST, 'index.html'), { maxAge: 0 }),
      );
    } else {
      log.warn({ dir: config.CLIENT_DIST }, 'client not built: run `npm run build`');
    }
    app.use(errorHandler(log));

    const http = createServer(app);
    await new Promise<void>((resolve, reject) => {
      http.once('error', reject);
      http.listen(config.PORT, config.HOST, () => resolve());
    });
    cleanups.push(
      () =>
        new Promise<void>((resolve) => {
          http.closeAllConnections();
          http.close(() => resolve());
        }),
    );
    const signaling = createSignaling({
      httpServer: http,
      sfu,
      sessions: scheduler.sessions,
      gate: scheduler.gate,
      attendance: scheduler.attendance,
      describeUnit: (id) => scheduler.orgTree.get(id),
      audit: scheduler.audit,
      log: log.child({ role: 'signaling' }),
      config: loadSignalingConfig(env),
    });
    late.signaling = signaling;
    scheduler.attachNotifier(signaling.notifier);
    cleanups.push(() => signaling.close());
    const addr = http.address();
    const port = typeof addr === 'object' && addr ? addr.port : config.PORT;

    return {
      http,
      url: `http://localhost:${port}`,
      redisUrl,
      scheduler,
      workers,
      sfu,
      signaling,
      close: closeAll,
    };
  } catch (err) {
    await closeAll();
    throw err;
  }
}
