import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '@giaoban/common/logger';
import { loadSfuConfig } from '../config';
import { Meeting } from '../meeting';
import { OPUS_PT, opusRtpParameters, plainPort } from '../testing/rtp';
import { WorkerPool } from '../workerPool';
import type { RecordingEvent } from './recordingTypes';
import { Recorders } from './recorders';
import { recordingEncoding } from './recordingEncoding';
import {
  codecOf,
  durationS,
  largestGapMs,
  meanVolumeDb,
  opusSender,
  sendPattern,
} from './testing/audioProbe';

const log = createLogger('test', process.env.LOG_LEVEL ?? 'warn');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Real mediasoup workers, real ffmpeg: two units speak (ffmpeg encoding a
 * 440 Hz and an 880 Hz tone to Opus RTP) on two routers; the recorder writes
 * one Ogg Opus file per unit without re-encoding and mixes them at the end.
 * The worker carrying one unit is killed: its track is finalised, the unit
 * comes back on the other router and is recorded in a second segment.
 */
describe('meeting recorder (real workers, real ffmpeg)', () => {
  let pool: WorkerPool;
  let meeting: Meeting;
  let recorders: Recorders;
  let root: string;
  const senders: ChildProcess[] = [];
  const events: RecordingEvent[] = [];

  beforeAll(async () => {
    root = mkdtempSync(path.join(tmpdir(), 'gb-rec-'));
    pool = await WorkerPool.create(loadSfuConfig({ SFU_WORKERS: '2', RTC_PORT: '0' }), log);
    meeting = await Meeting.create({
      id: 'm-rec',
      workers: () => pool.workers,
      consumerBudget: 500,
      placement: (slots, _req, canAddNew) => (canAddNew ? 'new' : slots[0]!),
      log,
    });
    recorders = new Recorders(
      { root, tools: { ffmpeg: 'ffmpeg', ffprobe: 'ffprobe' }, minFreeBytes: 0, warm: 3 },
      log,
      (e) => events.push(e),
    );
    recorders.warmUp();
  });
  afterAll(async () => {
    for (const s of senders) s.kill('SIGKILL');
    await recorders?.close();
    meeting?.close();
    pool?.close();
    rmSync(root, { recursive: true, force: true });
  });

  async function speaker(
    id: string,
    unitId: string,
    ssrc: number,
    freqHz: number,
    talk?: { from: number; to: number },
  ) {
    const e = await meeting.addEndpoint({ id, unitId, transport: { type: 'plain' } });
    const producer = await meeting.produce(id, {
      kind: 'audio',
      rtpParameters: opusRtpParameters(ssrc),
      source: 'mic',
    });
    const s = opusSender({
      port: plainPort(e.sendTransport),
      ssrc,
      payloadType: OPUS_PT,
      freqHz,
      talk,
    });
    senders.push(s);
    // The speaker's process is sending (a track that never gets a packet leaves no file).
    await expect
      .poll(async () => (await meeting.producer(producer.id).getStats())[0]?.byteCount ?? 0, {
        timeout: 15_000,
      })
      .toBeGreaterThan(0);
    return { endpoint: e, sender: s };
  }

  it('records each unit into its own file, survives a worker kill as two segments, mixes all', async () => {
    await speaker('a', '18853', 7001, 440);
    const b = await speaker('b', '18856', 7002, 880);
    const startedAt = Date.now();
    const status = await recorders.start(meeting, { recordingId: 'rec1', startedAt, segment: 0 });
    // The goal is ≤ 1 s (bench:recording measures it); this machine is shared and loaded.
    expect(Date.now() - startedAt).toBeLessThan(15_000);
    expect(status.tracks.map((t) => t.unitId).sort()).toEqual(['18853', '18856']);
    // While written, a track is a `.part`: nothing half-written looks like a finished file.
    await expect
      .poll(() => readdirSync(path.join(root, 'rec1')).filter((f) => f.endsWith('.part')).length, {
        timeout: 10_000,
      })
      .toBe(2);

    await sleep(4_000);
    // Kill the worker carrying unit b: its router (and b's track) die; a stays on the other one.
    const bWorker = pool.workers.find((w) => w.index === b.endpoint.slot.workerIndex)!;
    b.sender.kill('SIGKILL');
    process.kill(bWorker.worker.pid, 'SIGKILL');
    await sleep(800);
    await speaker('b2', '18856', 7003, 880);
    await sleep(3_000);

    const totalS = (Date.now() - startedAt) / 1000;
    const result = await recorders.stop('m-rec', 'rec1');
    expect(result.segments).toBe(2);
    expect(events).toContainEqual(expect.objectContaining({ state: 'segment', segment: 1 }));
    const files = readdirSync(path.join(root, 'rec1'));
    expect(files.filter((f) => f.endsWith('.part'))).toEqual([]);

    const byUnit = (u: string) => result.tracks.filter((t) => t.unitId === u);
    expect(byUnit('18853')).toHaveLength(1);
    expect(byUnit('18856').map((t) => t.segment)).toEqual([0, 1]);
    for (const t of result.tracks) {
      expect(t.state).toBe('ended');
      const file = path.join(root, 'rec1', t.file);
      expect(await codecOf(file)).toBe('opus');
      // Each file lasts as long as its track was recorded, within a second.
      expect(Math.abs((await durationS(file)) - (t.endMs! - t.offsetMs) / 1000)).toBeLessThan(1);
      const own = t.unitId === '18853' ? 440 : 880;
      const other = t.unitId === '18853' ? 880 : 440;
      const ownDb = await meanVolumeDb(file, own);
      expect(ownDb, t.file).toBeGreaterThan(-40);
      expect(ownDb - (await meanVolumeDb(file, other))).toBeGreaterThan(15);
    }
    // Unit a was heard from its start to the stop.
    const a = byUnit('18853')[0]!;
    expect(Math.abs(a.endMs! / 1000 - totalS)).toBeLessThan(1);

    expect(result.mix).not.toBeNull();
    const mix = path.join(root, 'rec1', result.mix!.file);
    expect(Math.abs((await durationS(mix)) - totalS)).toBeLessThan(1);
    expect(await meanVolumeDb(mix, 440)).toBeGreaterThan(-40);
    expect(await meanVolumeDb(mix, 880)).toBeGreaterThan(-40);
    // The mix: 60 ms frames, its rate kept on tones too (plain VBR made 14 kbit/s of "12k").
    expect((await sendPattern(mix)).frameMs).toBe(60);
    const kbps = (result.mix!.bytes * 8) / 1000 / (await durationS(mix));
    expect(kbps).toBeLessThan(recordingEncoding.mix.kbps * 1.1);
  }, 60_000);

  it('starts one recorder when the endpoints rejoining together each ask to resume', async () => {
    const req = { recordingId: 'rec2', startedAt: Date.now(), segment: 1 };
    const [s1, s2] = await Promise.all([
      recorders.start(meeting, req),
      recorders.start(meeting, req),
    ]);
    expect(s1.tracks.map((t) => t.file).sort()).toEqual(s2.tracks.map((t) => t.file).sort());
    await sleep(1_500);
    const result = await recorders.stop('m-rec', 'rec2');
    expect(result.tracks.length).toBeGreaterThan(0);
    const sizes = () =>
      result.tracks.map((t) => statSync(path.join(root, 'rec2', t.file)).size).join(',');
    const before = sizes();
    // A second recorder left behind would go on writing into the same files.
    await sleep(1_000);
    expect(sizes()).toBe(before);
    for (const t of result.tracks)
      expect(await codecOf(path.join(root, 'rec2', t.file))).toBe('opus');
  }, 30_000);

  it('records a synthetic speaker that sends as Chromium does (60 ms, DTX) without gaps in speech', async () => {
    // Speaks 2 s of every 6 s, as bench:recording's speakers and e2e/recordingSpeaker.test.ts's Chromium.
    await speaker('c', '18859', 7004, 660, { from: 0, to: 2 });
    const req = { recordingId: 'rec3', startedAt: Date.now(), segment: 2 };
    await recorders.start(meeting, req);
    await sleep(13_000);
    const result = await recorders.stop('m-rec', 'rec3');
    const t = result.tracks.find((x) => x.unitId === '18859')!;
    const file = path.join(root, 'rec3', t.file);
    const p = await sendPattern(file);
    // The figures e2e/recordingSpeaker.test.ts holds Chromium's microphone to.
    expect(p.frameMs).toBe(60);
    expect(p.talkPacketsPerS).toBeGreaterThan(15);
    expect(p.talkPacketsPerS).toBeLessThan(18.5);
    expect(p.silentPacketsPerS).toBeLessThan(8);
    expect(p.dtxShare).toBeGreaterThan(0.4);
    // DTX leaves the track without packets for most of the silence; none is missing in speech.
    expect(await largestGapMs(file, 60)).toBeLessThan(200);
    expect(await meanVolumeDb(file, 660)).toBeGreaterThan(-50);
  }, 60_000);

  it('leaves no file and no lost track for a live microphone that never sent a packet', async () => {
    // Produced and not paused, but nothing arrives (a device that never sent): no ffmpeg output.
    await meeting.addEndpoint({ id: 'd', unitId: '18862', transport: { type: 'plain' } });
    await meeting.produce('d', {
      kind: 'audio',
      rtpParameters: opusRtpParameters(7005),
      source: 'mic',
    });
    await recorders.start(meeting, { recordingId: 'rec4', startedAt: Date.now(), segment: 0 });
    await sleep(1_500);
    const result = await recorders.stop('m-rec', 'rec4');
    // Before: a track in state "lost" named `.part`, a file that never existed, and an error logged.
    expect(result.tracks.filter((t) => t.unitId === '18862')).toEqual([]);
    expect(result.tracks.every((t) => t.state === 'ended')).toBe(true);
    expect(readdirSync(path.join(root, 'rec4')).filter((f) => f.endsWith('.part'))).toEqual([]);
  }, 30_000);
});
