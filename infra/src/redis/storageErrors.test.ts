import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startTestApp } from '../../test/app';
import { startRedisServer } from '../redisServer';

/**
 * A data folder on a read-only or full file system (small tmpfs mounts; root
 * only, as CI runs): redis-server's own words and a clear code, never "is the
 * redis-server package installed?" nor INTERNAL.
 */
const root = process.getuid?.() === 0;

describe.skipIf(!root)('data folder read-only or full (tmpfs mounts, root)', () => {
  const mounts: string[] = [];
  const mount = (options: string) => {
    const dir = mkdtempSync(path.join(tmpdir(), 'gb-storage-'));
    execFileSync('mount', ['-t', 'tmpfs', '-o', options, 'tmpfs', dir]);
    mounts.push(dir);
    return dir;
  };
  /** Fills the file system with one file (the file's size is whatever fitted). */
  const fill = (dir: string) => {
    try {
      execFileSync('dd', ['if=/dev/zero', `of=${path.join(dir, 'filler')}`, 'bs=4k'], {
        stdio: 'ignore',
      });
    } catch {
      // dd stops at "No space left on device", as wanted
    }
  };
  afterAll(() => {
    for (const dir of mounts) {
      execFileSync('umount', ['-l', dir]);
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('read-only at start: STORAGE_READONLY with redis-server’s message', async () => {
    const dir = mount('ro,size=1m');
    await expect(startRedisServer({ dataDir: dir })).rejects.toMatchObject({
      code: 'STORAGE_READONLY',
      message: expect.stringMatching(/Read-only file system/),
    });
  });

  it('full at start: STORAGE_FULL with redis-server’s message', async () => {
    const dir = mount('size=64k');
    fill(dir);
    await expect(startRedisServer({ dataDir: dir })).rejects.toMatchObject({
      code: 'STORAGE_FULL',
      message: expect.stringMatching(/No space left on device/),
    });
  });

  it('filling up while running: writes answer 507 STORAGE_FULL, and work again once space is freed', async () => {
    const dir = mount('size=16m');
    const app = await startTestApp({ SFU_WORKERS: '1', DATA_DIR: dir });
    try {
      const login = () =>
        fetch(`${app.url}/api/auth/login`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ username: 'u18853', password: 'GiaoBan@2026' }),
        }).then(async (r) => ({
          status: r.status,
          body: (await r.json()) as { error?: { code: string; details?: { redis?: string } } },
        }));
      expect((await login()).status).toBe(200);
      fill(dir);
      let full: Awaited<ReturnType<typeof login>> | undefined;
      for (let i = 0; i < 40 && !full; i++) {
        const answer = await login();
        if (answer.status !== 200) full = answer;
        else await new Promise((r) => setTimeout(r, 100));
      }
      expect(full?.status).toBe(507);
      expect(full?.body.error?.code).toBe('STORAGE_FULL');
      expect(full?.body.error?.details?.redis).toMatch(/No space left on device/);
      writeFileSync(path.join(dir, 'filler'), '');
      await expect.poll(async () => (await login()).status, { timeout: 10_000 }).toBe(200);
    } finally {
      await app.close();
    }
  });
});
