import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { opusRtpParameters } from '@giaoban/sfu/testing/rtp';
import { startTestApp } from '../infra/test/app';
import { connect, login, startMeeting } from '../signaling/src/testing/clients';
import { launchChromium } from './browser';
import { buildMeetingHarness, openHarnessPage } from './fixtures';

/**
 * The click's path on a weak link (issue 13, GPRS: ~10 round trips is the whole
 * budget). Real server (one mediasoup worker), real Chromium; the host is a
 * socket.io client with a microphone producer (no RTP needed: the join's answer,
 * the signaling order and the DTLS roles are what is checked).
 */
describe('join path: round trips between the click and the first audio', () => {
  let app: Awaited<ReturnType<typeof startTestApp>>;
  let browser: Browser;
  let harness: string;
  let meetingId: string;

  beforeAll(async () => {
    [app, browser] = await Promise.all([startTestApp({ SFU_WORKERS: '1' }), launchChromium()]);
    harness = await buildMeetingHarness();
    const hostToken = await login(app.url, 'host450');
    meetingId = await startMeeting(app.url, hostToken, ['18853']);
    const host = await connect(app.url, hostToken);
    const j = await host.request('meeting:join', { meetingId, deviceId: 'dev-host' });
    if (!j.ok) throw new Error(JSON.stringify(j.error));
    const p = await host.request('media:produce', {
      transportId: j.data.sendTransport.id,
      kind: 'audio',
      rtpParameters: opusRtpParameters(4242) as unknown as Record<string, unknown>,
      source: 'mic',
    });
    if (!p.ok) throw new Error(JSON.stringify(p.error));
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  it('a click during the prepare: the join goes out without waiting for the capabilities answer, the browser is the DTLS server', async () => {
    const page = await openHarnessPage(browser, app.url, harness, 'u18853');
    const token = await login(app.url, 'u18853');
    const out = await page.evaluate(
      async ({ meetingId, token }) => {
        type Store = {
          prepare(o: object): void;
          join(o: object): Promise<boolean>;
          connection: string;
        };
        type Engine = {
          sendTransport?: {
            getStats(): Promise<Map<string, Record<string, unknown>>>;
            connectionState: string;
          };
          recvTransport?: {
            getStats(): Promise<Map<string, Record<string, unknown>>>;
            connectionState: string;
          };
        };
        const g = globalThis as unknown as {
          gb: { useMeeting: { getState(): Store } };
          giaobanMeeting?: Engine;
          giaobanJoinTrace: { step: string; at: number }[];
        };
        const store = g.gb.useMeeting.getState();
        // The pre-join screen prepares; the user clicks at once.
        store.prepare({ meetingId, token });
        const joined = await store.join({
          meetingId,
          token,
          mic: true,
          camera: false,
          link: { measured: 'weak' },
        });
        const recv = g.giaobanMeeting?.recvTransport;
        const send = g.giaobanMeeting?.sendTransport;
        for (let i = 0; i < 200; i++) {
          if (recv?.connectionState === 'connected' && send?.connectionState === 'connected') break;
          await new Promise((r) => setTimeout(r, 50));
        }
        const roles: string[] = [];
        for (const t of [recv, send])
          (await t!.getStats()).forEach((s) => {
            if (s.type === 'transport') roles.push(String(s.dtlsRole));
          });
        return {
          joined,
          connected: [recv?.connectionState, send?.connectionState],
          roles,
          steps: g.giaobanJoinTrace.map((m) => m.step),
        };
      },
      { meetingId, token },
    );
    expect(out.joined).toBe(true);
    expect(out.connected).toEqual(['connected', 'connected']);
    // Chromium's ClientHello is ~1.5 KB: the SFU opens both handshakes instead.
    expect(out.roles).toEqual(['server', 'server']);
    const at = (step: string) => out.steps.indexOf(step);
    expect(at('sent meeting:prepare')).toBeGreaterThanOrEqual(0);
    expect(out.steps.filter((s) => s === 'sent meeting:prepare')).toHaveLength(1);
    expect(at('sent media:capabilities')).toBeLessThan(at('sent meeting:join'));
    // Not a round trip of its own: the join was sent before the capabilities' answer came.
    expect(at('sent meeting:join')).toBeLessThan(at('answer media:capabilities'));
    // The answer carried the microphone's consumer: no consume request after it.
    expect(at('consumers adopted')).toBeGreaterThan(at('answer meeting:join'));
    expect(out.steps).not.toContain('sent media:consume');
    await page.close();
  });
});
