import { afterAll, beforeAll, expect } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { startTestApp } from '../infra/test/app';
import { launchChromium } from './browser';

/**
 * The set-up every browser journey shares: a whole test app (real server,
 * embedded redis-server, mediasoup), Debian's Chromium, and logging in through
 * the real login form.
 */

export type TestApp = Awaited<ReturnType<typeof startTestApp>>;

/** The demo password every seeded account starts with. */
export const DEMO_PASSWORD = 'GiaoBan@2026';

export interface LoginOptions {
  lang?: 'vi' | 'en';
  /**
   * 'block': no service worker in this context. Chromium's network emulation
   * (CDP) throttles the page's own requests only: with the app's worker in
   * control, the link test's download would escape the emulated slow link.
   */
  serviceWorkers?: 'allow' | 'block';
}

/** Logs in through the real login form of an open page and waits for the app shell. */
export async function login(
  page: Page,
  username: string,
  options: LoginOptions = {},
): Promise<void> {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto('/');
  const en = options.lang === 'en';
  if (en) await page.getByLabel('Ngôn ngữ').selectOption('en');
  await page.getByLabel(en ? 'Username' : 'Tên đăng nhập').fill(username);
  await page.getByLabel(en ? 'Password' : 'Mật khẩu').fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: en ? 'Log in' : 'Đăng nhập' }).click();
  await page.getByRole('navigation').waitFor({ timeout: 15_000 });
  expect(errors).toEqual([]);
}

/** Opens the app in a fresh browser context (its own cookies) and logs in. */
export async function loginAs(
  browser: Browser,
  baseUrl: string,
  username: string,
  options: LoginOptions = {},
): Promise<Page> {
  const context = await browser.newContext({
    baseURL: baseUrl,
    viewport: { width: 1280, height: 800 },
    serviceWorkers: options.serviceWorkers ?? 'allow',
  });
  const page = await context.newPage();
  await login(page, username, options);
  return page;
}

export interface BrowserApp {
  readonly app: TestApp;
  readonly browser: Browser;
  /** The app's base URL. */
  readonly url: string;
  /** A fresh browser context logged in as `username`. */
  loginAs(username: string, options?: LoginOptions): Promise<Page>;
}

/**
 * Starts the app and Chromium before the tests of the calling `describe` and
 * stops both after them. Read `app`/`browser` inside tests or hooks only.
 */
export function useBrowserApp(
  options: { env?: Record<string, string>; chromiumArgs?: string[] } = {},
): BrowserApp {
  let app: TestApp | undefined;
  let browser: Browser | undefined;
  beforeAll(async () => {
    app = await startTestApp({ SFU_WORKERS: '1', ...options.env });
    browser = await launchChromium(options.chromiumArgs);
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });
  const started = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('the test app is not started (use it inside tests)');
    return value;
  };
  return {
    get app() {
      return started(app);
    },
    get browser() {
      return started(browser);
    },
    get url() {
      return started(app).url;
    },
    loginAs(username, loginOptions) {
      return loginAs(started(browser), started(app).url, username, loginOptions);
    },
  };
}

/** Chromium plays sound without a click (the emergency siren, remote audio). */
export const autoplayArgs = ['--autoplay-policy=no-user-gesture-required'];

export { buildMeetingHarness, harnessJoin, harnessSelfId, openHarnessPage } from './harness';
