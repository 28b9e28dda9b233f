import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { RecordingDetail } from '@giaoban/scheduler/api/recordings';
import {
  codecOf,
  durationS,
  meanVolumeDb,
  writeToneWav,
} from '../sfu/src/recording/testing/audioProbe';
import { startTestApp } from '../infra/test/app';
import { connect, login, startMeeting, type TestClient } from '../signaling/src/testing/clients';
import { launchChromium } from './browser';
import { buildMeetingHarness, harnessJoin, harnessSelfId, openHarnessPage } from './fixtures';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
type Gb = {
  gb: { useMeeting: { getState(): { toggleMic(): Promise<boolean>; self: { id: string } } } };
};
const toggleMic = (page: Page) =>
  page.evaluate(() => (globalThis as unknown as Gb).gb.useMeeting.getState().toggleMic());

/**
 * A two-commune Chromium meeting recorded through the SFU: each commune's
 * fake microphone plays its own tone (440 Hz, 880 Hz: one Chromium each, with
 * `--use-file-for-fake-audio-capture`), the host (a socket.io client) starts
 * and stops the recording; the files are checked with ffprobe/ffmpeg.
 */
describe('recording a meeting (real server, Chromium, ffmpeg)', () => {
  let app: Awaited<ReturnType<typeof startTestApp>>;
  const browsers: Browser[] = [];
  let wavDir: string;
  let harness: string;
  let meetingId: string;
  let host: TestClient;
  const tokens: Record<string, string> = {};
  const pages: Record<string, Page> = {};
  const tone: Record<string, number> = { '18853': 440, '18856': 880 };

  beforeAll(async () => {
    wavDir = mkdtempSync(path.join(tmpdir(), 'gb-wav-'));
    await Promise.all(
      Object.entries(tone).map(([u, f]) => writeToneWav(path.join(wavDir, `${u}.wav`), f, 120)),
    );
    const [started, ...bs] = await Promise.all([
      startTestApp({ SFU_WORKERS: '2', SIGNALING_GRACE_MS: '3000' }),
      ...Object.keys(tone).map((u) =>
        launchChromium([`--use-file-for-fake-audio-capture=${path.join(wavDir, `${u}.wav`)}`]),
      ),
    ]);
    app = started;
    browsers.push(...bs);
    harness = await buildMeetingHarness();
    for (const u of ['host450', 'u18853', 'u18856']) tokens[u] = await login(app.url, u);
    meetingId = await startMeeting(app.url, tokens.host450!, ['18853', '18856']);
    host = await connect(app.url, tokens.host450);
    const joined = await host.request('meeting:join', { meetingId, deviceId: 'host-device' });
    expect(joined.ok).toBe(true);
  });
  afterAll(async () => {
    host?.close();
    for (const b of browsers) await b.close();
    await app?.close();
    rmSync(wavDir, { recursive: true, force: true });
  });

  const file = (id: string, f: string) => path.join(app.dataDir, 'recordings', id, f);
  const fetchDetail = async (id: string): Promise<RecordingDetail> => {
    const res = await fetch(`${app.url}/api/recordings/${id}`, {
      headers: { authorization: `Bearer ${tokens.host450}` },
    });
    expect(res.status).toBe(200);
    return (await res.json()) as RecordingDetail;
  };
  /** The stop answers at once; the files are finalised and mixed behind it. */
  const detail = async (id: string): Promise<RecordingDetail> => {
    await expect
      .poll(async () => (await fetchDetail(id)).status, { timeout: 60_000, interval: 500 })
      .toBe('done');
    return fetchDetail(id);
  };
  const partBytes = (id: string, segment: number, unitId: string) => {
    try {
      return statSync(file(id, `s${segment}-${unitId}-1.part`)).size;
    } catch {
      return 0;
    }
  };

  it('records one Opus track per commune and the mix; the timeline names the speakers in order', async () => {
    const [a, b] = [
      await openHarnessPage(browsers[0]!, app.url, harness, 'u18853'),
      await openHarnessPage(browsers[1]!, app.url, harness, 'u18856'),
    ];
    pages.a = a;
    pages.b = b;
    expect(await harnessJoin(a, { token: tokens.u18853!, meetingId, mic: true })).toBe(true);
    expect(await harnessJoin(b, { token: tokens.u18856!, meetingId, mic: false })).toBe(true);
    await sleep(1_000);

    const t0 = Date.now();
    const started = await host.request('recording:start', {});
    if (!started.ok) throw new Error(JSON.stringify(started.error));
    // Everyone in the room is told (the indicator "Đang ghi âm" shows from meeting.recording).
    await expect
      .poll(() =>
        host.events.some(
          (e) =>
            e.name === 'meeting:updated' &&
            (e.payload as { meeting: { recording?: { id: string } | null } }).meeting.recording
              ?.id === started.data.id,
        ),
      )
      .toBe(true);
    // Commune A speaks alone, then B alone (A muted), then both. Each phase
    // lasts until the SFU has named its speaker (3.5 s at least): on a loaded
    // machine the active-speaker observer can take longer to switch.
    const speakerIs = (page: Page) => async () => {
      const id = await harnessSelfId(page);
      const last = host.events.filter((e) => e.name === 'media:activeSpeaker').at(-1);
      return (last?.payload as { endpointId?: string } | undefined)?.endpointId === id;
    };
    await sleep(3_500);
    await expect.poll(speakerIs(a), { timeout: 15_000 }).toBe(true);
    expect(await toggleMic(a)).toBe(true);
    expect(await toggleMic(b)).toBe(true);
    await sleep(3_500);
    await expect.poll(speakerIs(b), { timeout: 15_000 }).toBe(true);
    expect(await toggleMic(a)).toBe(true);
    await sleep(1_500);
    const totalS = (Date.now() - t0) / 1000;
    const stopped = await host.request('recording:stop', {});
    expect(stopped.ok).toBe(true);

    const rec = await detail(started.data.id);
    expect(rec.status).toBe('done');
    expect(rec.segments).toBe(1);
    const units = rec.tracks.map((t) => t.unitId).sort();
    expect(units).toEqual(['18853', '18856']);
    for (const t of rec.tracks) {
      const f = file(rec.id, t.file);
      expect(await codecOf(f)).toBe('opus');
      expect(Math.abs((await durationS(f)) - (t.endMs! - t.offsetMs) / 1000)).toBeLessThan(1);
      const own = tone[t.unitId]!;
      const other = own === 440 ? 880 : 440;
      const ownDb = await meanVolumeDb(f, own);
      expect(ownDb, `${t.unitId} at ${own} Hz`).toBeGreaterThan(-45);
      expect(ownDb - (await meanVolumeDb(f, other))).toBeGreaterThan(10);
    }
    const aTrack = rec.tracks.find((t) => t.unitId === '18853')!;
    const bTrack = rec.tracks.find((t) => t.unitId === '18856')!;
    expect(aTrack.offsetMs).toBeLessThan(1_000);
    // B's microphone went live ~3.5 s in: its track starts there.
    expect(bTrack.offsetMs).toBeGreaterThan(2_500);
    expect(Math.abs(rec.durationMs / 1000 - totalS)).toBeLessThan(1);
    expect(Math.abs((await durationS(file(rec.id, rec.mix!.file))) - totalS)).toBeLessThan(1);
    expect(await meanVolumeDb(file(rec.id, rec.mix!.file), 440)).toBeGreaterThan(-45);
    expect(await meanVolumeDb(file(rec.id, rec.mix!.file), 880)).toBeGreaterThan(-45);

    expect(rec.speakers.slice(0, 2).map((s) => s.unitName)).toEqual([
      aTrack.unitName,
      bTrack.unitName,
    ]);
    expect(aTrack.unitName).toBe('Phường Hải Thành');
    const types = rec.timeline.map((e) => e.type);
    expect(types[0]).toBe('started');
    expect(types.at(-1)).toBe('stopped');
    expect(rec.timeline.filter((e) => e.type === 'joined').map((e) => e.unitId)).toEqual(
      expect.arrayContaining(['18853', '18856']),
    );
  }, 240_000);

  it('goes on as a second segment after the SFU worker dies', async () => {
    // Both microphones on, whatever the first test left.
    for (const page of [pages.a!, pages.b!]) {
      const on = await page.evaluate(
        () =>
          (
            globalThis as unknown as {
              gb: { useMeeting: { getState(): { local: { mic: boolean } } } };
            }
          ).gb.useMeeting.getState().local.mic,
      );
      if (!on) expect(await toggleMic(page)).toBe(true);
    }
    const started = await host.request('recording:start', {});
    if (!started.ok) throw new Error(JSON.stringify(started.error));
    // Both communes are being written in segment 0 before the worker dies.
    await expect
      .poll(
        () =>
          Math.min(partBytes(started.data.id, 0, '18853'), partBytes(started.data.id, 0, '18856')),
        {
          timeout: 30_000,
          interval: 500,
        },
      )
      .toBeGreaterThan(2_000);
    const [router] = await app.sfu.routers(meetingId);
    process.kill(app.workers.workers[router!.workerIndex]!.worker.pid, 'SIGKILL');
    // The communes rejoin by themselves (media:reconnect); both are heard again in segment 1.
    await expect
      .poll(
        async () => {
          const r = await app.sfu.recorders.status(meetingId);
          return r?.tracks.filter((t) => t.segment === 1).length ?? 0;
        },
        { timeout: 30_000, interval: 500 },
      )
      .toBe(2);
    // Both communes' second-segment files are being written (a loaded machine may take seconds).
    await expect
      .poll(
        () =>
          Math.min(partBytes(started.data.id, 1, '18853'), partBytes(started.data.id, 1, '18856')),
        {
          timeout: 30_000,
          interval: 500,
        },
      )
      .toBeGreaterThan(2_000);
    // The host's own endpoint may have been lost too: it joins again from the same device.
    await host.request('meeting:join', { meetingId, deviceId: 'host-device' });
    const stopped = await host.request('recording:stop', {});
    expect(stopped.ok).toBe(true);
    const rec = await detail(started.data.id);
    expect(rec.segments).toBe(2);
    for (const seg of [0, 1]) {
      const tracks = rec.tracks.filter((t) => t.segment === seg);
      expect(tracks.map((t) => t.unitId).sort()).toEqual(['18853', '18856']);
      for (const t of tracks) {
        expect(t.file.endsWith('.ogg')).toBe(true);
        expect(await codecOf(file(rec.id, t.file))).toBe('opus');
        expect(await durationS(file(rec.id, t.file))).toBeGreaterThan(0.2);
      }
    }
    expect(rec.timeline.some((e) => e.type === 'segment' && e.value === 1)).toBe(true);
    expect(rec.mix).not.toBeNull();
  }, 240_000);
});
