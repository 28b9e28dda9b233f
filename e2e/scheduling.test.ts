import { describe, expect, it } from 'vitest';
import { login, useBrowserApp } from './fixtures';

/** An instant's Vietnam calendar day as the form wants it typed: dd/mm/yyyy. */
function vnDayText(ms: number): string {
  const [y, m, d] = new Date(ms + 7 * 3600_000).toISOString().slice(0, 10).split('-');
  return `${d}/${m}/${y}`;
}

describe('a district host schedules a weekly meeting for its communes', () => {
  const t = useBrowserApp();

  const title = 'Giao ban tuần huyện Minh Hóa';

  it('host452 creates it with "all communes of the district"', async () => {
    const page = await t.loginAs('host452');
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
    const page = await t.loginAs('u18904'); // Xã Dân Hóa, Minh Hóa
    const card = page.locator('article.occurrence', { hasText: title }).first();
    await card.waitFor({ timeout: 15_000 });
    expect(await card.textContent()).toContain('Huyện Minh Hóa');
    await page.context().close();
  });

  it('a commune of another district does not', async () => {
    const page = await t.loginAs('u18853'); // Phường Hải Thành, Đồng Hới
    await page.getByText('Không có cuộc họp nào sắp tới.').waitFor({ timeout: 15_000 });
    expect(await page.locator('article.occurrence', { hasText: title }).count()).toBe(0);
    await page.context().close();
  });

  it('a clashing meeting is saved with its conflicts shown', async () => {
    const page = await t.loginAs('host452');
    await page.goto(`${t.url}/schedule/new`);
    await page.getByLabel('Tên cuộc họp').fill('Tập huấn phòng chống lụt bão');
    // Same default slot (tomorrow 08:00) as the weekly meeting when tomorrow is a Monday;
    // pick the weekly meeting's first date explicitly to be sure.
    const first = await page.evaluate(async () => {
      const now = Date.now();
      const q = new URLSearchParams({
        from: new Date(now).toISOString(),
        to: new Date(now + 8 * 86_400_000).toISOString(),
      });
      const res = await fetch(`/api/occurrences?${q}`);
      const body = (await res.json()) as { occurrences: { title: string; startsAt: string }[] };
      return body.occurrences.find((o) => o.title.includes('Giao ban tuần'))?.startsAt ?? null;
    });
    expect(first).not.toBeNull();
    const vn = new Date(Date.parse(first!) + 7 * 3600_000).toISOString();
    const [y, m, d] = vn.slice(0, 10).split('-');
    await page.getByLabel('Ngày').fill(`${d}/${m}/${y}`);
    await page.getByLabel('Giờ bắt đầu').fill(vn.slice(11, 16));
    await page.locator('summary', { hasText: 'Huyện Minh Hóa' }).waitFor();
    await page.getByRole('checkbox', { name: /Xã Dân Hóa/ }).check();
    await page.getByRole('button', { name: 'Lưu' }).click();
    await page
      .getByRole('heading', { name: 'Đã lưu — có điểm cầu bị trùng lịch' })
      .waitFor({ timeout: 15_000 });
    const conflicts = await page.locator('.conflicts').textContent();
    expect(conflicts).toContain(title);
    expect(conflicts).toContain('Xã Dân Hóa');
    await page.context().close();
  });

  it('cancelling one occurrence removes it from the commune home, the series stays', async () => {
    const host = await t.loginAs('host452');
    await host.getByRole('link', { name: 'Lịch họp' }).click();
    const cards = host.locator('article.occurrence', { hasText: title });
    await cards.first().waitFor();
    const before = await cards.count();
    const cancelledId = await cards.first().getAttribute('data-occurrence-id');
    host.once('dialog', (d) => void d.accept());
    await cards.first().getByRole('button', { name: 'Hủy buổi này' }).click();
    await expect.poll(() => cards.first().getAttribute('class')).toContain('status-cancelled');
    // The rest of the series is untouched.
    expect(await cards.count()).toBe(before);
    expect(await host.locator('article.occurrence.status-cancelled').count()).toBe(1);
    await host.context().close();

    const commune = await t.loginAs('u18904');
    await commune.locator('.upcoming h2').waitFor();
    await expect
      .poll(() => commune.locator('.upcoming [role="status"]').count(), { timeout: 15_000 })
      .toBe(0);
    expect(await commune.locator(`article[data-occurrence-id="${cancelledId}"]`).count()).toBe(0);
    await commune.context().close();
  });

  it('one session of the series moves to 10:00, the others keep 08:00', async () => {
    const host = await t.loginAs('host452');
    await host.getByRole('link', { name: 'Lịch họp' }).click();
    const cards = host.locator('li', {
      has: host.locator('article.occurrence', { hasText: title }),
    });
    await cards.first().waitFor();
    const second = cards.nth(1);
    const id = await second.locator('article').getAttribute('data-occurrence-id');
    await second.getByRole('button', { name: 'Đổi giờ buổi này' }).click();
    await second.getByLabel('Giờ bắt đầu').fill('10:00');
    await second.getByRole('button', { name: 'Lưu' }).click();
    const moved = host.locator(`article[data-occurrence-id="${id}"]`);
    await expect
      .poll(() => moved.locator('.occurrence-start').textContent(), { timeout: 15_000 })
      .toBe('10:00');
    expect(await cards.nth(2).locator('.occurrence-start').textContent()).toBe('08:00');
    await host.context().close();
  });

  it('refuses a series ending before its start, and a start in the past, in Vietnamese', async () => {
    const page = await t.loginAs('host452');
    await page.goto(`${t.url}/schedule/new`);
    await page.getByLabel('Tên cuộc họp').fill('Lịch sai ngày');
    await page.getByRole('button', { name: 'Chọn tất cả 15 xã của Huyện Minh Hóa' }).click();
    await page.getByRole('combobox', { name: 'Lặp lại' }).selectOption('WEEKLY');
    const start = await page.getByLabel('Ngày', { exact: true }).inputValue();
    expect(start).toMatch(/^\d{2}\/\d{2}\/\d{4}$/);
    await page.getByRole('radio', { name: 'Kết thúc vào ngày' }).check();
    const [d, m, y] = start.split('/');
    const before = vnDayText(Date.parse(`${y}-${m}-${d}T12:00:00+07:00`) - 5 * 86_400_000);
    await page.getByRole('textbox', { name: 'Kết thúc vào ngày' }).fill(before);
    await page.getByRole('button', { name: 'Lưu' }).click();
    await page.getByText('Ngày kết thúc lặp lại phải từ ngày bắt đầu trở đi.').waitFor();
    await page.getByRole('combobox', { name: 'Lặp lại' }).selectOption('none');
    await page.getByLabel('Ngày', { exact: true }).fill(vnDayText(Date.now() - 2 * 86_400_000));
    await page.getByRole('button', { name: 'Lưu' }).click();
    await page.getByText('Thời gian bắt đầu đã qua, hãy chọn thời gian sắp tới.').waitFor();
    // Nothing was saved: still on the editor.
    expect(new URL(page.url()).pathname).toBe('/schedule/new');
    await page.context().close();
  });

  it('an en-US browser in New York still reads dd/mm/yyyy and 24-hour Vietnam time; bad input is explained and kept', async () => {
    const context = await t.browser.newContext({
      baseURL: t.url,
      locale: 'en-US',
      timezoneId: 'America/New_York',
      viewport: { width: 1280, height: 800 },
    });
    const page = await context.newPage();
    await login(page, 'host452');
    await page.goto(`${t.url}/schedule/new`);
    const day = page.getByLabel('Ngày', { exact: true });
    const time = page.getByLabel('Giờ bắt đầu');
    // Tomorrow 08:00 in Vietnam, whatever the browser's clock zone says.
    expect(await day.inputValue()).toBe(vnDayText(Date.now() + 86_400_000));
    expect(await time.inputValue()).toBe('08:00');
    await page.getByLabel('Tên cuộc họp').fill('Họp kiểm tra ngày giờ');
    await page.getByRole('button', { name: 'Chọn tất cả 15 xã của Huyện Minh Hóa' }).click();
    await day.fill('31/02/2027');
    await time.fill('2:30 PM');
    await page.getByRole('button', { name: 'Lưu' }).click();
    await page.getByText('Ngày không hợp lệ. Nhập ngày/tháng/năm, ví dụ 07/12/2026.').waitFor();
    await page
      .getByText('Giờ không hợp lệ. Nhập giờ:phút theo 24 giờ, ví dụ 08:00 hoặc 14:30.')
      .waitFor();
    expect(await day.inputValue()).toBe('31/02/2027');
    expect(await time.inputValue()).toBe('2:30 PM');
    expect(new URL(page.url()).pathname).toBe('/schedule/new');
    // Fixed, it saves at 14:30 Vietnam time and the schedule shows 14:30.
    await day.fill(vnDayText(Date.now() + 3 * 86_400_000));
    await time.fill('14h30');
    await page.getByRole('button', { name: 'Lưu' }).click();
    const card = page.locator('article.occurrence', { hasText: 'Họp kiểm tra ngày giờ' });
    await card.waitFor({ timeout: 15_000 });
    expect(await card.locator('.occurrence-start').textContent()).toBe('14:30');
    await context.close();
  });
});
