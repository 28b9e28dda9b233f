import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, readlinkSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Meeting } from '@giaoban/sfu/meeting';
import type { Recorders } from '@giaoban/sfu/recording/recorders';
import { largestGapMs, sendPattern } from '@giaoban/sfu/recording/testing/audioProbe';
import type { WorkerPool } from '@giaoban/sfu/workerPool';

/** What one recorded phase of bench:recording measured (CPU in % of one core). */
export interface RecordedPhase {
  /** Workers' and Node's CPU over the steady part (from 1 s after the last first audio to the end). */
  workerPct: number;
  nodePct: number;
  /** The recorder processes from 1 s after their first audio to the end (an hour's steady cost). */
  recorderSteadyPct: number;
  /** CPU the recording's ffmpeg processes spent before that: their start-up, paid once. */
  recorderOnceS: number;
  rssMb: number[];
  /** The mix's CPU at the stop; split into a fixed part (ffmpeg and ffprobe starting) and per second of recording. */
  mixCpuS: number;
  mixFixedS: number;
  mixPerSecondS: number;
  stopS: number;
  recordedS: number;
  firstAudioMs: number[];
  /** Each track's first RTP packet to its recorder, ms after the start (a silent unit's comes with its comfort noise). */
  offsetsMs: number[];
  startCallMs: number;
  /** Each file: bytes, and bytes per hour of the recording. */
  files: { file: string; bytes: number; mbPerHour: number }[];
  mbPerHour: number;
  gapsMs: number[];
  /** How the first track's sender spoke (frame, packets/s talking and silent). */
  pattern: Awaited<ReturnType<typeof sendPattern>> | null;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** USER_HZ: /proc times are in these ticks per second. */
const TICK = 100;

/** utime+stime and children's (reaped) of a process, in ms (/proc/<pid>/stat). */
export function procCpuMs(pid: number | 'self'): { own: number; children: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const n = (i: number) => Number(f[i - 3]);
  return { own: ((n(14) + n(15)) * 1000) / TICK, children: ((n(16) + n(17)) * 1000) / TICK };
}
const rssKb = (pid: number) =>
  Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);

export async function workersCpuMs(pool: WorkerPool): Promise<number> {
  let total = 0;
  for (const w of pool.workers) {
    const u = await w.worker.getResourceUsage();
    total += u.ru_utime + u.ru_stime;
  }
  return total;
}

/** The processes writing into `dir`: a recorder has its `.part` open (warm spares have not). */
function writersInto(dir: string): number[] {
  const out: number[] = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const fds = readdirSync(`/proc/${d}/fd`);
      if (fds.some((fd) => safeLink(`/proc/${d}/fd/${fd}`).startsWith(dir))) out.push(Number(d));
    } catch {
      // gone meanwhile, or not ours to read
    }
  }
  return out;
}
function safeLink(p: string): string {
  try {
    return readlinkSync(p);
  } catch {
    return '';
  }
}

export const sample = async (pool: WorkerPool) => ({
  at: performance.now(),
  workers: await workersCpuMs(pool),
  self: procCpuMs('self'),
});

