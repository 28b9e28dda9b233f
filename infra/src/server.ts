import { existsSync } from 'node:fs';
import type { Server } from 'node:http';
import path from 'node:path';
import compression from 'compression';
import expressStaticGzip from 'express-static-gzip';
import express from 'express';
import type { Logger } from '@giaoban/common/logger';
import { createScheduler, type Scheduler } from '@giaoban/scheduler';
import { errorHandler, notFoundHandler } from '@giaoban/scheduler/http/errorHandler';
import { WorkerPool } from '@giaoban/sfu/workerPool';
import { loadSfuConfig, recordingSettings } from '@giaoban/sfu/config';
import { LocalSfuClient } from '@giaoban/sfu/localSfuClient';
import type { SfuClient } from '@giaoban/sfu/sfuClient';
import { createSignaling, type Signaling, type SignalingOptions } from '@giaoban/signaling';
import { loadSignalingConfig } from '@giaoban/signaling/config';
import type { AppConfig } from './config';
import { metricsRouter } from './metrics';
import { startRedisServer, type RedisChild } from './redisServer';
import { connectRedis, storageCircuit } from './redisClient';
import { contentSecurityPolicy, securityHeaders } from './securityHeaders';

const HEALTH_TIMEOUT_MS = 800;

/** The promise's value, or `fallback` once `ms` have passed. */
function within<T>(p: Promise<T>, ms: number, fallback: T): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    p,
    new Promise<T>((resolve) => (timer = setTimeout(() => resolve(fallback), ms))),
  ]).finally(() => clearTimeout(timer));
}
import { caRoutes } from './web/caRoutes';
import { startEmbeddedTurn } from './turn/embeddedTurn';
import { httpsPolicy } from './web/httpsPolicy';
import {
  closeServer,
  createRedirectServer,
  createWebServer,
  hsts,
  listen,
  redirectPort,
  tlsFiles,
} from './web/webServer';

export interface AllInOne {
  /** The HTTPS server when TLS_CERT/TLS_KEY are set, else plain HTTP (one type for both). */
  readonly http: Server;
  /** The plain-HTTP listener that redirects to HTTPS (HTTP_REDIRECT_PORT), if any. */
  readonly redirect?: Server;
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
      recording: recordingSettings(sfuConfig),
      audioRepair: sfuConfig.AUDIO_REPAIR,
      linkTraceDir: sfuConfig.LINK_TRACE_DIR,
      log: log.child({ role: 'sfu' }),
    });
    cleanups.push(() => sfu.close());
    // Recorder processes ready before the first recording (its tracks start within a second).
    sfu.recorders.warmUp();
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
    const verdict = httpsPolicy(config);
    if (verdict.refuse) throw new Error(verdict.refuse);
    for (const w of verdict.warnings) {
      log.warn(w);
      console.error(`\n\x1b[31m!!! ${w}\x1b[0m\n`);
    }
    for (const n of verdict.notes) log.warn(n);
    const tls = tlsFiles(config) !== undefined;

    let redisUrl = config.REDIS_URL;
    if (!redisUrl) {
      const child: RedisChild = await startRedisServer({
        dataDir: path.join(config.DATA_DIR, 'redis'),
        log: log.child({ role: 'redis' }),
      });
      cleanups.push(() => child.stop());
      redisUrl = child.url;
      log.info(
        { port: child.port, dir: path.join(config.DATA_DIR, 'redis') },
        'embedded redis-server started (AOF on)',
      );
    }
    const redis = connectRedis(redisUrl, log);
    cleanups.push(() => void redis.disconnect());

    const media = await createMedia({ redisUrl, env, log, cleanups });
    // TURN=embedded: a coturn child; signaling hands out its credentials (TURN_URLS/TURN_SECRET).
    let signalingEnv = env;
    if (config.TURN === 'embedded') {
      const turn = await startEmbeddedTurn(config, env, log);
      cleanups.push(() => turn.child.stop());
      signalingEnv = { ...env, ...turn.signalingEnv };
    }
    const sfu = media.sfu;

    const scheduler = await createScheduler({
      redis,
      log: log.child({ role: 'scheduler' }),
      seed: config.SEED_DEMO,
      env,
    });
    cleanups.push(() => scheduler.close());

    // A single node (its own SFU, no adapter): no endpoint can be present before it
    // listens, so whatever attendance still counts as present is from its previous life.
    if (!media.signalingAdapter) await scheduler.attendance.reconcile(Date.now());

    const app = express();
    app.disable('x-powered-by');
    // Behind HAProxy (TRUST_PROXY=1) req.secure follows X-Forwarded-Proto: Secure cookies and HSTS alike.
    if (config.TRUST_PROXY > 0) app.set('trust proxy', config.TRUST_PROXY);
    app.use(hsts(config.HSTS_MAX_AGE));
    app.use(express.json({ limit: '256kb' }));

    app.use(securityHeaders());
    app.get('/healthz', async (_req, res) => {
      // Always within a second: a dead Redis or a hung worker counts as down, it does not wait.
      const [redisOk, mediaHealth] = await Promise.all([
        redis.status !== 'ready'
          ? false
          : within(
              redis.ping().then(
                () => true,
                () => false,
              ),
              HEALTH_TIMEOUT_MS,
              false,
            ),
        within(media.health(), HEALTH_TIMEOUT_MS, {
          ok: false,
          report: { media: 'no answer within 0.8 s' },
        }),
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
    app.use(caRoutes(config));
    app.use(metricsRouter({ workers: media.workers, signaling: () => late.signaling }));
    // API answers (the org tree, week lists) deflated over 1 KiB: weak links pay per byte.
    app.use('/api', compression());
    // Redis down (restarting): every API call answers UNAVAILABLE at once instead of queueing.
    app.use('/api', storageCircuit(redis));
    app.use('/api', scheduler.router);
    app.use('/api', notFoundHandler);

    if (existsSync(config.CLIENT_DIST)) {
      app.use(contentSecurityPolicy(config.CLIENT_DIST));
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

    const http = createWebServer(config, app);
    const port = await listen(http, config.PORT, config.HOST);
    cleanups.push(() => closeServer(http));
    const plainPort = redirectPort(config);
    let redirect: Server | undefined;
    if (plainPort !== null) {
      redirect = createRedirectServer(config, port);
      const at = await listen(redirect, plainPort, config.HOST);
      cleanups.push(() => closeServer(redirect!));
      log.info({ port: at, to: port }, 'plain HTTP redirects to HTTPS');
    }
    const signaling = createSignaling({
      httpServer: http,
      sfu,
      sessions: scheduler.sessions,
      gate: scheduler.gate,
      attendance: scheduler.attendance,
      describeUnit: (id) => scheduler.orgTree.get(id),
      audit: scheduler.audit,
      recordings: scheduler.recordings,
      log: log.child({ role: 'signaling' }),
      config: loadSignalingConfig(signalingEnv),
      redis,
      adapter: media.signalingAdapter,
    });
    late.signaling = signaling;
    scheduler.attachNotifier(signaling.notifier);
    cleanups.push(() => signaling.close());

    return {
      http,
      redirect,
      url: `${tls ? 'https' : 'http'}://localhost:${port}`,
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
