import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import path from 'node:path';
import compression from 'compression';
import expressStaticGzip from 'express-static-gzip';
import express from 'express';
import { Redis } from 'ioredis';
import type { Logger } from '@giaoban/common/logger';
import { createScheduler, type Scheduler } from '@giaoban/scheduler';
import { errorHandler, notFoundHandler } from '@giaoban/scheduler/http/errorHandler';
import { WorkerPool } from '@giaoban/sfu/workerPool';
import { loadSfuConfig } from '@giaoban/sfu/config';
import { LocalSfuClient } from '@giaoban/sfu/localSfuClient';
import type { SfuClient } from '@giaoban/sfu/sfuClient';
import { createSignaling, type Signaling, type SignalingOptions } from '@giaoban/signaling';
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

type Cleanup = () => Promise<void> | void;

/** Where a node's media comes from: its own worker pool (all-in-one) or SFU nodes (cluster). */
export interface NodeMedia {
  sfu: SfuClient;
  /** The local worker pool, if any (worker gauges in /metrics). */
  workers?: WorkerPool;
  /** Whether media is healthy, and the fields it adds to /healthz. */
  health(): Promise<{ ok: boolean; report: Record<string, unknown> }>;
  /** Cluster: the socket.io adapter that carries broadcasts between signaling nodes. */
  signalingAdapter?: SignalingOptions['adapter'];
}

export type NodeMediaFactory = (ctx: {
  redisUrl: string;
  env: NodeJS.ProcessEnv;
  log: Logger;
  cleanups: Cleanup[];
}) => Promise<NodeMedia>;

/** A scheduler + signaling node; its media is whatever the factory gives it. */
export type GiaoBanNode = Omit<AllInOne, 'workers' | 'sfu'> & { media: NodeMedia };

/**
 * The all-in-one process: scheduler + signaling + one SFU node + the built
 * client on one HTTP port, with an embedded redis-server unless REDIS_URL is set.
 */
export async function startAllInOne(
  config: AppConfig,
  log: Logger,
  env: NodeJS.ProcessEnv = process.env,
): Promise<AllInOne> {
  let local: { workers: WorkerPool; sfu: LocalSfuClient } | undefined;
  const node = await startNode(config, log, env, async ({ cleanups }) => {
    const sfuConfig = loadSfuConfig(env);
    const workers = await WorkerPool.create(sfuConfig, log.child({ role: 'sfu' }));
    cleanups.push(() => workers.close());
    const sfu = new LocalSfuClient(workers, {
      consumerBudget: sfuConfig.SFU_ROUTER_CONSUMER_BUDGET,
      lastN: sfuConfig.LAST_N_VIDEOS,
      h264: sfuConfig.SFU_H264,
      audioRepair: sfuConfig.AUDIO_REPAIR,
      log: log.child({ role: 'sfu' }),
    });
    cleanups.push(() => sfu.close());
    local = { workers, sfu };
    return {
      sfu,
      workers,
      async health() {
        const workerHealth = await workers.health();
        const ok = workerHealth.length > 0 && workerHealth.every((w) => w.ok);
        return { ok, report: { workers: workerHealth, srtp: workers.srtp } };
      },
    };
  });
  if (!local) throw new Error('the local media factory did not run');
  return { ...node, workers: local.workers, sfu: local.sfu };
}

/** Scheduler, signaling, the REST API and the client on one HTTP port; media from `createMedia`. */
export async function startNode(
  config: AppConfig,
  log: Logger,
  env: NodeJS.ProcessEnv,
  createMedia: NodeMediaFactory,
): Promise<GiaoBanNode> {
  const cleanups: Cleanup[] = [];
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

    const media = await createMedia({ redisUrl, env, log, cleanups });
    const sfu = media.sfu;

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
      const [redisOk, mediaHealth] = await Promise.all([
        redis.ping().then(
          () => true,
          () => false,
        ),
        media.health(),
      ]);
      const ok = redisOk && mediaHealth.ok;
      res.status(ok ? 200 : 503).json({
        status: ok ? 'ok' : 'degraded',
        redis: { ok: redisOk },
        ...mediaHealth.report,
      });
    });
    // Signaling needs the listening HTTP server, /metrics is routed before it exists.
    const late: { signaling?: Signaling } = {};
    app.use(metricsRouter({ workers: media.workers, signaling: () => late.signaling }));
    // API answers (the org tree, week lists) deflated over 1 KiB: weak links pay per byte.
    app.use('/api', compression());
    app.use('/api', scheduler.router);
    app.use('/api', notFoundHandler);

    if (existsSync(config.CLIENT_DIST)) {
      // Brotli/gzip files written at build time; hashed assets never change, so a commune
      // on EDGE downloads the app once, not at every visit.
      app.use(
        expressStaticGzip(config.CLIENT_DIST, {
          enableBrotli: true,
          orderPreference: ['br', 'gz'],
          index: false,
          serveStatic: {
            setHeaders: (res, file) =>
              res.setHeader(
                'Cache-Control',
                file.includes(`${path.sep}assets${path.sep}`)
                  ? 'public, max-age=31536000, immutable'
                  : 'no-cache',
              ),
          },
        }),
      );
      // Client-side routes: every other GET gets the app shell.
      app.get(/^\/(?!api\/|socket\.io\/).*/, (_req, res) =>
        res.sendFile(path.join(config.CLIENT_DIST, 'index.html'), { maxAge: 0 }),
      );
    } else {
      log.warn({ dir: config.CLIENT_DIST }, 'client not built: run `npm run build`');
    }
    app.use(errorHandler(log));

    const http = createServer(app);
    // Keep idle connections long: on EDGE/GPRS a new TCP connection costs seconds (handshake,
    // slow start), and a server closing after Node's 5 s default races the browser reusing it.
    http.keepAliveTimeout = 65_000;
    http.headersTimeout = 70_000;
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
      redis,
      adapter: media.signalingAdapter,
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
      media,
      signaling,
      close: closeAll,
    };
  } catch (err) {
    await closeAll();
    throw err;
  }
}
