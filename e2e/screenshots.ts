/**
 * Screenshots of the main screens for docs/ (not a test): starts a whole test
 * app, drives Debian's Chromium through the real UI and writes PNGs to
 * docs/screenshots/. Run: node --import tsx e2e/screenshots.ts [screen…]
 */
import path from 'node:path';
import { mkdirSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { startTestApp } from '../infra/test/app';
import { launchChromium } from './browser';
import { loginAs } from './clientSession';

const outDir = path.resolve(import.meta.dirname, '../docs/screenshots');
mkdirSync(outDir, { recursive: true });

type Shot = (browser: Browser, url: string) => Promise<void>;

async function save(page: Page, name: string, fullPage = false) {
  await page.waitForTimeout(400);
  await page.screenshot({ path: path.join(outDir, `${name}.png`), fullPage });
  process.stdout.write(`wrote docs/screenshots/${name}.png\n`);
}

const shots: Record<string, Shot> = {
  async login(browser, url) {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(url);
    await page.getByLabel('Tên đăng nhập').fill('u18904');
    await save(page, 'login');
    await page.close();
  },
  async schedule(browser, url) {
    const page = await loginAs(browser, url, 'host452');
    await page.goto(`${url}/schedule/new`);
    await page.getByLabel('Tên cuộc họp').fill('Giao ban tuần huyện Minh Hóa');
    await page.getByRole('combobox', { name: 'Lặp lại' }).selectOption('WEEKLY');
    await page.getByRole('checkbox', { name: 'Thứ 2' }).check();
    await page.getByRole('button', { name: /Chọn tất cả 15 xã/ }).click();
    await save(page, 'scheduling-editor', true);
    await page.getByRole('button', { name: 'Lưu' }).click();
    await page.locator('article.occurrence').first().waitFor();
    await save(page, 'scheduling-list');
    await page.context().close();
  },
  async home(browser, url) {
    const page = await loginAs(browser, url, 'u18904');
    await page
      .locator('article.occurrence')
      .first()
      .waitFor({ timeout: 5000 })
      .catch(() => {});
    await save(page, 'home');
    await page.context().close();
  },
};

const wanted = process.argv.slice(2);
const app = await startTestApp({ SFU_WORKERS: '1' });
const browser = await launchChromium();
try {
  for (const [name, shot] of Object.entries(shots)) {
    if (wanted.length && !wanted.includes(name)) continue;
    await shot(browser, app.url);
  }
} finally {
  await browser.close();
  await app.close();
}
