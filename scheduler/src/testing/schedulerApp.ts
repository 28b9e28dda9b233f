import { createServer, type Server } from 'node:http';
import express from 'express';
import { createLogger } from '@giaoban/common/logger';
import type { UnitNotifier } from '@giaoban/common/ports';
import { startTestRedis, type TestRedis } from '../../../infra/test/redis';
import { createScheduler, type Scheduler } from '../index';
import { errorHandler, notFoundHandler } from '../http/errorHandler';
import type { LoginResponse } from '../api/auth';

/** A notifier that records what the scheduler sends (signaling is not part of these tests). */
export class RecordingNotifier implements UnitNotifier {
  readonly sent: { unitIds: string[]; event: string; payload: unknown; at: number }[] = [];
  notifyUnits(unitIds: string[], event: string, payload: unknown): void {
    this.sent.push({ unitIds, event, payload, at: Date.now() });
  }
  of(event: string) {
    return this.sent.filter((s) => s.event === event);
  }
}

export interface SchedulerTestApp {
  redis: TestRedis;
  scheduler: Scheduler;
  notifier: RecordingNotifier;
  url: string;
  /** Logs in (demo password by default) and returns a fetch bound to that session. */
  as(username: string, password?: string): Promise<ApiClient>;
  /** Stops the app and redis-server, starts both again on the same data. */
  restart(between?: (redis: TestRedis) => Promise<void>): Promise<void>;
  close(): Promise<void>;
}

export interface ApiClient {
  token: string;
  account: LoginResponse['account'];
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- test helper: tests assert response fields one by one
  call(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }>;
}

/**
 * The scheduler alone behind express on a free port, on a private real
 * redis-server: the REST API exactly as the all-in-one server mounts it, without
 * starting mediasoup workers.
 */
export async function startSchedulerApp(
  env: Record<string, string> = {},
): Promise<SchedulerTestApp> {
  const log = createLogger('test', process.env.LOG_LEVEL ?? 'silent');
  let redis = await startTestRedis();
  let scheduler: Scheduler;
  let http: Server;
  const notifier = new RecordingNotifier();
  const self = {} as SchedulerTestApp;

  const boot = async () => {
    scheduler = await createScheduler({ redis: redis.client(), log, seed: true, env: { ...env } });
    scheduler.attachNotifier(notifier);
    const app = express();
    // As the all-in-one does with TRUST_PROXY: tests pose as many clients through X-Forwarded-For.
    if (env.TRUST_PROXY) app.set('trust proxy', Number(env.TRUST_PROXY));
    app.use(express.json());
    app.use('/api', scheduler.router);
    app.use('/api', notFoundHandler);
    app.use(errorHandler(log));
    http = createServer(app);
    await new Promise<void>((r) => http.listen(0, '127.0.0.1', () => r()));
    const addr = http.address();
    self.url = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
    self.scheduler = scheduler;
    self.redis = redis;
  };
  const stop = async () => {
    await scheduler.close();
    http.closeAllConnections();
    await new Promise<void>((r) => http.close(() => r()));
  };

  const call = async (token: string | undefined, method: string, path: string, body?: unknown) => {
    const res = await fetch(`${self.url}/api${path}`, {
      method,
      headers: {
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    const type = res.headers.get('content-type') ?? '';
    return { status: res.status, body: type.includes('json') && text ? JSON.parse(text) : text };
  };

  Object.assign(self, {
    notifier,
    async as(username: string, password = 'GiaoBan@2026') {
      const res = await call(undefined, 'POST', '/auth/login', { username, password });
      if (res.status !== 200) throw new Error(`login ${username}: ${res.status}`);
      const login = res.body as LoginResponse;
      return {
        token: login.token,
        account: login.account,
        call: (method: string, path: string, body?: unknown) =>
          call(login.token, method, path, body),
      };
    },
    async restart(between?: (redis: TestRedis) => Promise<void>) {
      await stop();
      redis = await redis.restart();
      await between?.(redis);
      await boot();
    },
    async close() {
      await stop();
      await redis.destroy();
    },
  });
  await boot();
  return self;
}
