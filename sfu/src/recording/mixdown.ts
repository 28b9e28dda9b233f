import { execFile } from 'node:child_process';
import { readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Logger } from '@giaoban/common/logger';
import type { RecordingEncoding } from './recordingEncoding';
import { recordingTrackSchema, type RecordingResult, type RecordingTrack } from './recordingTypes';

const run = promisify(execFile);

export interface Tools {
  ffmpeg: string;
  ffprobe: string;
}

const manifestName = (segment: number) => `segment-${segment}.json`;

/** Writes a segment's track list beside its files (atomically: a reader never sees half of it). */
export async function writeManifest(
  dir: string,
  segment: number,
  tracks: RecordingTrack[],
): Promise<void> {
  const file = path.join(dir, manifestName(segment));
  const tmp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  await writeFile(tmp, JSON.stringify({ segment, tracks }, null, 1));
  await rename(tmp, file);
}

/** Every segment's tracks found in the folder, whichever node wrote them. */
export async function readManifests(dir: string): Promise<RecordingTrack[]> {
  const names = (await readdir(dir).catch(() => [] as string[])).filter((n) =>
    /^segment-\d+\.json$/.test(n),
  );
  const tracks: RecordingTrack[] = [];
  for (const n of names) {
    try {
      const raw = JSON.parse(await readFile(path.join(dir, n), 'utf8')) as { tracks?: unknown };
      for (const t of Array.isArray(raw.tracks) ? raw.tracks : []) {
        const parsed = recordingTrackSchema.safeParse(t);
        if (parsed.success) tracks.push(parsed.data);
      }
    } catch {
      // A manifest being replaced right now: the next read has it.
    }
  }
  return tracks.sort((a, b) => a.segment - b.segment || a.offsetMs - b.offsetMs);
}

/** Duration of a decodable file in ms, or null. */
export async function probeDurationMs(ffprobe: string, file: string): Promise<number | null> {
  try {
    const { stdout } = await run(ffprobe, [
      '-v',
      'error',
      '-show_entries',
      'format=duration',
      '-of',
      'csv=p=0',
      file,
    ]);
    const s = Number.parseFloat(stdout.trim());
    return Number.isFinite(s) ? Math.round(s * 1000) : null;
  } catch {
    return null;
  }
}

/**
 * A track whose writer died with its node (never renamed): its ffmpeg got
 * SIGINT from the kernel (pdeathsig) and most likely finalised the file, but
 * only a clean remux proves it. The salvaged copy becomes the `.ogg`.
 */
async function salvage(dir: string, t: RecordingTrack, tools: Tools): Promise<RecordingTrack> {
  const part = path.join(dir, t.file.replace(/\.ogg$/, '.part'));
  const out = path.join(dir, t.file);
  try {
    await stat(part);
    await run(tools.ffmpeg, [
      '-v',
      'error',
      '-y',
      '-i',
      part,
      '-c',
      'copy',
      '-f',
      'ogg',
      `${out}.tmp`,
    ]);
    await rename(`${out}.tmp`, out);
    await rm(part, { force: true });
    const ms = (await probeDurationMs(tools.ffprobe, out)) ?? 0;
    const { size } = await stat(out);
    return { ...t, state: 'lost', endMs: t.offsetMs + ms, bytes: size };
  } catch {
    await rm(`${out}.tmp`, { force: true });
    return { ...t, state: 'lost' };
  }
}

/**
 * After the last segment stopped: salvages tracks of dead writers, then mixes
 * every track into one (decoded, each delayed by its offset, silence where
 * nobody spoke or across failures, Opus mono as `encoding.mix` says: wideband
 * speech, the units' own tracks keep their quality). Files are written as
 * `.part` and renamed once complete.
 */
export async function finishRecording(o: {
  dir: string;
  recordingId: string;
  durationMs: number;
  /** Tracks of writers still alive here are already final; anything else `recording` is a dead writer's. */
  tools: Tools;
  encoding: RecordingEncoding;
  log: Logger;
}): Promise<RecordingResult> {
  const found = await readManifests(o.dir);
  const tracks: RecordingTrack[] = [];
  for (const t of found)
    tracks.push(t.state === 'recording' ? await salvage(o.dir, t, o.tools) : t);
  const playable: RecordingTrack[] = [];
  for (const t of tracks) {
    if (!t.file.endsWith('.ogg')) continue;
    if (
      await stat(path.join(o.dir, t.file)).then(
        () => true,
        () => false,
      )
    )
      playable.push(t);
  }
  const segments = Math.max(1, ...tracks.map((t) => t.segment + 1));
  const durationMs = Math.max(o.durationMs, ...tracks.map((t) => t.endMs ?? 0));
  const result: RecordingResult = {
    recordingId: o.recordingId,
    tracks,
    segments,
    mix: null,
    durationMs,
  };
  if (playable.length === 0) return result;
  const mixPart = path.join(o.dir, 'mix.part');
  const mix = o.encoding.mix;
  const inputs = [
    '-f',
    'lavfi',
    '-t',
    (durationMs / 1000).toFixed(3),
    '-i',
    `anullsrc=r=${mix.sampleRate}:cl=mono`,
  ];
  const chains: string[] = [];
  playable.forEach((t, i) => {
    inputs.push('-i', path.join(o.dir, t.file));
    // async=1 fills the gaps of DTX and paused microphones with silence: every track keeps its clock.
    chains.push(
      `[${i + 1}:a]aresample=${mix.sampleRate}:async=1:first_pts=0,adelay=${t.offsetMs}:all=1,` +
        `aformat=channel_layouts=mono[a${i + 1}]`,
    );
  });
  const labels = ['[0:a]', ...playable.map((_, i) => `[a${i + 1}]`)].join('');
  const filter = `${chains.join(';')};${labels}amix=inputs=${playable.length + 1}:duration=first:normalize=0[m]`;
  try {
    await run(
      o.tools.ffmpeg,
      [
        '-v',
        'error',
        '-y',
        ...inputs,
        '-filter_complex',
        filter,
        '-map',
        '[m]',
        '-c:a',
        'libopus',
        '-b:a',
        `${mix.kbps}k`,
        '-vbr',
        mix.vbr,
        '-frame_duration',
        String(mix.frameMs),
        '-compression_level',
        String(mix.complexity),
        '-application',
        'voip',
        '-f',
        'ogg',
        mixPart,
      ],
      { maxBuffer: 1 << 20 },
    );
    const out = path.join(o.dir, 'mix.ogg');
    await rename(mixPart, out);
    const { size } = await stat(out);
    const mixMs = (await probeDurationMs(o.tools.ffprobe, out)) ?? durationMs;
    result.mix = { file: 'mix.ogg', bytes: size, durationMs: mixMs };
  } catch (err) {
    await rm(mixPart, { force: true });
    o.log.error({ err, recordingId: o.recordingId }, 'mixing the recording failed');
  }
  return result;
}

export { manifestName };
