import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * What tests and the bench measure in recorded files, with Debian's ffmpeg
 * tools: duration, packet times (gaps), and the level of a tone (each unit
 * speaks its own frequency, so a track's level at its own frequency against
 * the other's says whose audio it carries).
 */

export async function durationS(file: string): Promise<number> {
  const { stdout } = await run('ffprobe', [
    '-v',
    'error',
    '-show_entries',
    'format=duration',
    '-of',
    'csv=p=0',
    file,
  ]);
  return Number.parseFloat(stdout.trim());
}

/** Codec name of the first audio stream (the file decodes as far as ffprobe is concerned). */
export async function codecOf(file: string): Promise<string> {
  const { stdout } = await run('ffprobe', [
    '-v',
    'error',
    '-select_streams',
    'a:0',
    '-show_entries',
    'stream=codec_name',
    '-of',
    'csv=p=0',
    file,
  ]);
  return stdout.trim();
}

/** Mean level (dB) of the decoded file, optionally only around one frequency (a narrow band-pass). */
export async function meanVolumeDb(file: string, freqHz?: number): Promise<number> {
  const filters = [
    ...(freqHz
      ? [`bandpass=f=${freqHz}:width_type=q:w=8`, `bandpass=f=${freqHz}:width_type=q:w=8`]
      : []),
    'volumedetect',
  ];
  const { stderr } = await run('ffmpeg', [
    '-hide_banner',
    '-nostats',
    '-i',
    file,
    '-af',
    filters.join(','),
    '-f',
    'null',
    '-',
  ]);
  const m = /mean_volume:\s*(-?[\d.]+|-inf) dB/.exec(stderr);
  if (!m) throw new Error(`no level for ${file}`);
  return m[1] === '-inf' ? Number.NEGATIVE_INFINITY : Number.parseFloat(m[1]!);
}

/** Presentation times (s) of the file's audio packets, in order. */
export async function packetTimes(file: string): Promise<number[]> {
  const { stdout } = await run(
    'ffprobe',
    [
      '-v',
      'error',
      '-select_streams',
      'a:0',
      '-show_entries',
      'packet=pts_time',
      '-of',
      'csv=p=0',
      file,
    ],
    { maxBuffer: 64 << 20 },
  );
  return stdout
    .split('\n')
    .map((l) => Number.parseFloat(l))
    .filter((x) => Number.isFinite(x));
}

/** The largest gap (ms) between consecutive packets beyond their own 20 ms. */
export async function largestGapMs(file: string): Promise<number> {
  const t = await packetTimes(file);
  let worst = 0;
  for (let i = 1; i < t.length; i++) worst = Math.max(worst, (t[i]! - t[i - 1]!) * 1000 - 20);
  return Math.round(worst);
}

/**
 * A WAV for Chromium's fake microphone (`--use-file-for-fake-audio-capture`):
 * a tone modulated at syllable rate, so that the browser's noise suppression
 * takes it for speech rather than a steady noise to remove.
 */
export async function writeToneWav(file: string, freqHz: number, seconds = 30): Promise<void> {
  await run('ffmpeg', [
    '-v',
    'error',
    '-y',
    '-f',
    'lavfi',
    '-i',
    `aevalsrc='0.6*sin(2*PI*${freqHz}*t)*(0.55+0.45*sin(2*PI*3*t))':s=48000:d=${seconds}`,
    '-ac',
    '1',
    '-c:a',
    'pcm_s16le',
    file,
  ]);
}

/**
 * A real Opus RTP sender (ffmpeg encoding a tone at `kbps`, 20 ms packets)
 * into a comedia PlainTransport: a synthetic speaker. Kill it to stop.
 */
export function opusSender(o: {
  port: number;
  ssrc: number;
  payloadType: number;
  freqHz: number;
  kbps?: number;
  /** Speaks only this share of each 6 s (turns between speakers); digital silence otherwise. */
  talk?: { from: number; to: number };
}): ChildProcess {
  const src = o.talk
    ? `aevalsrc='if(between(mod(t,6),${o.talk.from},${o.talk.to}),0.5*sin(2*PI*${o.freqHz}*t),0)':s=48000:c=mono`
    : `sine=frequency=${o.freqHz}:sample_rate=48000`;
  return spawn(
    'ffmpeg',
    [
      '-v',
      'error',
      '-re',
      '-f',
      'lavfi',
      '-i',
      src,
      '-c:a',
      'libopus',
      '-b:a',
      `${o.kbps ?? 24}k`,
      // A pure tone at plain VBR takes ~40 kbit/s for "24k": constrained keeps to the rate asked.
      '-vbr',
      'constrained',
      '-application',
      'voip',
      '-frame_duration',
      '20',
      '-payload_type',
      String(o.payloadType),
      '-ssrc',
      String(o.ssrc),
      '-f',
      'rtp',
      `rtp://127.0.0.1:${o.port}`,
    ],
    { stdio: 'ignore' },
  );
}
