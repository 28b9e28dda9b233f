import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { useBrowserApp, autoplayArgs } from './fixtures';

/** The page's window, as far as these tests read it (no DOM types on the Node side). */
type Win = {
  getComputedStyle(el: unknown): { opacity: string };
  localStorage: { getItem(key: string): string | null };
};

describe('a district host runs a meeting from the host panel', () => {
  let host: Page;
  let commune: Page;
  const title = 'Họp ngay: kiểm tra điều hành';
  const t = useBrowserApp({ chromiumArgs: autoplayArgs });

  it('the host opens a room for its communes and enters it', async () => {
    host = await t.loginAs('host452');
    await host.goto(`${t.url}/schedule/now`);
    await host.getByLabel('Tên cuộc họp').fill(title);
    await host.getByRole('button', { name: 'Chọn tất cả 15 xã của Huyện Minh Hóa' }).click();
    await host.getByRole('button', { name: 'Mở phòng và vào họp' }).click();
    await host.waitForURL(/\/join\//);
    await host.getByRole('radio', { name: /Có hình ảnh/ }).check();
    // Pick devices explicitly (Chromium's fake ones): the room must open those.
    const micSelect = host.getByRole('combobox', { name: 'Micro' });
    await micSelect.waitFor();
    const [micId] = await micSelect.selectOption({ index: 1 });
    const [cameraId] = await host
      .getByRole('combobox', { name: 'Camera' })
      .selectOption({ index: 1 });
    await host.getByRole('button', { name: 'Tham gia' }).click();
    await host.getByRole('heading', { name: title }).waitFor({ timeout: 30_000 });
    const producedDevice = (source: 'mic' | 'camera') =>
      host.evaluate((src) => {
        type Engine = {
          producer(
            s: string,
          ): { track: { getSettings(): { deviceId?: string } } | null } | undefined;
        };
        const engine = (globalThis as unknown as { giaobanMeeting?: Engine }).giaobanMeeting;
        return engine?.producer(src)?.track?.getSettings().deviceId ?? null;
      }, source);
    await expect.poll(() => producedDevice('mic'), { timeout: 15_000 }).toBe(micId);
    await expect.poll(() => producedDevice('camera'), { timeout: 15_000 }).toBe(cameraId);
    await host.getByRole('button', { name: 'Điều hành cuộc họp' }).click();
    const rollCall = host.getByRole('list', { name: 'Điểm danh các điểm cầu' });
    await rollCall.waitFor();
    await expect.poll(() => rollCall.locator('[data-status="notJoined"]').count()).toBe(15);
  });

  it('a commune joins audio-only and shows up on the roll call with its state', async () => {
    commune = await t.loginAs('u18904');
    await commune
      .locator('article.occurrence', { hasText: title })
      .getByRole('button', { name: 'Tham gia' })
      .click();
    await commune.locator('[data-verdict]').waitFor({ timeout: 15_000 });
    // A mountain commune is steered to audio-only.
    expect(await commune.getByRole('radio', { name: /Chỉ âm thanh/ }).isChecked()).toBe(true);
    await commune.getByRole('button', { name: 'Tham gia' }).click();
    await commune.getByRole('heading', { name: title }).waitFor({ timeout: 30_000 });
    const row = host.locator('li.rollcall-row[data-unit-id="18904"]');
    await expect.poll(() => row.getAttribute('data-status'), { timeout: 20_000 }).toBe('audioOnly');
    // Audio-only both ways: the commune has the host's unit as a tile, and hears it
    // (audio bytes keep arriving).
    await commune.locator('figure.tile[data-unit-id="452"]').waitFor({ timeout: 20_000 });
    const audioBytes = () =>
      commune.evaluate(async () => {
        type Engine = {
          inboundStats(): Promise<{ endpointId: string; kind: string; bytesReceived: number }[]>;
        };
        const engine = (globalThis as unknown as { giaobanMeeting?: Engine }).giaobanMeeting;
        const stats = (await engine?.inboundStats()) ?? [];
        return stats.filter((s) => s.kind === 'audio').reduce((n, s) => n + s.bytesReceived, 0);
      });
    await expect.poll(audioBytes, { timeout: 15_000 }).toBeGreaterThan(0);
    const before = await audioBytes();
    await expect.poll(audioBytes, { timeout: 10_000 }).toBeGreaterThan(before);
  });

  it('the pin button shows on hover, keyboard focus and while pinned; the room switches language', async () => {
    const tile = commune.locator('figure.tile[data-unit-id="452"]');
    const pin = tile.getByRole('button', { name: 'Ghim hình' });
    const opacity = () =>
      pin.evaluate((b) => (globalThis as unknown as Win).getComputedStyle(b).opacity);
    await commune.mouse.move(0, 0);
    await expect.poll(opacity).toBe('0');
    await tile.hover();
    await expect.poll(opacity).toBe('1');
    await commune.mouse.move(0, 0);
    await expect.poll(opacity).toBe('0');
    await pin.focus(); // as after Tab: it stays in the tab order
    await expect.poll(opacity).toBe('1');
    await commune.keyboard.press('Enter');
    const unpin = tile.getByRole('button', { name: 'Bỏ ghim' });
    await expect.poll(() => unpin.getAttribute('aria-pressed')).toBe('true');
    await unpin.blur();
    await commune.mouse.move(0, 0);
    expect(
      await unpin.evaluate((b) => (globalThis as unknown as Win).getComputedStyle(b).opacity),
    ).toBe('1');
    await unpin.click();
    await pin.waitFor();

    await commune.getByRole('combobox', { name: 'Ngôn ngữ' }).selectOption('en');
    await commune.getByRole('button', { name: 'Leave' }).waitFor();
    expect(
      await commune.evaluate(() =>
        (globalThis as unknown as Win).localStorage.getItem('giaoban.lang'),
      ),
    ).toBe('en');
    await commune.getByRole('combobox', { name: 'Language' }).selectOption('vi');
    await commune.getByRole('button', { name: 'Rời phòng' }).waitFor();
  });

  it('a dropped connection shows "Đang kết nối lại…" honestly, then the room comes back', async () => {
    await commune.evaluate(() => {
      type Engine = { signaling: { socket: { io: { engine: { close(): void } } } } };
      (
        globalThis as unknown as { giaobanMeeting: Engine }
      ).giaobanMeeting.signaling.socket.io.engine.close();
    });
    const overlay = commune.getByRole('alertdialog', { name: 'Đang kết nối lại…' });
    await overlay.waitFor({ timeout: 10_000 });
    await overlay.waitFor({ state: 'detached', timeout: 30_000 });
    const row = host.locator('li.rollcall-row[data-unit-id="18904"]');
    await expect.poll(() => row.getAttribute('data-status'), { timeout: 20_000 }).toBe('audioOnly');
  });

  it('mute, give the floor, lock: each reaches the commune', async () => {
    await host.getByRole('button', { name: 'Tắt mic Xã Dân Hóa' }).click();
    await commune.getByText('Chủ trì đã tắt micro của bạn').waitFor({ timeout: 15_000 });
    await host.getByRole('button', { name: 'Cho phát biểu Xã Dân Hóa' }).click();
    await commune.getByText('Bạn được phát biểu.').waitFor({ timeout: 15_000 });
    await host.getByRole('button', { name: 'Khóa phòng' }).click();
    await commune.getByText('Phòng đã khóa').waitFor({ timeout: 15_000 });
  });

  it('the host removes the commune; its row turns to "left"', async () => {
    host.once('dialog', (d) => void d.accept());
    await host.getByRole('button', { name: 'Mời ra Xã Dân Hóa' }).click();
    await commune.getByText('Chủ trì đã mời bạn ra khỏi cuộc họp.').waitFor({ timeout: 15_000 });
    const row = host.locator('li.rollcall-row[data-unit-id="18904"]');
    await expect.poll(() => row.getAttribute('data-status'), { timeout: 15_000 }).toBe('left');
  });

  it('"Kết thúc cuộc họp" closes the room for everyone still inside', async () => {
    host.once('dialog', (d) => void d.accept());
    await host.getByRole('button', { name: 'Kết thúc cuộc họp' }).click();
    await host.getByText('Cuộc họp đã kết thúc.').waitFor({ timeout: 15_000 });
  });
});
