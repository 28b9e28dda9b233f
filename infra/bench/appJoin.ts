import os from 'node:os';
import type { BrowserContext, Page } from 'playwright-core';
import { linkProfiles, type LinkProfileName } from '../netem/profiles';
import { createStage, type Stage } from '../../e2e/weakLink/stage';
import { DEMO_PASSWORD } from '../../scheduler/src/accounts/passwords';
import { runBench, writeBenchResult } from './benchResult';

/**
 * `npm run bench:app-join [-- gprs,edge]`: the real app's join on a weak link,
 * as a commune user does it (issue 13: "click → first audio ≤ 6 s when clicked
 * the moment the pre-join screen allows it, on a first visit and on later
 * ones"). Chromium in the shaped namespace, the built client (`npm run build`
 * first), a speaker on the host (fake audio).
 *
 * First visit: an empty browser (no cache, no service worker): the login page,
 * sign in at once, the meeting's "Tham gia" on home the moment it shows, then on
 * the pre-join screen "Tham gia" the moment the screen allows it: the link test's
 * verdict shown and the button enabled (the meeting engine on the device).
 * Later visit: the same browser another day (new page, session kept): home,
 * the card, the verdict, the click. click → audio = the click to the first
 * remote audio packet (the engine's inbound stats, polled every 50 ms).
 */
interface Visit {
  /** Opening the app (or the login click on a first visit) → home shown. */
  homeS: number;
  /** The card's click → the pre-join verdict. */
  prejoinS: number;
  /** The card's click → "Tham gia" enabled (the meeting engine on the device): when the screen allows the click. */
  allowedS: number;
  verdict: string | null;
  clickToAudioS: number | null;
  /** /assets/ files that crossed the link during the visit, KB (Resource Timing). */
  assetsKB: number;
  /** Each of them (file name, KB over the link), in load order. */
  assets: { file: string; kb: number }[];
  /** The same on the page's clock: the pre-join click → the first audio packet counted (polled every 20 ms in the page). */
  pageClickToAudioS: number | null;
  /** The join's steps, ms after the click on the page's clock (client/src/features/meeting/joinTrace.ts). */
  trace: { step: string; ms: number }[];
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const TIMEOUT = 180_000;

async function firstAudio(page: Page, timeoutMs: number): Promise<number | null> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const got = await page.evaluate(async () => {
      type Engine = { inboundStats(): Promise<{ kind: string; packetsReceived: number }[]> };
      const e = (globalThis as { giaobanMeeting?: Engine }).giaobanMeeting;
      const stats = e ? await e.inboundStats().catch(() => []) : [];
      return stats.some((s) => s.kind === 'audio' && s.packetsReceived > 0);
    });
    if (got) return Date.now();
    await sleep(50);
  }
  return null;
}

/**
 * In the page: polls the engine's inbound stats every 20 ms; the page's clock at the first
 * audio packet. A string: tsx would wrap named functions in a helper the page does not have.
 */
const FIRST_AUDIO_IN_PAGE = `(limit) => new Promise((resolve) => {
  const start = performance.now();
  const wire = [];
  const last = {};
  const sample = async (dir, t) => {
    if (!t) return;
    const r = await t.getStats().catch(() => null);
    if (!r) return;
    r.forEach((s) => {
      if (s.type !== 'transport') return;
      const key = [s.bytesSent, s.bytesReceived, s.packetsSent, s.packetsReceived, s.dtlsState].join(' ');
      if (last[dir] === key) return;
      last[dir] = key;
      wire.push({ at: performance.now(), step: dir + ' wire: sent ' + s.bytesSent + ' B/' + s.packetsSent + ' p, got ' + s.bytesReceived + ' B/' + s.packetsReceived + ' p, dtls ' + s.dtlsState + ' ' + (s.tlsVersion || '') });
    });
  };
  const poll = async () => {
    const e = globalThis.giaobanMeeting;
    if (e) { await sample('recv', e.recvTransport); await sample('send', e.sendTransport); }
    const stats = e ? await e.inboundStats().catch(() => []) : [];
    if (stats.some((s) => s.kind === 'audio' && s.packetsReceived > 0)) return resolve({ at: performance.now(), wire });
    if (performance.now() - start > limit) return resolve({ at: null, wire });
    setTimeout(poll, 20);
  };
  poll();
})`;

interface PageAudio {
  at: number | null;
  /** The transports' bytes on the wire as they changed (RTCTransportStats: DTLS and RTP, not STUN). */
  wire: { at: number; step: string }[];
}
function watchFirstAudio(page: Page, timeoutMs: number): Promise<PageAudio> {
  return page.evaluate(`(${FIRST_AUDIO_IN_PAGE})(${timeoutMs})`) as Promise<PageAudio>;
}

