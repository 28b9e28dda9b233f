import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { startTestApp } from '../infra/test/app';
import { launchChromium } from './browser';
import { loginAs } from './clientSession';

describe('a district host schedules a weekly meeting for its communes', () => {
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

  const title = 'Giao ban tuần huyện Minh Hóa';

  it('host452 creates it with "all communes of the district"', async () => {
    const page = await loginAs(browser, app.url, 'host452');
    await page.getByRole('link', { name: 'Lịch họp' }).click();
    await page.getByRole('link', { name: 'Tạo cuộc họp' }).click();
    await page.getByLabel('Tên cuộc họp').fill(title);
    await page.getByRole('combobox', { name: 'Lặp lại' }).selectOption('WEEKLY');
    await page.getByRole('checkbox', { name: 'Thứ 2' }).check();
    await page.getByRole('button', { name: 'Chọn tất cả 15 xã của Huyện Minh Hóa' }).click();
    await expect.poll(() => page.locator('.unit-picker-count').textContent()).toBe('Đã chọn 15');
    await page.getByRole('button', { name: 'Lưu' }).click();
    // Back on the schedule, the first occurrence is listed as recurring.
    const card = page.locator('article.occurrence', { hasText: title }).first();
    await card.waitFor({ timeout: 15_000 });
    expect(await card.textContent()).toContain('Định kỳ');
    expect(await card.textContent()).toContain('15 điểm cầu');
    await page.context().close();
  });

  it('a commune of that district sees it on its home', async () => {
    const page = await loginAs(browser, app.url, 'u18904'); // Xã Dân Hóa, Minh Hóa
    const card = page.locator('article.occurrence', { hasText: title }).first();
    await card.waitFor({ timeout: 15_000 });
    expect(await card.textContent()).toContain('Huyện Minh Hóa');
    await page.context().close();
  });

  it('a commune of another district does not', async () => {
    const page = await loginAs(browser, app.url, 'u18853'); // Phường Hải Thành, Đồng Hới
    await page.getByText('Không có cuộc họp nào sắp tới.').waitFor({ timeout: 15_000 });
    expect(await page.locator('article.occurrence', { hasText: title }).count()).toBe(0);
    await page.context().close();
  });
});
