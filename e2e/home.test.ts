import { describe, expect, it } from 'vitest';
import { useBrowserApp } from './fixtures';

describe('a commune logs in and reaches its home', () => {
  const t = useBrowserApp();

  it('shows the unit name, its tier and its district after login', async () => {
    const page = await t.loginAs('u18853');
    await expect.poll(() => page.locator('h1#unit-name').textContent()).toBe('Phường Hải Thành');
    const card = page.locator('.unit-card');
    // A ward is of the commune tier but is called a ward.
    expect(await card.locator('.tier-badge').textContent()).toBe('Phường');
    expect(await card.locator('.unit-path').textContent()).toContain('Thành Phố Đồng Hới');
    // The unit's private iCal link works without a session (calendar apps have none).
    await page.getByRole('button', { name: 'Lấy đường dẫn lịch' }).click();
    const link = await page
      .getByRole('textbox', { name: 'Lịch họp trên ứng dụng lịch (iCal)' })
      .inputValue();
    expect(link).toMatch(/\/api\/calendar\/.+\.ics$/);
    const ics = await fetch(link);
    expect(ics.headers.get('content-type')).toContain('text/calendar');
    expect(await ics.text()).toContain('BEGIN:VCALENDAR');
    // A member sees no scheduling or emergency entry.
    expect(await page.getByRole('link', { name: 'Lịch họp' }).count()).toBe(0);
    // The session survives a reload (httpOnly cookie), then logout ends it.
    await page.reload();
    await expect.poll(() => page.locator('h1#unit-name').textContent()).toBe('Phường Hải Thành');
    await page.getByRole('button', { name: 'Đăng xuất' }).click();
    await page.getByLabel('Tên đăng nhập').waitFor();
    await page.reload();
    await page.getByLabel('Tên đăng nhập').waitFor();
    await page.context().close();
  });

  it('can be used with the keyboard alone', async () => {
    const context = await t.browser.newContext({ baseURL: t.url });
    const page = await context.newPage();
    // A logged-out load is quiet: no failed request, nothing red in the console.
    const noise: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') noise.push(m.text());
    });
    page.on('response', (r) => {
      if (r.status() >= 400) noise.push(`${r.status()} ${r.url()}`);
    });
    await page.goto('/');
    await page.getByLabel('Tên đăng nhập').waitFor();
    await page.waitForLoadState('networkidle');
    expect(noise).toEqual([]);
    // The first Tab stops on the username field (nothing hidden before it on the login screen).
    await page.keyboard.press('Tab');
    expect(
      await page.evaluate(
        () =>
          (globalThis as unknown as { document: { activeElement: { name?: string } } }).document
            .activeElement.name,
      ),
    ).toBe('username');
    await page.keyboard.type('u18853');
    await page.keyboard.press('Tab');
    await page.keyboard.type('GiaoBan@2026');
    await page.keyboard.press('Enter');
    await page.locator('h1#unit-name').waitFor({ timeout: 15_000 });
    // On the home screen, the skip link comes first and leads to the main content.
    await page.keyboard.press('Tab');
    expect(
      await page
        .getByRole('link', { name: 'Bỏ qua đến nội dung chính' })
        .evaluate(
          (a) =>
            a ===
            (a as unknown as { ownerDocument: { activeElement: unknown } }).ownerDocument
              .activeElement,
        ),
    ).toBe(true);
    await context.close();
  });

  it('refuses a wrong password with a translated message, in English when chosen', async () => {
    const context = await t.browser.newContext({ baseURL: t.url });
    const page = await context.newPage();
    await page.goto('/');
    await page.getByLabel('Ngôn ngữ').selectOption('en');
    await page.getByLabel('Username').fill('u18853');
    await page.getByLabel('Password').fill('wrong-password');
    await page.getByRole('button', { name: 'Log in' }).click();
    await expect
      .poll(() => page.getByRole('alert').textContent())
      .toBe('Wrong username or password.');
    expect(await page.getAttribute('html', 'lang')).toBe('en');
    // The language choice is remembered on this device.
    await page.reload();
    await page.getByLabel('Username').waitFor();
    await context.close();
  });
});
