import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { startTestApp } from '../infra/test/app';
import { launchChromium } from './browser';

describe('client shell', () => {
  let app: Awaited<ReturnType<typeof startTestApp>>;
  let browser: Browser;
  beforeAll(async () => {
    app = await startTestApp({ SFU_WORKERS: '1' });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  it('loads the app in Vietnamese', async () => {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(app.url);
    await expect.poll(() => page.locator('h1').textContent()).toContain('GiaoBan');
    expect(await page.getAttribute('html', 'lang')).toBe('vi');
    // Anonymous visitors land on the login form, whatever the path they opened.
    await page.getByLabel('Tên đăng nhập').waitFor();
    expect(new URL(page.url()).pathname).toBe('/login');
    expect(errors).toEqual([]);
  });
});
