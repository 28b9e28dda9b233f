import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { useBrowserApp } from './fixtures';
import { login, startMeeting } from './weakLink/probe';

/**
 * The meeting engine is on the device before the click (issue 13): right after
 * login the app fetches the pre-join screen, the room and the meeting engine in
 * the background, and a service worker (client/public/sw.js) keeps every hashed
 * asset in Cache Storage across visits, answering from there first.
 */
const CACHE = 'giaoban-assets-v1';
/** Runs in the browser (this file is type-checked without the DOM library). */
type CacheStorageLike = {
  open(name: string): Promise<{ keys(): Promise<{ url: string }[]> }>;
};
const kept = (page: Page): Promise<string[]> =>
  page.evaluate(async (name) => {
    const storage = (globalThis as unknown as { caches: CacheStorageLike }).caches;
    const cache = await storage.open(name);
    return (await cache.keys()).map((r) => new URL(r.url).pathname);
  }, CACHE);

describe('meeting engine kept on the device (service worker)', () => {
  const t = useBrowserApp();

  it('after login, without opening a meeting, the engine chunks are fetched and kept', async () => {
    const page = await t.loginAs('u18853');
    await expect
      .poll(async () => (await kept(page)).join(' '), { timeout: 20_000 })
      .toMatch(/meetingStore-[^ ]+\.js/);
    const paths = await kept(page);
    for (const chunk of ['RoomScreen', 'PreJoinPage', 'meetingStore', 'shell'])
      expect(paths.some((p) => p.startsWith(`/assets/${chunk}-`))).toBe(true);
    // Pages and the API are never kept (the network decides what is current).
    expect(paths.every((p) => p.startsWith('/assets/'))).toBe(true);

    // A later visit: the engine comes from the worker's cache, not over the link.
    const fromWorker = new Map<string, boolean>();
    page.on('response', (r) => {
      const path = new URL(r.url()).pathname;
      if (path.startsWith('/assets/')) fromWorker.set(path, r.fromServiceWorker());
    });
    await page.reload();
    await page.getByRole('navigation').waitFor({ timeout: 15_000 });
    await expect
      .poll(() => [...fromWorker.keys()].some((p) => p.startsWith('/assets/meetingStore-')), {
        timeout: 15_000,
      })
      .toBe(true);
    for (const [path, viaWorker] of fromWorker) expect(viaWorker, path).toBe(true);
    await page.context().close();
  });

  it('the pre-join screen shows the engine arriving and allows the click once it is here', async () => {
    const host = await login(t.url, 'host44');
    const meetingId = await startMeeting(t.url, host, ['18853']);
    const context = await t.browser.newContext({ baseURL: t.url, serviceWorkers: 'block' });
    // A slow link: the meeting store (mediasoup-client) arrives 4 s after it was asked for.
    let released = 0;
    await context.route('**/assets/meetingStore-*.js', async (route) => {
      await new Promise((r) => setTimeout(r, 4_000));
      released = Date.now();
      await route.continue();
    });
    const page = await context.newPage();
    await page.goto('/');
    await page.getByLabel('Tên đăng nhập').fill('u18853');
    await page.getByLabel('Mật khẩu').fill('GiaoBan@2026');
    await page.getByRole('button', { name: 'Đăng nhập' }).click();
    await page.getByRole('navigation').waitFor({ timeout: 15_000 });
    await page.goto(`/join/${meetingId}`);
    const join = page.locator('button.btn-join');
    // Said in words with the share that arrived, and the click waits for it.
    await expect
      .poll(() => page.locator('.engine-status').textContent(), { timeout: 10_000 })
      .toMatch(/^Đang tải bộ máy họp… \d+ %$/);
    expect(await join.isDisabled()).toBe(true);
    await page.locator('button.btn-join:enabled').waitFor({ timeout: 20_000 });
    expect(released).toBeGreaterThan(0);
    expect(await page.locator('.engine-status').count()).toBe(0);
    await context.close();
  });
});
