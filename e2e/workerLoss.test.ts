import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { startTestApp } from '../infra/test/app';
import { login, startMeeting } from '../signaling/src/testing/clients';
import { launchChromium } from './browser';
import { buildMeetingHarness, harnessJoin, harnessSelfId, openHarnessPage } from './fixtures';

/**
 * SFU_WORKERS=1 and the worker dies, and so does each replacement for a
 * while (a crash loop): the room's endpoints are told to reconnect while no
 * worker is there, their rejoins meet UNAVAILABLE, and the client must keep
 * trying (with backoff) until a worker is back, then hear the other commune.
 * Real server, real mediasoup worker, Debian's Chromium with fake media.
 */
describe('rejoin while every SFU worker is dead', () => {
  let app: Awaited<ReturnType<typeof startTestApp>>;
  let browser: Browser;
  let meetingId: string;
  const tokens: Record<string, string> = {};

  beforeAll(async () => {
    [app, browser] = await Promise.all([startTestApp({ SFU_WORKERS: '1' }), launchChromium()]);
    for (const u of ['host450', 'u18853', 'u18856']) tokens[u] = await login(app.url, u);
    meetingId = await startMeeting(app.url, tokens.host450!, ['18853', '18856']);
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  const audioBytesFrom = (page: Page, endpointId: string) =>
    page.evaluate(async (id) => {
      const engine = (
        globalThis as unknown as {
          giaobanMeeting: {
            inboundStats(): Promise<{ endpointId: string; kind: string; bytesReceived: number }[]>;
          };
        }
      ).giaobanMeeting;
      return (await engine.inboundStats())
        .filter((s) => s.endpointId === id && s.kind === 'audio')
        .reduce((n, s) => n + s.bytesReceived, 0);
    }, endpointId);

  // Was flaky in full CI runs (A back with no consumer at all): a worker that died while A's
  // rejoin was under way left A admitted without media (signaling/src/joinRaces.test.ts).
  it('comes back once a worker is back, and hears the other commune again', async () => {
    const harness = await buildMeetingHarness();
    const [a, b] = await Promise.all(
      ['u18853', 'u18856'].map((who) => openHarnessPage(browser, app.url, harness, who)),
    );
    expect(await harnessJoin(a!, { token: tokens.u18853!, meetingId, mic: true })).toBe(true);
    expect(await harnessJoin(b!, { token: tokens.u18856!, meetingId, mic: true })).toBe(true);
    const bBefore = (await harnessSelfId(b!))!;
    await expect.poll(() => audioBytesFrom(a!, bBefore), { timeout: 15_000 }).toBeGreaterThan(0);

    // Kill the worker, and every replacement, for 3 s.
    const killed = new Set<number>();
    const until = Date.now() + 3_000;
    while (Date.now() < until) {
      const pid = app.workers.workers[0]?.worker.pid;
      if (pid && !killed.has(pid)) {
        killed.add(pid);
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(killed.size).toBeGreaterThan(1);

    // Both communes are back in the room (new endpoints) and hear each other.
    await expect
      .poll(
        async () => (await harnessSelfId(b!)) !== bBefore && app.signaling.meetings()[0]?.endpoints,
        {
          timeout: 30_000,
        },
      )
      .toBe(2);
    // B's current endpoint (a late rejoin may have replaced the one counted above).
    const heard = async () => audioBytesFrom(a!, (await harnessSelfId(b!))!);
    await expect
      .poll(heard, { timeout: 20_000 })
      .toBeGreaterThan(0)
      .catch(async (err: unknown) => {
        const stats = await a!.evaluate(() =>
          (
            globalThis as unknown as { giaobanMeeting: { inboundStats(): Promise<unknown> } }
          ).giaobanMeeting.inboundStats(),
        );
        console.error('A hears nothing from B', {
          b: await harnessSelfId(b!),
          room: app.signaling.meetings()[0],
          stats,
        });
        throw err;
      });
  });
});
