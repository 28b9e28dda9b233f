import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { useBrowserApp, autoplayArgs } from './fixtures';
import { armVideoStopwatch, videoShownAfterClick } from './videoShown';

describe('the commander convenes an emergency; a logged-in commune is alerted, acknowledges and joins audio-first', () => {
  let commune: Page;
  let silent: Page;
  let commander: Page;
  const title = 'Họp khẩn ứng phó lũ Minh Hóa';
  const t = useBrowserApp({ chromiumArgs: autoplayArgs });

  it('the communes sit on their home; the commander convenes the communes of Minh Hóa', async () => {
    commune = await t.loginAs('u18904');
    silent = await t.loginAs('u18907');
    await commune.locator('h1#unit-name').waitFor();
    await silent.locator('h1#unit-name').waitFor();
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

  it('the commune gets the banner from the command, acknowledges, and the roll call shows it', async () => {
    const banner = commune.getByRole('alertdialog');
    await banner.waitFor({ timeout: 30_000 });
    expect(await banner.textContent()).toContain(title);
    // From the emergency command, not from "Tỉnh Quảng Bình".
    expect(await banner.textContent()).toContain('Từ Ban Chỉ huy Tỉnh Quảng Bình');
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

  it('the commander alerts the silent units again: their siren sounds anew; audited', async () => {
    const banner = silent.getByRole('alertdialog');
    await banner.waitFor({ timeout: 30_000 });
    // Someone silenced the siren without acknowledging.
    await banner.getByRole('button', { name: 'Tắt chuông' }).click();
    await banner.getByRole('button', { name: 'Bật chuông' }).waitFor();
    await commander.getByRole('button', { name: 'Báo lại các đơn vị chưa phản hồi (14)' }).click();
    await commander.getByText('Chuông đã vang lại ở 14 đơn vị chưa phản hồi.').waitFor();
    // The silent unit's banner starts over: its siren sounds again.
    await banner.getByRole('button', { name: 'Tắt chuông' }).waitFor({ timeout: 10_000 });
    // The unit that acknowledged is not alerted again.
    expect(await commune.getByRole('button', { name: 'Vào họp ngay (âm thanh)' }).count()).toBe(1);
    const audit = (await (await commander.request.get('/api/audit')).json()) as {
      entries: { action: string; details?: { units?: number } }[];
    };
    expect(audit.entries.find((e) => e.action === 'emergency.realert')?.details).toEqual({
      units: 14,
    });
  });

  it('the commander enters the room with its camera', async () => {
    await commander.getByRole('button', { name: 'Vào phòng họp' }).click();
    await commander.waitForURL(/\/meeting\//);
    await expect
      .poll(() => commander.locator('figure[data-unit-id="44"] video.is-shown').count(), {
        timeout: 20_000,
      })
      .toBe(1);
  });

  it("one click joins audio first, and the commander's video shows within 3 s, labelled as the command", async () => {
    await armVideoStopwatch(commune, 'Vào họp ngay (âm thanh)', '44');
    await commune.getByRole('button', { name: 'Vào họp ngay (âm thanh)' }).click();
    await commune.waitForURL(/\/meeting\//);
    expect(await commune.getByRole('alertdialog').count()).toBe(0);
    const ms = await videoShownAfterClick(commune);
    console.warn(`emergency: banner click → the commander's video on screen ${ms.toFixed(0)} ms`);
    expect(ms).toBeLessThanOrEqual(3_000);
    const tile = commune.locator('figure[data-unit-id="44"]');
    expect(await tile.locator('.tile-name').textContent()).toBe('Ban Chỉ huy Tỉnh Quảng Bình');
    expect(await tile.getByText('Chỉ huy khẩn cấp').count()).toBe(1);
    // Audio first: microphone on, camera off — and audio-only is not the user's choice.
    const controls = commune.getByRole('toolbar', { name: 'Điều khiển phòng họp' });
    await expect
      .poll(() => controls.getByRole('button', { name: 'Micro' }).getAttribute('aria-pressed'))
      .toBe('true');
    expect(
      await controls.getByRole('button', { name: 'Camera' }).getAttribute('aria-pressed'),
    ).toBe('false');
    expect(
      await controls.getByRole('button', { name: 'Chỉ âm thanh' }).getAttribute('aria-pressed'),
    ).toBe('false');
    const row = commander.locator('figure[data-unit-id="18904"]');
    await row.waitFor({ timeout: 15_000 });
  });
});
