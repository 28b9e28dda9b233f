import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { startTestApp } from '../infra/test/app';
import { login, startMeeting } from '../signaling/src/testing/clients';
import { launchChromium } from './browser';
import { buildMeetingHarness, harnessJoin } from './fixtures';

interface TransportStat {
  srtpCipher?: string;
  dtlsState?: string;
  dtlsCipher?: string;
  tlsVersion?: string;
  dtlsRole?: string;
}
type Gb = { giaobanMeeting: { inboundStats(): Promise<{ bytesReceived: number }[]> } };
// No DOM lib in the Node type-check: the few browser shapes used here.
type PcLike = { getStats(): Promise<{ forEach(cb: (s: unknown) => void): void }> };
type PcGlobal = { __pcs: PcLike[]; RTCPeerConnection: new (config?: unknown) => PcLike };

// Real server (one mediasoup worker, the one the install built), real Chromium: which SRTP
// protection profile the DTLS handshake chose, as Chromium's own RTCTransportStats say, and
// that media flows through it. mediasoup offers AEAD_AES_256_GCM, AEAD_AES_128_GCM,
// AES_CM_128_HMAC_SHA1_80, AES_CM_128_HMAC_SHA1_32, in that order.
describe('SRTP profile negotiated with Chromium', () => {
  let app: Awaited<ReturnType<typeof startTestApp>>;
  let browser: Browser;
  let harness: string;
  let meetingId: string;
  const tokens: Record<string, string> = {};

  beforeAll(async () => {
    [app, browser] = await Promise.all([startTestApp({ SFU_WORKERS: '1' }), launchChromium()]);
    harness = await buildMeetingHarness();
    for (const u of ['host450', 'u18853']) tokens[u] = await login(app.url, u);
    meetingId = await startMeeting(app.url, tokens.host450!, ['18853']);
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  /** A harness page that keeps every RTCPeerConnection the engine creates. */
  async function joined(who: string, measured: 'good' | 'weak' = 'good'): Promise<Page> {
    const page = await browser.newPage();
    await page.addInitScript(() => {
      const g = globalThis as unknown as PcGlobal;
      const Native = g.RTCPeerConnection;
      const pcs: PcLike[] = [];
      g.__pcs = pcs;
      g.RTCPeerConnection = class extends Native {
        constructor(config?: unknown) {
          super(config);
          pcs.push(this);
        }
      };
    });
    await page.goto(`${app.url}/healthz`);
    await page.addScriptTag({ content: harness });
    expect(
      await harnessJoin(page, { token: tokens[who]!, meetingId, mic: true, link: { measured } }),
    ).toBe(true);
    return page;
  }

  /** Chromium's transport stats of every connected peer connection of the page. */
  const transports = (page: Page) =>
    page.evaluate(async () => {
      const out: TransportStat[] = [];
      for (const pc of (globalThis as unknown as PcGlobal).__pcs) {
        (await pc.getStats()).forEach((x) => {
          const s = x as TransportStat & { type: string };
          if (s.type === 'transport' && s.dtlsState === 'connected') out.push(s);
        });
      }
      return out;
    });

  it('both directions use an AEAD AES-GCM profile, and audio flows through it', async ({
    annotate,
  }) => {
    const member = await joined('u18853');
    const host = await joined('host450');
    let stats: TransportStat[] = [];
    let bytes = 0;
    for (let i = 0; i < 60 && (stats.length < 2 || bytes === 0); i++) {
      await new Promise((r) => setTimeout(r, 250));
      stats = await transports(host);
      bytes = (
        await host.evaluate(() => (globalThis as unknown as Gb).giaobanMeeting.inboundStats())
      ).reduce((n, s) => n + s.bytesReceived, 0);
    }
    // The host's send and receive transports (each its own peer connection).
    expect(stats.length).toBeGreaterThanOrEqual(2);
    for (const s of [...stats, ...(await transports(member))])
      expect(s.srtpCipher).toMatch(/^(SRTP_)?AEAD_AES_(256|128)_GCM$/);
    expect(bytes).toBeGreaterThan(0);
    // Shown by the reporter: the profile real Chromium got (docs/bench-sfu.md).
    await annotate(
      `Chromium ${browser.version()}: SRTP ${[...new Set(stats.map((s) => s.srtpCipher))].join(', ')}, ` +
        `DTLS ${[...new Set(stats.map((s) => `${s.tlsVersion} ${s.dtlsCipher}`))].join(', ')}`,
    );
  });

  it('a weak link: the SFU opens DTLS (the browser is its server) and the profile is AES-CM', async () => {
    const page = await joined('u18853', 'weak');
    let stats: TransportStat[] = [];
    for (let i = 0; i < 60 && stats.length < 2; i++) {
      await new Promise((r) => setTimeout(r, 250));
      stats = await transports(page);
    }
    expect(stats.length).toBeGreaterThanOrEqual(2);
    // Chromium as DTLS server picks AES_CM_128_HMAC_SHA1_80 from mediasoup's list (issue 13's
    // GPRS join: its ~750-byte flight instead of its 1,463-byte hello on the uplink).
    for (const s of stats) {
      expect(s.dtlsRole).toBe('server');
      expect(s.srtpCipher).toMatch(/^(SRTP_)?AES128_CM_(HMAC_)?SHA1_80$/);
    }
    await page.close();
  });
});
