import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { useBrowserApp, autoplayArgs } from './fixtures';

describe('the commander convenes an emergency; a logged-in commune is alerted, acknowledges and joins audio-first', () => {
  let commune: Page;
  let commander: Page;
  const title = 'Họp khẩn ứng phó lũ Minh Hóa';
  const t = useBrowserApp({ chromiumArgs: autoplayArgs });

  it('the commune sits on its home; the commander convenes the communes of Minh Hóa', async () => {
    commune = await t.loginAs('u18904');
    await commune.locator('h1#unit-name').waitFor();
    // The live push connection is up, so the alert must come by push (the HTTP
    // fallback for missed alerts only runs while it is down).
    await commune.waitForTimeout(1500);
    expect(await commune.locator('.connection-status').count()).toBe(0);
    commander = await t.loginAs('chihuy');
    await commander.getByRole('link', { name: 'Triệu tập khẩn' }).click();
    await commander.getByLabel('Tiêu đề').fill(title);
    await commander.locator('summary', { hasText: 'Huyện Minh Hóa' }).click();
    await commander.getByRole('button', { name: 'Chọn tất cả 15 xã của Huyện Minh Hóa' }).click();
    commander.once('dialog', (d) => void d.accept());
    await commander.getByRole('button', { name: /Triệu tập ngay \(15\)/ }).click();
    await commander
      .getByRole('heading', { name: 'Điểm danh trực tiếp' })
      .waitFor({ timeout: 15_000 });
    expect(await commander.locator('.stat-invited .stat-value').textContent()).toBe('15');
  });

  it('the commune gets the banner, acknowledges, and the roll call shows it', async () => {
    const banner = commune.getByRole('alertdialog');
    await banner.waitFor({ timeout: 30_000 });
    expect(await banner.textContent()).toContain(title);
    await commune.getByRole('button', { name: 'Xác nhận đã nhận' }).click();
    await commune.getByRole('button', { name: 'Vào họp ngay (âm thanh)' }).waitFor();
    const row = commander.locator('tr[data-unit-id="18904"]');
    await expect
      .poll(() => row.getAttribute('data-state'), { timeout: 15_000 })
      .toBe('acknowledged');
    // A convened commune where nobody is logged in has not acknowledged.
    expect(await commander.locator('tr[data-unit-id="18907"]').getAttribute('data-state')).not.toBe(
      'acknowledged',
    );
  });

  it('one click joins the emergency meeting, audio first', async () => {
    await commune.getByRole('button', { name: 'Vào họp ngay (âm thanh)' }).click();
    await commune.waitForURL(/\/meeting\//);
    expect(await commune.getByRole('alertdialog').count()).toBe(0);
    await commune.getByRole('heading', { name: title }).waitFor({ timeout: 30_000 });
    // Audio first: microphone on, camera off, audio-only on; the commander sees it in the room.
    const controls = commune.getByRole('toolbar', { name: 'Điều khiển phòng họp' });
    await expect
      .poll(() => controls.getByRole('button', { name: 'Micro' }).getAttribute('aria-pressed'))
      .toBe('true');
    expect(
      await controls.getByRole('button', { name: 'Camera' }).getAttribute('aria-pressed'),
    ).toBe('false');
    expect(
      await controls.getByRole('button', { name: 'Chỉ âm thanh' }).getAttribute('aria-pressed'),
    ).toBe('true');
    const row = commander.locator('tr[data-unit-id="18904"]');
    await expect.poll(() => row.getAttribute('data-state'), { timeout: 15_000 }).toBe('present');
  });
});