/** Records the meeting for `seconds` with `recorders`, stops (mix included) and measures. */
export async function recordPhase(o: {
  pool: WorkerPool;
  meeting: Meeting;
  recorders: Recorders;
  recordingId: string;
  seconds: number;
  frameMs: number;
}): Promise<RecordedPhase> {
  const dir = path.join(o.recorders.settings.root, o.recordingId);
  const startedAt = Date.now();
  const status = await o.recorders.start(o.meeting, {
    recordingId: o.recordingId,
    startedAt,
    segment: 0,
  });
  const startCallMs = Date.now() - startedAt;
  // First written audio: every track's file grows past its Ogg Opus header pages.
  const firstAudioMs: number[] = [];
  const pending = new Set(status.tracks.map((t) => t.file.replace(/\.ogg$/, '.part')));
  while (pending.size > 0 && Date.now() - startedAt < 10_000) {
    for (const f of [...pending]) {
      let size = 0;
      try {
        size = statSync(path.join(dir, f)).size;
      } catch {
        // not opened yet
      }
      if (size > 200) {
        firstAudioMs.push(Date.now() - startedAt);
        pending.delete(f);
      }
    }
    await sleep(5);
  }
  const pids = writersInto(dir);
  const ffCpu = () => pids.map((p) => procCpuMs(p).own).reduce((x, y) => x + y, 0);
  await sleep(1_000);
  const steadyFrom = { at: Date.now(), cpu: ffCpu() };
  const b0 = await sample(o.pool);
  await sleep(Math.max(0, startedAt + o.seconds * 500 - Date.now()));
  const rssMb = pids.map((p) => rssKb(p) / 1024);
  await sleep(Math.max(0, startedAt + o.seconds * 1000 - Date.now()));
  const b1 = await sample(o.pool);
  const recordedS = (Date.now() - startedAt) / 1000;
  const ffEnd = ffCpu();
  const recorderSteadyPct = (ffEnd - steadyFrom.cpu) / 10 / ((Date.now() - steadyFrom.at) / 1000);
  const children0 = procCpuMs('self').children;
  const stopAt = performance.now();
  const result = await o.recorders.stop(o.meeting.id, o.recordingId);
  const stopS = (performance.now() - stopAt) / 1000;
  // Children reaped during the stop: the recorders (after SIGINT: ffEnd plus their trailer), the mix, ffprobe.
  const mixCpuS = Math.max(0, procCpuMs('self').children - children0 - ffEnd) / 1000;
  // What does not grow with the recording's length: ffmpeg and ffprobe starting (a 60 ms
  // mix of nothing, then a probe), as the mix at the stop starts them.
  const c1 = procCpuMs('self').children;
  const { ffmpeg, ffprobe } = o.recorders.settings.tools;
  spawnSync(ffmpeg, [
    '-v',
    'error',
    '-f',
    'lavfi',
    '-t',
    '0.06',
    '-i',
    'anullsrc=r=16000:cl=mono',
    '-c:a',
    'libopus',
    '-f',
    'ogg',
    '-y',
    path.join(dir, 'startup.ogg'),
  ]);
  spawnSync(ffprobe, [
    '-v',
    'error',
    '-show_entries',
    'format=duration',
    path.join(dir, 'startup.ogg'),
  ]);
  const mixFixedS = Math.max(0, procCpuMs('self').children - c1) / 1000;
  const mixPerSecondS = Math.max(0, mixCpuS - mixFixedS) / recordedS;
  const wall = (b1.at - b0.at) / 1000;
  const perHour = (bytes: number) => ((bytes / recordedS) * 3600) / 1e6;
  const files = [
    ...result.tracks.map((t) => ({ file: t.file, bytes: t.bytes })),
    ...(result.mix ? [{ file: result.mix.file, bytes: result.mix.bytes }] : []),
  ].map((f) => ({ ...f, mbPerHour: perHour(f.bytes) }));
  const gapsMs = await Promise.all(
    result.tracks.map((t) => largestGapMs(path.join(dir, t.file), o.frameMs).catch(() => -1)),
  );
  const first = result.tracks[0];
  return {
    workerPct: (b1.workers - b0.workers) / 10 / wall,
    nodePct: (b1.self.own - b0.self.own) / 10 / wall,
    recorderSteadyPct,
    recorderOnceS: steadyFrom.cpu / 1000,
    rssMb,
    mixCpuS,
    mixFixedS,
    mixPerSecondS,
    stopS,
    recordedS,
    firstAudioMs,
    offsetsMs: result.tracks.map((t) => t.offsetMs),
    startCallMs,
    files,
    mbPerHour: perHour(files.reduce((n, f) => n + f.bytes, 0)),
    gapsMs,
    pattern: first ? await sendPattern(path.join(dir, first.file)).catch(() => null) : null,
  };
}
