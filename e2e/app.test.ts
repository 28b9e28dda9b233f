import { describe, expect, it } from 'vitest';
import { useBrowserApp } from './fixtures';

describe('client shell', () => {
  const t = useBrowserApp();

  it('loads the app in Vietnamese', async () => {
    const page = await t.browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(t.url);
    await expect.poll(() => page.locator('h1').textContent()).toContain('GiaoBan');
    expect(await page.getAttribute('html', 'lang')).toBe('vi');
    // Anonymous visitors land on the login form, whatever the path they opened.
    await page.getByLabel('Tên đăng nhập').waitFor();
    expect(new URL(page.url()).pathname).toBe('/login');
    expect(errors).toEqual([]);
  });
});
