/**
 * Drives Debian's Chromium through the real UI of a whole test app and writes
 * PNGs of the main screens to docs/screenshots/ (see screenshots.config.ts).
 */
import path from 'node:path';
import { mkdirSync } from 'node:fs';
import { describe, it } from 'vitest';
import type { Page } from 'playwright-core';
import { useBrowserApp, autoplayArgs } from './fixtures';

const outDir = path.resolve(import.meta.dirname, '../docs/screenshots');
mkdirSync(outDir, { recursive: true });

async function save(page: Page, name: string, fullPage = false) {
  await page.waitForTimeout(400);
  await page.screenshot({ path: path.join(outDir, `${name}.png`), fullPage });
}

describe('screenshots', () => {
  const t = useBrowserApp({ chromiumArgs: autoplayArgs });

  it('login', async () => {
    const page = await t.browser.newPage({
      viewport: { width: 1280, height: 800 },
      locale: 'vi-VN',
    });
    await page.goto(t.url);
    await page.getByLabel('Tên đăng nhập').fill('u18904');
    await save(page, 'login');
    await page.close();
  });

  it('scheduling', async () => {
    const page = await t.loginAs('host452');
    await page.goto(`${t.url}/schedule/new`);
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
    const page = await t.loginAs('u18904');
    await page.locator('article.occurrence').first().waitFor({ timeout: 5000 });
    await save(page, 'home');
    await page.context().close();
  });

  it('admin accounts', async () => {
    const page = await t.loginAs('admin');
    await page.getByRole('link', { name: 'Tài khoản' }).click();
    await page.getByLabel('Tìm tài khoản').fill('dan hoa');
    const row = page.locator('tr[data-username="u18904"]');
    await row.getByRole('button', { name: 'Đặt lại mật khẩu cho u18904' }).click();
    await row.getByRole('button', { name: 'Tạo ngẫu nhiên' }).click();
    await save(page, 'admin-accounts');
    await page.context().close();
  });

  it('emergency convene form', async () => {
    const page = await t.loginAs('chihuy');
    await page.getByRole('link', { name: 'Triệu tập khẩn' }).click();
    await page.getByRole('button', { name: /Toàn bộ Tỉnh Quảng Bình/ }).click();
    await save(page, 'emergency-convene');
    await page.context().close();
  });

  it('meeting room and host panel', async () => {
    const title = 'Giao ban đột xuất huyện Minh Hóa';
    const host = await t.loginAs('host452');
    await host.goto(`${t.url}/schedule/now`);
    await host.getByLabel('Tên cuộc họp').fill(title);
    await host.getByRole('button', { name: /Chọn tất cả 15 xã/ }).click();
    await host.getByRole('button', { name: 'Mở phòng và vào họp' }).click();
    await host.waitForURL(/\/join\//);
    await host.locator('[data-verdict]').waitFor();
    await save(host, 'prejoin');
    await host.getByRole('radio', { name: /Có hình ảnh/ }).check();
    await host.getByRole('button', { name: 'Tham gia' }).click();
    await host.getByRole('heading', { name: title }).waitFor({ timeout: 30_000 });
    const join = async (user: string, video: boolean) => {
      const page = await t.loginAs(user);
      const card = page.locator('article.occurrence', { hasText: title });
      await card.getByRole('button', { name: 'Tham gia' }).click();
      await page.locator('[data-verdict]').waitFor();
      await page.getByRole('radio', { name: video ? /Có hình ảnh/ : /Chỉ âm thanh/ }).check();
      await page.getByRole('button', { name: 'Tham gia' }).click();
      await page.getByRole('heading', { name: title }).waitFor({ timeout: 30_000 });
      return page;
    };
    const a = await join('u18904', true);
    const b = await join('u18907', false);
    await b.getByRole('button', { name: 'Giơ tay' }).click();
    await host.waitForTimeout(2500);
    await save(a, 'meeting-room');
    await host.getByRole('button', { name: 'Điều hành cuộc họp' }).click();
    await host.getByRole('button', { name: 'Cho phát biểu Xã Dân Hóa' }).click();
    await host.waitForTimeout(1500);
    await save(host, 'host-panel');
    for (const p of [a, b, host]) await p.context().close();
  });

  it('emergency banner and live roll call', async () => {
    const commune = await t.loginAs('u18904');
    await commune.locator('h1#unit-name').waitFor();
    const commander = await t.loginAs('chihuy');
    await commander.getByRole('link', { name: 'Triệu tập khẩn' }).click();
    await commander.getByLabel('Tiêu đề').fill('Họp khẩn ứng phó lũ Minh Hóa – Tuyên Hóa');
    for (const d of ['Huyện Minh Hóa', 'Huyện Tuyên Hóa']) {
      await commander.locator('summary', { hasText: d }).click();
      await commander
        .getByRole('button', { name: new RegExp(`Chọn tất cả \\d+ xã của ${d}`) })
        .click();
    }
    commander.once('dialog', (d) => void d.accept());
    await commander.getByRole('button', { name: /Triệu tập ngay/ }).click();
    await commune.getByRole('alertdialog').waitFor({ timeout: 30_000 });
    await save(commune, 'emergency-banner');
    await commune.getByRole('button', { name: 'Xác nhận đã nhận' }).click();
    await commune.getByRole('button', { name: 'Vào họp ngay (âm thanh)' }).click();
    await commune.getByRole('toolbar').waitFor({ timeout: 30_000 });
    await commander.waitForTimeout(2500);
    await save(commander, 'emergency-rollcall');
    for (const p of [commune, commander]) await p.context().close();
  });
});
