import { expect } from 'vitest';
import type { Browser, Page } from 'playwright-core';

/** The demo password every seeded account starts with. */
export const DEMO_PASSWORD = 'GiaoBan@2026';

/** Opens the app in a fresh browser context and logs in through the real login form. */
export async function loginAs(
  browser: Browser,
  baseUrl: string,
  username: string,
  options: { lang?: 'vi' | 'en' } = {},
): Promise<Page> {
  const context = await browser.newContext({
    baseURL: baseUrl,
    viewport: { width: 1280, height: 800 },
  });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto('/');
  if (options.lang === 'en') await page.getByLabel('Ngôn ngữ').selectOption('en');
  await page.getByLabel(options.lang === 'en' ? 'Username' : 'Tên đăng nhập').fill(username);
  await page.getByLabel(options.lang === 'en' ? 'Password' : 'Mật khẩu').fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: options.lang === 'en' ? 'Log in' : 'Đăng nhập' }).click();
  await page.getByRole('navigation').waitFor({ timeout: 15_000 });
  expect(errors).toEqual([]);
  return page;
}
