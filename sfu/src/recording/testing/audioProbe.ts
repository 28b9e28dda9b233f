import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { SpeakerOptions } from './browserSpeaker';

const run = promisify(execFile);
const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));

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

/** The file's audio packets in order: presentation time (s) and size (bytes). */
export async function packets(file: string): Promise<{ t: number; size: number }[]> {
  const { stdout } = await run(
    'ffprobe',
    [
      '-v',
      'error',
      '-select_streams',
      'a:0',
      '-show_entries',
      'packet=pts_time,size',
      '-of',
      'csv=p=0',
      file,
    ],
    { maxBuffer: 64 << 20 },
  );
  return stdout
    .split('\n')
    .map((l) => l.split(','))
    .map(([t, size]) => ({ t: Number.parseFloat(t ?? ''), size: Number.parseInt(size ?? '', 10) }))
    .filter((p) => Number.isFinite(p.t) && Number.isFinite(p.size));
}

/** Presentation times (s) of the file's audio packets, in order. */
export async function packetTimes(file: string): Promise<number[]> {
  return (await packets(file)).map((p) => p.t);
}

/**
 * Opus packets up to this size carry no speech: DTX frames (1 byte, the table
 * of contents alone), comfort noise and the quiet tail after speech (Chromium:
 * 21 bytes at 12 kbit/s, 60 ms; speech at 10 kbit/s is 75 bytes).
 */
export const SILENCE_MAX_BYTES = 40;

/**
 * The largest gap (ms) between consecutive packets beyond the first one's own
 * duration (`frameMs`), counting only gaps that follow speech. With DTX a
 * silent microphone sends almost nothing (Chromium: a packet every ~1.2 s),
 * and speech always ends with a tail of small frames before it, so a gap
 * after a speech packet is audio lost, and one after a small packet is
 * silence the sender chose (a loss inside silence is not heard either).
 */
export async function largestGapMs(file: string, frameMs = 20): Promise<number> {
  const p = await packets(file);
  let worst = 0;
  for (let i = 1; i < p.length; i++) {
    if (p[i - 1]!.size <= SILENCE_MAX_BYTES) continue;
    worst = Math.max(worst, (p[i]!.t - p[i - 1]!.t) * 1000 - frameMs);
  }
  return Math.round(worst);
}

/**
 * How a track's sender spoke, from its packets: the frame duration (the most
 * common step between packets), packets per second and mean bytes per packet
 * while it spoke (packets > SILENCE_MAX_BYTES) and while silent, and what DTX
 * left out (share of the time not covered by packets).
 */
export async function sendPattern(file: string): Promise<{
  frameMs: number;
  talkPacketsPerS: number;
  talkBytesPerPacket: number;
  silentPacketsPerS: number;
  silentBytesPerPacket: number;
  dtxShare: number;
}> {
  const p = await packets(file);
  const steps = new Map<number, number>();
  for (let i = 1; i < p.length; i++) {
    const ms = Math.round((p[i]!.t - p[i - 1]!.t) * 1000);
    steps.set(ms, (steps.get(ms) ?? 0) + 1);
  }
  const frameMs = [...steps].sort((a, b) => b[1] - a[1])[0]?.[0] ?? 0;
  const spanS = p.length > 1 ? p.at(-1)!.t - p[0]!.t + frameMs / 1000 : 0;
  const talk = p.filter((x) => x.size > SILENCE_MAX_BYTES);
  const silent = p.filter((x) => x.size <= SILENCE_MAX_BYTES);
  const talkS = (talk.length * frameMs) / 1000;
  const silentS = Math.max(1e-9, spanS - talkS);
  const mean = (xs: { size: number }[]) =>
    xs.length ? xs.reduce((n, x) => n + x.size, 0) / xs.length : 0;
  return {
    frameMs,
    talkPacketsPerS: talkS > 0 ? talk.length / talkS : 0,
    talkBytesPerPacket: mean(talk),
    silentPacketsPerS: silent.length / silentS,
    silentBytesPerPacket: mean(silent),
    dtxShare: spanS > 0 ? Math.max(0, 1 - (p.length * frameMs) / 1000 / spanS) : 0,
  };
}

/**
 * A WAV for Chromium's fake microphone (`--use-file-for-fake-audio-capture`):
 * a tone modulated at syllable rate, so that the browser's noise suppression
 * takes it for speech rather than a steady noise to remove.
 */
export function writeToneWav(file: string, freqHz: number, seconds = 30): Promise<void> {
  return lavfiWav(file, speechTone(freqHz), seconds);
}

/** The modulated tone of writeToneWav as an ffmpeg expression of t. */
const speechTone = (freqHz: number) => `0.6*sin(2*PI*${freqHz}*t)*(0.55+0.45*sin(2*PI*3*t))`;

/** A mono 48 kHz 16-bit WAV of an ffmpeg `aevalsrc` expression. */
async function lavfiWav(file: string, expr: string, seconds: number): Promise<void> {
  await run('ffmpeg', [
    '-v',
    'error',
    '-y',
    '-f',
    'lavfi',
    '-i',
    `aevalsrc='${expr}':s=48000:d=${seconds}`,
    '-ac',
    '1',
    '-c:a',
    'pcm_s16le',
    file,
  ]);
}

/**
 * A WAV for Chromium's fake microphone that speaks (the modulated tone of
 * writeToneWav) for [from, to) of every 6 s and is digitally silent otherwise:
 * the bench's speakers' turns, for comparing a browser's packets with theirs.
 */
export function writeTurnsWav(
  file: string,
  freqHz: number,
  talk: { from: number; to: number },
  seconds = 30,
): Promise<void> {
  return lavfiWav(
    file,
    `if(between(mod(t,6),${talk.from},${talk.to}-0.0001),${speechTone(freqHz)},0)`,
    seconds,
  );
}

/**
 * A synthetic speaker that sends what Chromium sends for a GiaoBan microphone
 * (browserSpeaker.ts: libopus with DTX, 60 ms frames, wideband, WebRTC's DTX
 * rule), in a process of its own. Kill it to stop.
 */
export function opusSender(o: SpeakerOptions): ChildProcess {
  const main = fileURLToPath(new URL('./browserSpeakerMain.ts', import.meta.url));
  return spawn(process.execPath, ['--import', 'tsx', main, JSON.stringify(o)], {
    cwd: repoRoot,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}

/**
 * The bench's speakers before issue 16's measurement was redone: ffmpeg
 * encoding to Opus RTP with 20 ms packets and no DTX (digital silence goes
 * out as 50 tiny frames a second). Not what a GiaoBan browser sends; kept to
 * compare with earlier figures (BENCH_SPEAKERS=ffmpeg20).
 */
export function ffmpegOpusSender(o: {
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
