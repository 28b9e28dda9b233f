import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { connect, login } from '@giaoban/signaling/testing/clients';
import { alive, childrenOf, spawnApp, type AppProcess } from '../test/appProcess';
import { redisServersOn } from './redis/dataDirLock';
import { freePort } from './redisServer';

/**
 * The app killed with SIGKILL (no shutdown code runs), as an OOM killer or a
 * power-cut VM would: its redis-server must not outlive it, a restarted app
 * must never run a second redis-server on the same data folder, and units that
 * were in a meeting must not stay "present" with no endpoint. Real processes:
 * `npm start`'s entry point, redis-server, a mediasoup worker.
 */
describe('after kill -9 of the app', { timeout: 120_000 }, () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'gb-crash-'));
  const redisDir = path.join(dataDir, 'redis');
  const started: AppProcess[] = [];
  const start = async (env: Record<string, string> = {}) => {
    const app = await spawnApp(dataDir, env).ready;
    started.push(app);
    return app;
  };
  afterAll(async () => {
    for (const a of started) if (a.proc.exitCode === null) a.proc.kill('SIGTERM');
    await Promise.all(started.map((a) => a.exited));
    for (const pid of redisServersOn(redisDir)) process.kill(pid, 'SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('its redis-server stops with it (watchdog)', async () => {
    const app = await start();
    const [redisPid] = redisServersOn(redisDir);
    expect(redisPid).toBeGreaterThan(0);
    app.proc.kill('SIGKILL');
    await app.exited;
    await expect.poll(() => alive(redisPid!), { timeout: 5_000 }).toBe(false);
    expect(redisServersOn(redisDir)).toEqual([]);
  });

  it('its coturn child (TURN=embedded) stops with it too (the same watchdog)', async () => {
    const turnDir = mkdtempSync(path.join(tmpdir(), 'gb-crash-turn-'));
    try {
      const base = 20_000 + Math.floor(Math.random() * 80) * 100;
      const app = await spawnApp(turnDir, {
        TURN: 'embedded',
        TURN_PORT: String(await freePort()),
        TURN_TLS_PORT: String(await freePort()),
        TURN_LISTEN_IP: '127.0.0.1',
        TURN_RELAY_IP: '127.0.0.1',
        TURN_RELAY_PORTS: `${base}-${base + 49}`,
      }).ready;
      const turnserver = childrenOf(app.proc.pid!).find((pid) =>
        readFileSync(`/proc/${pid}/cmdline`, 'utf8').startsWith('turnserver'),
      );
      expect(turnserver).toBeGreaterThan(0);
      app.proc.kill('SIGKILL');
      await app.exited;
      await expect.poll(() => alive(turnserver!), { timeout: 5_000 }).toBe(false);
    } finally {
      rmSync(turnDir, { recursive: true, force: true });
    }
  });

  it('a restart stops a redis-server left behind and runs one only; units are no longer present', async () => {
    const app = await start();
    const [orphan] = redisServersOn(redisDir);
    // A commune is in a meeting when the app dies.
    const host = await login(app.url, 'host450');
    const res = await fetch(`${app.url}/api/meetings/start-now`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${host}` },
      body: JSON.stringify({
        title: 'Họp thử',
        durationMinutes: 60,
        selectors: [{ type: 'unit', unitId: '18853' }],
      }),
    });
    const { meeting, occurrence } = (await res.json()) as {
      meeting: { id: string };
      occurrence: { id: string };
    };
    const meetingId = meeting.id;
    const occurrenceId = occurrence.id;
    const commune = await connect(app.url, await login(app.url, 'u18853'));
    const join = await commune.request('meeting:join', { meetingId, deviceId: 'dev-crash' });
    expect(join.ok).toBe(true);
    const present = async (url: string) => {
      const token = await login(url, 'host450');
      const res = await fetch(`${url}/api/attendance/${occurrenceId}`, {
        headers: { authorization: `Bearer ${token}` },
      });
      const body = (await res.json()) as { rows: { unitId: string; present: boolean }[] };
      return body.rows.find((r) => r.unitId === '18853')?.present;
    };
    await expect.poll(() => present(app.url)).toBe(true);
    // The watchdog dies too (a kill of the whole tree, a frozen shell): redis-server is orphaned.
    for (const pid of childrenOf(app.proc.pid!)) {
      if (readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('giaoban-redis-watchdog'))
        process.kill(pid, 'SIGKILL');
    }
    app.proc.kill('SIGKILL');
    await app.exited;
    commune.close();
    expect(alive(orphan!)).toBe(true);

    const again = await start();
    expect(alive(orphan!)).toBe(false);
    const running = redisServersOn(redisDir);
    expect(running).toHaveLength(1);
    expect(running[0]).not.toBe(orphan);
    // Nobody is connected after the restart: the commune is not present any more.
    expect(await present(again.url)).toBe(false);
  });

  it('a second app on the same data folder refuses to start while the first runs', async () => {
    const first = started.at(-1)!;
    const second = spawnApp(dataDir);
    await expect(second.ready).rejects.toThrow(/in use by GiaoBan process/);
    expect(await second.exited).toBe(1);
    expect(redisServersOn(redisDir)).toHaveLength(1);
    expect((await fetch(`${first.url}/healthz`)).status).toBe(200);
  });
});