async function visit(stage: Stage, ctx: BrowserContext, first: boolean): Promise<Visit> {
  const page = await ctx.newPage();
  const t0 = Date.now();
  await page.goto(`${stage.shapedOrigin}/`, { waitUntil: 'commit', timeout: TIMEOUT });
  if (first) {
    await page.getByLabel('Tên đăng nhập').fill('u18853', { timeout: TIMEOUT });
    await page.getByLabel('Mật khẩu').fill(DEMO_PASSWORD);
    await page.getByRole('button', { name: 'Đăng nhập' }).click();
  }
  const card = page.locator('article.occurrence', { hasText: 'Kiểm tra đường truyền yếu' });
  await card.getByRole('button', { name: 'Tham gia' }).waitFor({ timeout: TIMEOUT });
  const t1 = Date.now();
  await card.getByRole('button', { name: 'Tham gia' }).click();
  const verdictEl = page.locator('[data-verdict]');
  await verdictEl.waitFor({ timeout: TIMEOUT });
  const t2 = Date.now();
  const verdict = await verdictEl.getAttribute('data-verdict');
  // The screen allows the click once the meeting engine is on the device (the button enabled).
  await page.locator('button.btn-join:enabled').waitFor({ timeout: TIMEOUT });
  const tAllowed = Date.now();
  await page.locator('button.btn-join').click();
  const t3 = Date.now();
  const pageAudio = watchFirstAudio(page, 60_000);
  const audioAt = await firstAudio(page, 60_000);
  const { at: pageAudioAt, wire } = await pageAudio;
  const marks = (
    await page.evaluate(
      () =>
        (globalThis as { giaobanJoinTrace?: { step: string; at: number }[] }).giaobanJoinTrace ??
        [],
    )
  )
    .concat(wire)
    .sort((a, b) => a.at - b.at);
  const clickAt = marks.find((m) => m.step === 'click')?.at;
  const trace =
    clickAt === undefined
      ? []
      : marks.map((m) => ({ step: m.step, ms: Math.round(m.at - clickAt) }));
  if (clickAt !== undefined && pageAudioAt !== null)
    trace.push({ step: 'first audio (page)', ms: Math.round(pageAudioAt - clickAt) });
  const assets = await page.evaluate(() => {
    type Timing = { name: string; transferSize: number };
    const perf = performance as unknown as { getEntriesByType(type: string): Timing[] };
    return perf
      .getEntriesByType('resource')
      .filter((e) => e.name.includes('/assets/') || e.name.includes('/linkprobe.bin'))
      .filter((e) => e.transferSize > 0)
      .map((e) => ({
        file: new URL(e.name).pathname.split('/').pop()!,
        kb: e.transferSize / 1024,
      }));
  });
  const assetsKB = assets.reduce((n, a) => n + a.kb, 0);
  await page.close();
  return {
    homeS: (t1 - t0) / 1000,
    prejoinS: (t2 - t1) / 1000,
    allowedS: (tAllowed - t1) / 1000,
    verdict,
    clickToAudioS: audioAt === null ? null : (audioAt - t3) / 1000,
    assetsKB,
    assets,
    pageClickToAudioS:
      clickAt === undefined || pageAudioAt === null ? null : (pageAudioAt - clickAt) / 1000,
    trace,
  };
}

async function main(): Promise<void> {
  const wanted = (process.argv[2]?.split(',') ?? ['gprs']) as LinkProfileName[];
  const laterVisits = Number(process.env.LATER_VISITS ?? 2);
  const rows = [];
  for (const profile of wanted) {
    const loadStart = os.loadavg()[0]!;
    const stage = await createStage({ profile, speakers: 1, speakerVideo: false });
    try {
      const ctx = await stage.shapedBrowser.newContext({ viewport: { width: 1280, height: 800 } });
      const visits = [await visit(stage, ctx, true)];
      for (let i = 0; i < laterVisits; i++) {
        await sleep(3_000); // the last visit's endpoint leaves
        visits.push(await visit(stage, ctx, false));
      }
      const p = linkProfiles[profile];
      rows.push({
        profile,
        downKbps: p.downKbps,
        upKbps: p.upKbps,
        rttMs: 2 * p.oneWayDelayMs,
        visits,
        loadStart,
        loadEnd: os.loadavg()[0]!,
      });
      console.log(profile, JSON.stringify(visits));
    } finally {
      await stage.close();
    }
  }
  console.log(
    '\n| profile | visit | open → home (s) | card → verdict (s) | card → click allowed (s) | verdict | click → first audio (s) | assets over the link (KB) | load start → end |\n|---|---|---|---|---|---|---|---|---|',
  );
  for (const r of rows)
    r.visits.forEach((v, i) =>
      console.log(
        `| ${r.profile} (${r.downKbps}/${r.upKbps}, ${r.rttMs} ms) | ${i === 0 ? 'first' : `later ${i}`} | ${v.homeS.toFixed(1)} | ${v.prejoinS.toFixed(1)} | ${v.allowedS.toFixed(1)} | ${v.verdict ?? '–'} | ${v.clickToAudioS?.toFixed(2) ?? 'none'} | ${v.assetsKB.toFixed(0)} | ${r.loadStart.toFixed(1)} → ${r.loadEnd.toFixed(1)} |`,
      ),
    );
  writeBenchResult('app-join', { rows });
}

runBench(main);
