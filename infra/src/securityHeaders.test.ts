import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp } from '../test/app';
import { inlineScriptHashes } from './securityHeaders';

/** Security headers and the CSRF defence on the real all-in-one server (built client served). */
describe('security headers and CSRF defence', () => {
  let app: Awaited<ReturnType<typeof startTestApp>>;
  beforeAll(async () => {
    app = await startTestApp({ SFU_WORKERS: '1' });
  });
  afterAll(async () => {
    await app?.close();
  });

  it('sends CSP with frame-ancestors none on the app, and helmet headers everywhere', async () => {
    const page = await fetch(`${app.url}/`);
    const csp = page.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("object-src 'none'");
    // The page's inline loader script is allowed by its hash, nothing else inline.
    const hashes = inlineScriptHashes(await page.text());
    expect(hashes.length).toBeGreaterThan(0);
    for (const h of hashes) expect(csp).toContain(h);
    expect(csp).not.toMatch(/script-src[^;]*'unsafe-inline'/);
    for (const res of [
      page,
      await fetch(`${app.url}/api/units`),
      await fetch(`${app.url}/healthz`),
    ]) {
      expect(res.headers.get('x-frame-options')).toBe('DENY');
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('referrer-policy')).toBe('no-referrer');
      expect(res.headers.get('x-powered-by')).toBeNull();
    }
  });

  it('refuses state changes riding on the session cookie without the app’s CSRF header', async () => {
    const res = await fetch(`${app.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'host450', password: 'GiaoBan@2026' }),
    });
    const setCookie = res.headers.getSetCookie();
    expect(setCookie.every((c) => /SameSite=Strict/i.test(c))).toBe(true);
    const cookie = setCookie.map((c) => c.split(';')[0]).join('; ');
    const { token } = (await res.json()) as { token: string };
    const session = async () =>
      (
        (await (await fetch(`${app.url}/api/auth/session`, { headers: { cookie } })).json()) as {
          authenticated: boolean;
        }
      ).authenticated;

    // What another origin's page can send: a form post, a no-cors fetch (simple headers only).
    const form = await fetch(`${app.url}/api/auth/logout`, {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'x=1',
    });
    expect(form.status).toBe(403);
    expect(((await form.json()) as { error: { code: string } }).error.code).toBe('FORBIDDEN');
    const start = await fetch(`${app.url}/api/meetings/start-now`, {
      method: 'POST',
      headers: { cookie, 'content-type': 'text/plain', 'sec-fetch-site': 'same-site' },
      body: JSON.stringify({
        title: 'x',
        durationMinutes: 30,
        selectors: [{ type: 'unit', unitId: '18853' }],
      }),
    });
    expect(start.status).toBe(403);
    // Even with the header, a browser saying the call is cross-site is refused.
    const crossSite = await fetch(`${app.url}/api/auth/logout`, {
      method: 'POST',
      headers: { cookie, 'x-giaoban-csrf': '1', 'sec-fetch-site': 'same-site' },
    });
    expect(crossSite.status).toBe(403);
    expect(await session()).toBe(true);

    // The app's own calls: the header (cookie) or the bearer token.
    const started = await fetch(`${app.url}/api/meetings/start-now`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, cookie, 'content-type': 'application/json' },
      body: JSON.stringify({
        title: 'Họp',
        durationMinutes: 30,
        selectors: [{ type: 'unit', unitId: '18853' }],
      }),
    });
    expect(started.status).toBe(201);
    const logout = await fetch(`${app.url}/api/auth/logout`, {
      method: 'POST',
      headers: { cookie, 'x-giaoban-csrf': '1', 'sec-fetch-site': 'same-origin' },
    });
    expect(logout.status).toBe(204);
    expect(await session()).toBe(false);
  });
});
