import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { login, startMeeting } from '../signaling/src/testing/clients';
import { buildMeetingHarness, harnessJoin, openHarnessPage, useBrowserApp } from './fixtures';
import { armVideoStopwatch, unitVideoShown, videoShownAfterClick } from './videoShown';

/**
 * Video in seconds where the link allows: a commune whose pre-join link test
 * says good starts with video (the server's link machine starts it
 * `constrained`, not audio first) and sees the other unit's video within 2 s
 * of its click; a commune whose test says weak is told it joins with audio
 * first, and the "Chỉ âm thanh" button is not shown pressed for it.
 */
/**
 * The pre-join link test's verdict, asked again ("Đo lại") up to three times
 * when it is not good: the machine is shared, and a starved server answers
 * loopback requests slowly. What is tested is what a good measurement leads to.
 */
async function goodVerdict(page: Page): Promise<void> {
  for (let i = 0; ; i++) {
    const verdict = page.locator('[data-verdict]');
    await verdict.waitFor({ timeout: 20_000 });
    if ((await verdict.getAttribute('data-verdict')) === 'good') return;
    if (i === 3) throw new Error(`link test: ${await verdict.textContent()}`);
    await page.getByRole('button', { name: 'Đo lại' }).click();
    await page
      .getByRole('status')
      .filter({ hasText: 'Đang đo đường truyền' })
      .waitFor({ state: 'detached', timeout: 20_000 });
  }
}

describe('video at the click on a good link, audio first on a weak one', () => {
  const t = useBrowserApp();
  let meetingId = '';
  let speaker: Page;

  it('a unit with its camera on is in the meeting', async () => {
    const hostToken = await login(t.url, 'host450');
    meetingId = await startMeeting(t.url, hostToken, ['18853', '18856', '18859']);
    speaker = await openHarnessPage(t.browser, t.url, await buildMeetingHarness(), 'speaker');
    const ok = await harnessJoin(speaker, {
      token: await login(t.url, 'u18856'),
      meetingId,
      mic: true,
      camera: true,
      link: { measured: 'good' },
    } as Parameters<typeof harnessJoin>[1]);
    expect(ok).toBe(true);
    await speaker.waitForFunction(
      `!!globalThis.giaobanMeeting?.producer('camera') && !globalThis.giaobanMeeting.producer('camera').paused`,
      undefined,
      { timeout: 15_000 },
    );
  });

  it('good link: the pre-join says video starts at once; the other video shows ≤ 2 s after the click', async () => {
    const page = await t.loginAs('u18853');
    await page.goto(`/join/${meetingId}`);
    await goodVerdict(page);
    expect(await page.getByRole('radio', { name: /Có hình ảnh/ }).isChecked()).toBe(true);
    await page.getByText('Đường truyền tốt: bật hình ngay.').waitFor();
    await armVideoStopwatch(page, 'Tham gia', '18856');
    await page.getByRole('button', { name: 'Tham gia' }).click();
    const ms = await videoShownAfterClick(page).catch(async (err: unknown) => {
      console.warn(
        await page.evaluate(`JSON.stringify([...document.querySelectorAll('figure')].map((f) => ({
        unit: f.dataset.unitId, cls: f.className, why: f.dataset.video,
        videos: [...f.querySelectorAll('video')].map((v) => ({ cls: v.className, rs: v.readyState, w: v.videoWidth, vis: getComputedStyle(v).visibility, src: !!v.srcObject })) })))`),
      );
      console.warn(
        await page.evaluate(`(async () => { const e = globalThis.giaobanMeeting; return JSON.stringify({
        tracks: e.remoteTracks.map((t) => ({ kind: t.kind, src: t.source, ep: t.endpointId, muted: t.track.muted, rs: t.track.readyState, pid: t.producerId })),
        stats: await e.inboundStats() }); })()`),
      );
      console.warn(
        await speaker.evaluate(`(async () => { const e = globalThis.giaobanMeeting; const p = e.producer('camera');
        const st = p ? [...(await p.getStats()).values()].filter((x) => x.type === 'outbound-rtp').map((x) => ({ b: x.bytesSent, f: x.framesEncoded, rid: x.rid, q: x.qualityLimitationReason })) : null;
        return JSON.stringify({ cam: !!p, paused: p && p.paused, st }); })()`),
      );
      throw err;
    });
    console.warn(`good link: click → the other unit's video on screen ${ms.toFixed(0)} ms`);
    expect(ms).toBeLessThanOrEqual(2_000);
    // Own camera goes out too, and no audio-only notice was ever needed.
    const controls = page.getByRole('toolbar', { name: 'Điều khiển phòng họp' });
    // (It may go out a moment after the other's picture shows: the room publishes after joining.)
    await expect
      .poll(() => controls.getByRole('button', { name: 'Camera' }).getAttribute('aria-pressed'), {
        timeout: 5_000,
      })
      .toBe('true');
    expect(await page.locator('.room-notice').count()).toBe(0);
    await page.context().close();
  });

  it(
    'weak link: the pre-join says audio first; in the room that is said, not shown as the user’s choice',
    { timeout: 180_000 },
    async () => {
      const page = await t.loginAs('u18859');
      // A slow link for the page's requests (Chromium's network emulation; WebRTC is not affected).
      const cdp = await page.context().newCDPSession(page);
      await cdp.send('Network.enable');
      await cdp.send('Network.emulateNetworkConditions', {
        offline: false,
        // Past the 1,000 ms round trip the link test allows (below it, capacity decides:
        // a satellite link carries video) and below its 500 kbit/s.
        latency: 1_200,
        downloadThroughput: 40_000,
        uploadThroughput: 100_000,
      });
      await page.goto(`/join/${meetingId}`);
      // Weak (or, on a starved machine, not measured in time: both count as weak).
      await page
        .locator('[data-verdict="weak"], [data-verdict="failed"]')
        .waitFor({ timeout: 90_000 });
      // The weak test suggests audio-only, and the screen says what that means.
      expect(await page.getByRole('radio', { name: /Chỉ âm thanh/ }).isChecked()).toBe(true);
      await page.getByText('Chỉ âm thanh: không gửi và không nhận hình.').waitFor();
      // The user keeps video: then it says video comes when the link allows.
      await page.getByRole('radio', { name: /Có hình ảnh/ }).check();
      await page
        .getByText(
          'Đường truyền yếu: vào bằng âm thanh trước, hình sẽ bật khi đường truyền cho phép.',
        )
        .waitFor();
      await cdp.send('Network.emulateNetworkConditions', {
        offline: false,
        latency: 0,
        downloadThroughput: -1,
        uploadThroughput: -1,
      });
      await page.getByRole('button', { name: 'Tham gia' }).click();
      await page.locator('[data-auto-audio-only="start"]').waitFor({ timeout: 15_000 });
      expect(await page.locator('[data-auto-audio-only]').textContent()).toBe(
        'Vào bằng âm thanh trước: hình sẽ tự bật khi đường truyền cho phép.',
      );
      const controls = page.getByRole('toolbar', { name: 'Điều khiển phòng họp' });
      expect(
        await controls.getByRole('button', { name: 'Chỉ âm thanh' }).getAttribute('aria-pressed'),
      ).toBe('false');
      expect(await unitVideoShown(page, '18856')).toBe(false);
      // The link is in fact good: video comes by itself and the notice goes.
      await expect.poll(() => unitVideoShown(page, '18856'), { timeout: 20_000 }).toBe(true);
      expect(await page.locator('[data-auto-audio-only]').count()).toBe(0);
      await page.context().close();
    },
  );
});
