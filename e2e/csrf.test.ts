import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { startTestApp } from '../infra/test/app';
import { launchChromium } from './browser';

/**
 * The attack of the adversarial pass, in Debian's Chromium: a host signed in
 * to GiaoBan opens a page served from another port of the same host (same
 * site, so even SameSite=Strict cookies go along). Its no-cors fetch tries to
 * end the host's meeting, its form posts a logout, and it frames the app. The
 * CSRF header and frame-ancestors/X-Frame-Options must stop all three.
 */
describe('same-site CSRF and framing (Chromium)', () => {
  let app: Awaited<ReturnType<typeof startTestApp>>;
  let browser: Browser;
  let attacker: Server;
  let attackerUrl: string;
  let occurrenceId = '';

  beforeAll(async () => {
    [app, browser] = await Promise.all([startTestApp({ SFU_WORKERS: '1' }), launchChromium()]);
    // The host's cookie belongs to 127.0.0.1: the attacker's page sits on another port of it.
    const target = app.url.replace('localhost', '127.0.0.1');
    attacker = createServer((_req, res) => {
      res.setHeader('content-type', 'text/html');
      res.end(`<!doctype html><body>
        <iframe id="framed" src="${target}/"></iframe>
        <iframe name="sink"></iframe>
        <form id="logout" method="POST" action="${target}/api/auth/logout" target="sink"></form>
        <script>
          fetch('${target}/api/occurrences/${occurrenceId}/end', { method: 'POST', mode: 'no-cors', credentials: 'include' })
            .finally(() => { document.getElementById('logout').submit(); window.attackDone = true; });
        </script></body>`);
    });
    await new Promise<void>((r) => attacker.listen(0, '127.0.0.1', () => r()));
    const addr = attacker.address();
    attackerUrl = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}/`;
  });
  afterAll(async () => {
    attacker?.close();
    await browser?.close();
    await app?.close();
  });

  it('a page on another port can neither end the host’s meeting, log it out, nor frame the app', async () => {
    const context = await browser.newContext();
    const appPage = await context.newPage();
    const violations: string[] = [];
    appPage.on('console', (m) => {
      if (/Content.Security.Policy|Refused to/i.test(m.text())) violations.push(m.text());
    });
    // The host signs in the way the app does (the app's page, its CSRF header), cookie set.
    await appPage.goto(app.url.replace('localhost', '127.0.0.1'));
    const origin = new URL(appPage.url()).origin;
    occurrenceId = await appPage.evaluate(async () => {
      const h = { 'content-type': 'application/json', 'x-giaoban-csrf': '1' };
      await fetch('/api/auth/login', {
        method: 'POST',
        headers: h,
        body: JSON.stringify({ username: 'host450', password: 'GiaoBan@2026' }),
      });
      const res = await fetch('/api/meetings/start-now', {
        method: 'POST',
        headers: h,
        body: JSON.stringify({
          title: 'Họp',
          durationMinutes: 60,
          selectors: [{ type: 'unit', unitId: '18853' }],
        }),
      });
      return ((await res.json()) as { occurrence: { id: string } }).occurrence.id;
    });
    expect(occurrenceId).toBeTruthy();
    // The app itself runs under its CSP: the login screen rendered, nothing refused.
    await appPage.waitForSelector('input[type="password"]');
    expect(violations).toEqual([]);
    const opened = await appPage.evaluate(
      async (id) =>
        (
          (await (await fetch(`/api/occurrences/${id}`)).json()) as {
            occurrence: { status: string };
          }
        ).occurrence.status,
      occurrenceId,
    );

    const evil = await context.newPage();
    await evil.goto(attackerUrl);
    await evil.waitForFunction(() => (globalThis as { attackDone?: boolean }).attackDone === true);
    await evil.waitForTimeout(1_000); // the form's post lands in the sink frame

    const state = await appPage.evaluate(async (id) => {
      const session = (await (await fetch('/api/auth/session')).json()) as {
        authenticated: boolean;
      };
      const occ = (await (await fetch(`/api/occurrences/${id}`)).json()) as {
        occurrence: { status: string };
      };
      return { authenticated: session.authenticated, occurrence: occ.occurrence };
    }, occurrenceId);
    expect(state.authenticated).toBe(true);
    expect(state.occurrence.status).toBe(opened);

    // The framed app never rendered: Chromium shows its error page instead.
    const framed = evil
      .frames()
      .find((f) => f.name() === '' && f !== evil.mainFrame() && f.url() !== 'about:blank');
    const framedContent = await framed?.content().catch(() => '');
    expect(framedContent ?? '').not.toContain('GiaoBan');
    expect(origin).toBe(new URL(app.url.replace('localhost', '127.0.0.1')).origin);
    await context.close();
  });
});
