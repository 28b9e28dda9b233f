import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startTestApp } from '../../test/app';
import { login } from '@giaoban/signaling/testing/clients';
import { redisServersOn } from './dataDirLock';
import path from 'node:path';

/**
 * The embedded redis-server killed under a running app (kill -9): the app
 * answers UNAVAILABLE at once meanwhile (no hang, no INTERNAL), /healthz
 * answers within a second, redis-server comes back by itself on the same
 * port with every record (AOF), and ioredis prints no "Unhandled error event".
 * Real all-in-one app, real redis-server.
 */
describe('embedded redis-server supervision', () => {
  let app: Awaited<ReturnType<typeof startTestApp>>;
  const consoleErrors: string[] = [];
  beforeAll(async () => {
    const spy = vi.spyOn(console, 'error');
    spy.mockImplementation(
      (...args: unknown[]) => void consoleErrors.push(args.map(String).join(' ')),
    );
    app = await startTestApp({ SFU_WORKERS: '1' });
  });
  afterAll(async () => {
    vi.restoreAllMocks();
    await app?.close();
  });

  const timed = async (path: string, token?: string) => {
    const t0 = performance.now();
    const res = await fetch(`${app.url}${path}`, {
      headers: token ? { authorization: `Bearer ${token}` } : {},
    });
    const body = (await res.json()) as { error?: { code: string }; status?: string };
    return { status: res.status, ms: performance.now() - t0, body };
  };

  it('answers fast while it is down and works again once it is back', async () => {
    const token = await login(app.url, 'host450');
    const before = await timed('/api/auth/me', token);
    expect(before.status).toBe(200);
    const redisDir = path.join(app.dataDir, 'redis');
    const [pid] = redisServersOn(redisDir);
    expect(pid).toBeGreaterThan(0);

    process.kill(pid!, 'SIGKILL');
    const answers: Awaited<ReturnType<typeof timed>>[] = [];
    const deadline = Date.now() + 15_000;
    let back = false;
    while (Date.now() < deadline) {
      const [api, health] = await Promise.all([timed('/api/auth/me', token), timed('/healthz')]);
      answers.push(api, health);
      if (api.status === 200 && health.status === 200 && answers.length > 4) {
        back = true;
        break;
      }
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(back, 'redis-server restarted and the API answers again').toBe(true);
    const down = answers.filter((a) => a.status !== 200);
    expect(down.length, 'the outage was seen').toBeGreaterThan(0);
    for (const a of down) {
      expect([503]).toContain(a.status);
      expect(a.body.error?.code ?? a.body.status).toMatch(/UNAVAILABLE|degraded/);
    }
    expect(Math.max(...answers.map((a) => a.ms))).toBeLessThan(1_000);

    const [again] = redisServersOn(redisDir);
    expect(again).not.toBe(pid);
    // Everything is still there (AOF) and logins work.
    expect((await timed('/api/auth/me', await login(app.url, 'host450'))).status).toBe(200);
    expect(consoleErrors.filter((l) => l.includes('Unhandled error event'))).toEqual([]);
  });
});
