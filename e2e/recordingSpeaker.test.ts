import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import type { RecordingDetail } from '@giaoban/scheduler/api/recordings';
import { sendPattern, writeTurnsWav } from '../sfu/src/recording/testing/audioProbe';
import { startTestApp } from '../infra/test/app';
import { connect, login, startMeeting, type TestClient } from '../signaling/src/testing/clients';
import { launchChromium } from './browser';
import { buildMeetingHarness, harnessJoin, openHarnessPage } from './fixtures';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * What a GiaoBan browser's microphone really sends while its unit speaks 2 s
 * of every 6 s and is silent otherwise — the turns bench:recording's
 * synthetic speakers take — read from its recorded track (the SFU copies the
 * packets as they came). The synthetic speaker (browserSpeaker.ts) is held to
 * the same figures in sfu/src/recording/recorder.worker.test.ts: 60 ms
 * frames, and DTX while silent (measured here: about one small packet a
 * second; libopus 1.4 in the synthetic speaker sends a comfort-noise frame
 * every ~420 ms, ~5 a second: the bench errs on the costly side).
 */
describe('what Chromium sends for a microphone with pauses (recorded through the SFU)', () => {
  let app: Awaited<ReturnType<typeof startTestApp>>;
  let browser: Browser;
  let wavDir: string;
  let host: TestClient;
  let token: string;
  let hostToken: string;
  let meetingId: string;

  beforeAll(async () => {
    wavDir = mkdtempSync(path.join(tmpdir(), 'gb-wav-'));
    const wav = path.join(wavDir, 'turns.wav');
    await writeTurnsWav(wav, 440, { from: 0, to: 2 }, 60);
    [app, browser] = await Promise.all([
      startTestApp({ SFU_WORKERS: '1' }),
      launchChromium([`--use-file-for-fake-audio-capture=${wav}`]),
    ]);
    hostToken = await login(app.url, 'host450');
    token = await login(app.url, 'u18853');
    meetingId = await startMeeting(app.url, hostToken, ['18853']);
    host = await connect(app.url, hostToken);
    expect((await host.request('meeting:join', { meetingId, deviceId: 'host-device' })).ok).toBe(
      true,
    );
  });
  afterAll(async () => {
    host?.close();
    await browser?.close();
    await app?.close();
    rmSync(wavDir, { recursive: true, force: true });
  });

  it('sends 60 ms frames while speaking and DTX (< 8 packets/s) while silent', async () => {
    const page = await openHarnessPage(browser, app.url, await buildMeetingHarness(), 'u18853');
    expect(await harnessJoin(page, { token, meetingId, mic: true })).toBe(true);
    await sleep(2_000);
    const started = await host.request('recording:start', {});
    if (!started.ok) throw new Error(JSON.stringify(started.error));
    await sleep(14_000);
    expect((await host.request('recording:stop', {})).ok).toBe(true);
    let rec: RecordingDetail | undefined;
    await expect
      .poll(
        async () => {
          const res = await fetch(`${app.url}/api/recordings/${started.data.id}`, {
            headers: { authorization: `Bearer ${hostToken}` },
          });
          rec = (await res.json()) as RecordingDetail;
          return rec.status;
        },
        { timeout: 60_000, interval: 500 },
      )
      .toBe('done');
    const track = rec!.tracks.find((t) => t.unitId === '18853')!;
    const p = await sendPattern(path.join(app.dataDir, 'recordings', rec!.id, track.file));
    console.warn('Chromium microphone, 2 s of 6 speaking:', JSON.stringify(p));
    expect(p.frameMs).toBe(60);
    expect(p.talkPacketsPerS).toBeGreaterThan(15);
    expect(p.talkPacketsPerS).toBeLessThan(18.5);
    // Without DTX a silent microphone goes on at 16.7 packets/s (tiny frames).
    expect(p.silentPacketsPerS).toBeLessThan(8);
    expect(p.dtxShare).toBeGreaterThan(0.4);
  }, 120_000);
});
