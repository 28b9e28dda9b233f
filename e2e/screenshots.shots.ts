/**
 * Drives Debian's Chromium through the real UI of a whole test app and writes
 * PNGs of the main screens to docs/screenshots/ (see screenshots.config.ts).
 */
import path from 'node:path';
import { mkdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { startTestApp } from '../infra/test/app';
import { launchChromium } from './browser';
import { loginAs } from './clientSession';

const outDir = path.resolve(import.meta.dirname, '../docs/screenshots');
mkdirSync(outDir, { recursive: true });

async function save(page: Page, name: string, fullPage = false) {
  await page.waitForTimeout(400);
  await page.screenshot({ path: path.join(outDir, `${name}.png`), fullPage });
}

describe('screenshots', () => {
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

  it('login', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 }, locale: 'vi-VN' });
    await page.goto(app.url);
    await page.getByLabel('Tên đăng nhập').fill('u18904');
    await save(page, 'login');
    await page.close();
  });

  it('scheduling', async () => {
    const page = await loginAs(browser, app.url, 'host452');
    await page.goto(`${app.url}/schedule/new`);
    await page.getByLabel('Tên cuộc họp').fill('Giao ban tuần huyện Minh Hóa');
    await page.getByRole('combobox', { name: 'Lặp lại' }).selectOption('WEEKLY');
    await page.getByRole('checkbox', { name: 'Thứ 2' }).check();
    await page.getByRole('button', { name: /Chọn tất cả 15 xã/ }).click();
    await save(page, 'scheduling-editor', true);
    await page.getByRole('button', { name: 'Lưu' }).click();
    await page.locator('article.occurrence').first().waitFor();
    await save(page, 'scheduling-list');
    await page.context().close();
  });

  it('home', async () => {
    const page = await loginAs(browser, app.url, 'u18904');
    await page.locator('article.occurrence').first().waitFor({ timeout: 5000 });
    await save(page, 'home');
    await page.context().close();
  });

  it('emergency convene form', async () => {
    const page = await loginAs(browser, app.url, 'chihuy');
    await page.getByRole('link', { name: 'Triệu tập khẩn' }).click();
    await page.getByRole('button', { name: /Toàn bộ Tỉnh Quảng Bình/ }).click();
    await save(page, 'emergency-convene');
    await page.context().close();
  });
});
