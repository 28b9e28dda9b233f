import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSchedulerApp, type SchedulerTestApp } from '../testing/schedulerApp';

const run = promisify(execFile);

/**
 * Who may see, play and download a district meeting's recording, for every
 * role: the recording's files are real Opus files (ffmpeg) and its metadata
 * goes through the RecordingStore as signaling writes it (the recording
 * itself is made by the SFU: sfu/src/recording and e2e/recording.test.ts).
 */
describe('recording rights (REST, real redis-server)', () => {
  let app: SchedulerTestApp;
  let dir: string;
  let recordingId: string;
  let occurrenceId: string;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'gb-recs-'));
    app = await startSchedulerApp({ RECORDINGS_DIR: dir });
    const host = await app.as('host450');
    const start = await host.call('POST', '/meetings/start-now', {
      title: 'Giao ban huyện',
      durationMinutes: 60,
      selectors: [{ type: 'unit', unitId: '18853' }],
    });
    expect(start.status).toBe(201);
    occurrenceId = start.body.occurrence.id;
    const store = app.scheduler.recordings;
    const startedAt = Date.now() - 5_000;
    recordingId = await store.begin({
      meetingId: start.body.meeting.id,
      occurrenceId,
      title: 'Giao ban huyện',
      startedAt,
      startedBy: 'host450',
      auto: false,
    });
    await store.note(recordingId, {
      t: 1_000,
      at: startedAt + 1_000,
      type: 'speaker',
      unitId: '18853',
      unitName: 'Phường Hải Thành',
    });
    mkdirSync(path.join(dir, recordingId));
    for (const f of ['mix.ogg', 's0-18853-1.ogg'])
      await run('ffmpeg', [
        ...['-v', 'error', '-f', 'lavfi', '-i', 'sine=frequency=440:duration=1'],
        ...['-c:a', 'libopus', '-f', 'ogg', path.join(dir, recordingId, f)],
      ]);
    const bytes = statSync(path.join(dir, recordingId, 'mix.ogg')).size;
    await store.finish(recordingId, {
      reason: 'host',
      media: {
        tracks: [
          {
            file: 's0-18853-1.ogg',
            unitId: '18853',
            endpointId: 'e1',
            segment: 0,
            offsetMs: 0,
            endMs: 5_000,
            bytes,
            state: 'ended',
          },
        ],
        segments: 1,
        mix: { file: 'mix.ogg', bytes, durationMs: 1_000 },
        durationMs: 5_000,
      },
    });
  });
  afterAll(async () => {
    await app?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  // host450: the organiser; host44: the province above it; chihuy: the emergency command;
  // u18853: an invited commune (a tier below); host452: another district (does not see it).
  const cases = [
    { user: 'host450', sees: true, plays: true },
    { user: 'host44', sees: true, plays: true },
    { user: 'chihuy', sees: true, plays: true },
    { user: 'admin', sees: true, plays: true },
    { user: 'u18853', sees: true, plays: false },
    { user: 'host452', sees: false, plays: false },
    { user: 'u18859', sees: false, plays: false },
  ];

  for (const c of cases) {
    it(`${c.user}: ${c.plays ? 'lists, plays and downloads' : c.sees ? 'sees only that a recording exists' : 'sees nothing'}`, async () => {
      const client = await app.as(c.user);
      const list = await client.call('GET', `/occurrences/${occurrenceId}/recordings`);
      if (!c.sees) {
        expect(list.status).toBe(404);
      } else {
        expect(list.status).toBe(200);
        expect(list.body.recordings).toHaveLength(1);
        const r = list.body.recordings[0];
        expect(r.id).toBe(recordingId);
        expect(r.mayPlay).toBe(c.plays);
        if (c.plays) {
          expect(r.speakers.map((s: { unitName: string }) => s.unitName)).toEqual([
            'Phường Hải Thành',
          ]);
          expect(r.tracks[0].unitName).toBe('Phường Hải Thành');
        } else {
          expect(r.timeline).toBeUndefined();
          expect(r.tracks).toBeUndefined();
          expect(r.mix).toBeUndefined();
        }
      }
      const detail = await client.call('GET', `/recordings/${recordingId}`);
      const want = c.plays ? 200 : c.sees ? 403 : 404;
      expect(detail.status).toBe(want);
      const play = await fetch(`${app.url}/api/recordings/${recordingId}/file/mix.ogg`, {
        headers: { authorization: `Bearer ${client.token}` },
      });
      expect(play.status).toBe(want);
      const dl = await fetch(
        `${app.url}/api/recordings/${recordingId}/file/s0-18853-1.ogg?download=1`,
        { headers: { authorization: `Bearer ${client.token}` } },
      );
      expect(dl.status).toBe(want);
      if (c.plays) {
        expect(play.headers.get('content-type')).toBe('audio/ogg');
        expect(
          Buffer.from(await play.arrayBuffer())
            .subarray(0, 4)
            .toString(),
        ).toBe('OggS');
        expect(dl.headers.get('content-disposition')).toContain('attachment');
      }
    });
  }

  it('writes every playback and download into the audit log, and the minutes beside the files', async () => {
    const admin = await app.as('admin');
    const audit = await admin.call('GET', '/audit?limit=500');
    const ours = (audit.body.entries as { action: string; username: string; target: string }[])
      .filter((e) => e.target === recordingId)
      .map((e) => `${e.username} ${e.action}`)
      .sort();
    const allowed = cases.filter((c) => c.plays).map((c) => c.user);
    expect(ours).toEqual(
      allowed.flatMap((u) => [`${u} recording.download`, `${u} recording.play`]).sort(),
    );
    const minutes = JSON.parse(readFileSync(path.join(dir, recordingId, 'minutes.json'), 'utf8'));
    expect(minutes.speakers[0].unitId).toBe('18853');
    // A seek (a range from the middle) is not another playback.
    const host = await app.as('host450');
    await fetch(`${app.url}/api/recordings/${recordingId}/file/mix.ogg`, {
      headers: { authorization: `Bearer ${host.token}`, range: 'bytes=100-' },
    });
    const after = await admin.call('GET', '/audit?limit=500');
    expect(
      after.body.entries.filter((e: { target: string }) => e.target === recordingId),
    ).toHaveLength(ours.length);
  });

  it('the attendance CSV includes the minutes when asked, for those who may play', async () => {
    const host = await app.as('host450');
    const csv = await host.call('GET', `/attendance/${occurrenceId}/csv?minutes=1`);
    expect(csv.status).toBe(200);
    expect(csv.body).toContain('recording_id,offset_s,time_vn,event,unit_id,unit_name,value');
    expect(csv.body).toContain(`"${recordingId}","1.0",`);
    expect(csv.body).toContain('"speaker","18853","Phường Hải Thành"');
    const commune = await app.as('u18853');
    const theirs = await commune.call('GET', `/attendance/${occurrenceId}/csv?minutes=1`);
    expect(String(theirs.body)).not.toContain(recordingId);
  });

  it('the daily purge deletes recordings past retention, files and metadata', async () => {
    const store = app.scheduler.recordings;
    expect(await app.scheduler.recordingPurge.purge(Date.now())).toBe(0);
    expect(await app.scheduler.recordingPurge.purge(Date.now() + 91 * 86_400_000)).toBe(1);
    expect(await store.get(recordingId)).toBeUndefined();
    expect(() => statSync(path.join(dir, recordingId))).toThrow();
    const host = await app.as('host450');
    const list = await host.call('GET', `/occurrences/${occurrenceId}/recordings`);
    expect(list.body.recordings).toEqual([]);
  });
});
