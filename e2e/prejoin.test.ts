import { describe, expect, it } from 'vitest';
import { useBrowserApp } from './fixtures';

describe('a host opens a meeting now; a commune sees "Tham gia" and passes the pre-join check', () => {
  let meetingPath = '';
  const title = 'Họp ngay huyện Minh Hóa';
  const t = useBrowserApp();

  it('host452 opens a room at once for its communes', async () => {
    const page = await t.loginAs('host452');
    await page.getByRole('link', { name: 'Lịch họp' }).click();
    await page.getByRole('link', { name: 'Họp ngay' }).click();
    await page.getByLabel('Tên cuộc họp').fill(title);
    await page.getByRole('button', { name: 'Chọn tất cả 15 xã của Huyện Minh Hóa' }).click();
    await page.getByRole('button', { name: 'Mở phòng và vào họp' }).click();
    await page.waitForURL(/\/join\//);
    meetingPath = new URL(page.url()).pathname.replace('/join/', '/meeting/');
    await expect.poll(() => page.locator('.meeting-heading').textContent()).toContain(title);
    await page.context().close();
  });

  it('a mountain commune joins: open room, camera, mic level, audio-only suggested, choice remembered', async () => {
    const page = await t.loginAs('u18904');
    const card = page.locator('article.occurrence', { hasText: title });
    await card.waitFor({ timeout: 15_000 });
    expect(await card.textContent()).toContain('Đang mở');
    await card.getByRole('button', { name: 'Tham gia' }).click();
    await page.waitForURL(/\/join\//);

    // The link test ran, and a unit with a poor link profile is steered to audio-only.
    await page.locator('[data-verdict]').waitFor({ timeout: 15_000 });
    expect(await page.getByRole('radio', { name: /Chỉ âm thanh/ }).isChecked()).toBe(true);
    await expect
      .poll(async () => Number(await page.getByRole('meter').getAttribute('aria-valuenow')), {
        timeout: 10_000,
      })
      .toBeGreaterThan(0);

    // Choosing video shows the (fake) camera, and the choice survives a reload on this device.
    await page.getByRole('radio', { name: /Có hình ảnh/ }).check();
    const video = page.getByLabel('Hình ảnh từ camera của bạn');
    await expect
      .poll(() => video.evaluate((v) => (v as unknown as { videoWidth: number }).videoWidth), {
        timeout: 10_000,
      })
      .toBeGreaterThan(0);
    const sockets: string[] = [];
    page.on('websocket', (ws) => sockets.push(ws.url()));
    await page.reload();
    await page.locator('[data-verdict]').waitFor({ timeout: 15_000 });
    expect(await page.getByRole('radio', { name: /Có hình ảnh/ }).isChecked()).toBe(true);

    // While the user looks at the check, the join is prepared: the push socket and the
    // meeting's own socket are open before the click, and the click opens nothing more.
    await expect.poll(() => sockets.length, { timeout: 10_000 }).toBe(2);
    await page.getByRole('button', { name: 'Tham gia' }).click();
    await page.waitForURL((u) => u.pathname === meetingPath);
    await page.waitForFunction(
      () =>
        !!(globalThis as { giaobanMeeting?: { endpointId?: string } }).giaobanMeeting?.endpointId,
      undefined,
      { timeout: 15_000 },
    );
    expect(sockets).toHaveLength(2);
    await page.context().close();
  });
});
