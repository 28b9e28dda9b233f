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

  it('shows the login form of a first visit from one small script and one stylesheet, without asking the API', async () => {
    const page = await (await t.browser.newContext()).newPage();
    const requested: { url: string; at: number }[] = [];
    const t0 = Date.now();
    page.on('request', (r) => requested.push({ url: new URL(r.url()).pathname, at: Date.now() }));
    await page.goto(t.url);
    await page.getByLabel('Tên đăng nhập').waitFor();
    // When the form was there, by the page's clock (loginForm.ts marks it).
    const usableMs = await page.evaluate(
      () =>
        (
          performance as unknown as { getEntriesByName(n: string): { startTime: number }[] }
        ).getEntriesByName('gb-login-usable')[0]?.startTime ?? -1,
    );
    expect(usableMs).toBeGreaterThan(0);
    const before = await page.evaluate(
      (until) =>
        (
          performance as unknown as {
            getEntriesByType(
              t: string,
            ): { name: string; startTime: number; encodedBodySize: number }[];
          }
        )
          .getEntriesByType('resource')
          .filter((e) => e.startTime <= until)
          .map((e) => ({ path: new URL(e.name).pathname, bytes: e.encodedBodySize })),
      usableMs,
    );
    // The document itself, the login script and its stylesheet: nothing else, no /api call.
    expect(before.map((e) => e.path.replace(/-[\w-]+\./, '-*.')).sort()).toEqual([
      '/assets/index-*.css',
      '/assets/index-*.js',
    ]);
    const script = before.find((e) => e.path.endsWith('.js'));
    expect(script?.bytes).toBeLessThan(15_000); // brotli on the wire: no React in it
    // React and the app behind the login follow on their own, while the user types.
    await expect.poll(() => requested.some((r) => /\/assets\/app-/.test(r.url))).toBe(true);
    expect(requested.filter((r) => r.url.startsWith('/api/')).length).toBe(0);
    expect(Date.now() - t0).toBeLessThan(30_000);
    await page.context().close();
  });
});
