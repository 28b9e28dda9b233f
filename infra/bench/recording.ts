import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createSocket } from 'node:dgram';
import os from 'node:os';
import path from 'node:path';
import type { types as ms } from 'mediasoup';
import { createLogger } from '@giaoban/common/logger';
import { loadSfuConfig } from '@giaoban/sfu/config';
import { Meeting } from '@giaoban/sfu/meeting';
import { Recorders } from '@giaoban/sfu/recording/recorders';
import { largestGapMs, opusSender } from '@giaoban/sfu/recording/testing/audioProbe';
import { OPUS_PT, opusRtpParameters, plainPort } from '@giaoban/sfu/testing/rtp';
import { WorkerPool } from '@giaoban/sfu/workerPool';
import { runBench, writeBenchResult } from './benchResult';

/**
 * bench:recording — what recording one meeting costs: 3 speakers (ffmpeg
 * encoding speech-like turns to Opus RTP at 24 kbit/s, 20 ms packets) and 167
 * listeners consuming them (170 endpoints, PlainTransports, like bench:sfu),
 * measured for BENCH_SECONDS without recording, then as long with it (same
 * run, same load): worker CPU (getResourceUsage), the recorder processes'
 * CPU and memory (/proc), Node's own CPU, the mix at the end (CPU of
 * children reaped), bytes written, start → first written audio, gaps.
 */

const SECONDS = Number(process.env.BENCH_SECONDS ?? 60);
const SPEAKERS = 3;
const ENDPOINTS = 170;
const KBPS = Number(process.env.BENCH_OPUS_KBPS ?? 24);
const log = createLogger('bench-recording', 'warn');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** USER_HZ: /proc times are in these ticks per second. */
const TICK = 100;

/** utime+stime and children's (reaped) of a process, in ms (/proc/<pid>/stat). */
function procCpuMs(pid: number | 'self'): { own: number; children: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const n = (i: number) => Number(f[i - 3]);
  return { own: ((n(14) + n(15)) * 1000) / TICK, children: ((n(16) + n(17)) * 1000) / TICK };
}
const rssKb = (pid: number) =>
  Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);

async function workersCpuMs(pool: WorkerPool): Promise<number> {
  let total = 0;
  for (const w of pool.workers) {
    const u = await w.worker.getResourceUsage();
    total += u.ru_utime + u.ru_stime;
  }
  return total;
}

/** Recorder pids: children of this process running ffmpeg on an SDP from stdin (warm idle ones too). */
function recorderPids(): number[] {
  const out: number[] = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const cmd = readFileSync(`/proc/${d}/cmdline`, 'utf8');
      const ppid = Number(/PPid:\s+(\d+)/.exec(readFileSync(`/proc/${d}/status`, 'utf8'))?.[1]);
      if (ppid === process.pid && cmd.includes('ffmpeg') && cmd.includes('pipe:0'))
        out.push(Number(d));
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

async function main(): Promise<void> {
  const root = mkdtempSync(path.join(os.tmpdir(), 'gb-bench-rec-'));
  const pool = await WorkerPool.create(
    loadSfuConfig({ SFU_WORKERS: '2', RTC_PORT: '0', RTC_LISTEN_IP: '127.0.0.1' }),
    log,
  );
  const meeting = await Meeting.create({
    id: 'bench-recording',
    workers: () => pool.workers,
    consumerBudget: 500,
    log,
  });
  const sink = createSocket('udp4');
  await new Promise<void>((r) => sink.bind(0, '127.0.0.1', r));
  sink.on('message', () => undefined);
  const senders: ChildProcess[] = [];
  const producerIds: string[] = [];
  for (let i = 0; i < SPEAKERS; i++) {
    const id = `speaker-${i}`;
    const e = await meeting.addEndpoint({ id, unitId: `unit-${i}`, transport: { type: 'plain' } });
    const p = await meeting.produce(id, {
      kind: 'audio',
      rtpParameters: opusRtpParameters(9000 + i),
      source: 'mic',
    });
    producerIds.push(p.id);
    // Turns: speaker i talks 2 s of every 6 s, digital silence (tiny Opus frames) otherwise.
    senders.push(
      opusSender({
        port: plainPort(e.sendTransport),
        ssrc: 9000 + i,
        payloadType: OPUS_PT,
        freqHz: 300 + 150 * i,
        kbps: KBPS,
        talk: { from: 2 * i, to: 2 * i + 2 },
      }),
    );
  }
  for (let i = SPEAKERS; i < ENDPOINTS; i++) {
    const id = `listener-${i}`;
    const e = await meeting.addEndpoint({ id, unitId: `unit-${i}`, transport: { type: 'plain' } });
    await (e.recvTransport as ms.PlainTransport).connect({
      ip: '127.0.0.1',
      port: sink.address().port,
    });
    for (const producerId of producerIds) {
      const c = await meeting.consume(id, producerId, meeting.rtpCapabilities);
      await e.consumer(c.id).resume();
    }
  }
  // The node's recorder processes are started ahead (RECORDER_WARM), as the server does.
  const recorders = new Recorders(
    { root, tools: { ffmpeg: 'ffmpeg', ffprobe: 'ffprobe' }, minFreeBytes: 0, warm: SPEAKERS },
    log,
    () => undefined,
  );
  recorders.warmUp();
  await sleep(2_000);

  const sample = async () => ({
    at: performance.now(),
    workers: await workersCpuMs(pool),
    self: procCpuMs('self'),
  });

  // A: the meeting without recording.
  const a0 = await sample();
  await sleep(SECONDS * 1000);
  const a1 = await sample();

  // B: the same meeting recorded.
  const b0 = await sample();
  const startedAt = Date.now();
  const status = await recorders.start(meeting, { recordingId: 'bench', startedAt, segment: 0 });
  const startCallMs = Date.now() - startedAt;
  // First written audio: every track's file grows past its Ogg Opus header pages.
  const headerBytes = 200;
  const firstAudio: number[] = [];
  const pending = new Set(status.tracks.map((t) => t.file.replace(/\.ogg$/, '.part')));
  while (pending.size > 0 && Date.now() - startedAt < 10_000) {
    for (const f of [...pending]) {
      const size = (() => {
        try {
          return statSync(path.join(root, 'bench', f)).size;
        } catch {
          return 0;
        }
      })();
      if (size > headerBytes) {
        firstAudio.push(Date.now() - startedAt);
        pending.delete(f);
      }
    }
    await sleep(5);
  }
  // Recorder CPU from here on is the steady cost; what they spent before (their
  // start-up as warm spares, and the spares started to replace them) is paid once.
  const pids = recorderPids();
  const ffCpu = () => pids.map((p) => procCpuMs(p).own).reduce((x, y) => x + y, 0);
  await sleep(1_000);
  const steadyFrom = { at: Date.now(), cpu: ffCpu() };
  await sleep(Math.max(0, startedAt + SECONDS * 500 - Date.now()));
  const rss = pids.map(rssKb);
  await sleep(Math.max(0, startedAt + SECONDS * 1000 - Date.now()));
  const b1 = await sample();
  const recordedS = (Date.now() - startedAt) / 1000;
  const ffCpuRecording = ffCpu();
  const steadyPct = (ffCpuRecording - steadyFrom.cpu) / 10 / ((Date.now() - steadyFrom.at) / 1000);
  const onceCpuS = steadyFrom.cpu / 1000;
  const stopAt = performance.now();
  const result = await recorders.stop('bench-recording', 'bench');
  const stopMs = performance.now() - stopAt;
  const b2 = await sample();
  // Children reaped during B: the recorders (after SIGINT) and the mix.
  const childrenMs = b2.self.children - b0.self.children;
  const mixCpuMs = Math.max(0, childrenMs - ffCpuRecording);

  const wallA = (a1.at - a0.at) / 1000;
  const wallB = (b1.at - b0.at) / 1000;
  const workerPctA = (a1.workers - a0.workers) / 10 / wallA;
  const workerPctB = (b1.workers - b0.workers) / 10 / wallB;
  const nodePctA = (a1.self.own - a0.self.own) / 10 / wallA;
  const nodePctB = (b1.self.own - b0.self.own) / 10 / wallB;
  const recorderPct = ffCpuRecording / 10 / recordedS;
  const mixPct = mixCpuMs / 10 / recordedS;
  const extraPct = workerPctB - workerPctA + (nodePctB - nodePctA) + recorderPct + mixPct;
  // An hour's meeting: the steady costs, plus the start-up paid once over the hour.
  const hourPct =
    workerPctB - workerPctA + (nodePctB - nodePctA) + steadyPct + mixPct + onceCpuS / 36;
  const bytes = result.tracks.reduce((n, t) => n + t.bytes, 0) + (result.mix?.bytes ?? 0);
  const mbPerHour = ((bytes / recordedS) * 3600) / 1e6;
  const gaps = await Promise.all(
    result.tracks.map((t) => largestGapMs(path.join(root, 'bench', t.file)).catch(() => -1)),
  );

  const rows: [string, string, string][] = [
    ['worker CPU, meeting alone', `${workerPctA.toFixed(2)} %`, ''],
    [
      'worker CPU, meeting recorded',
      `${workerPctB.toFixed(2)} %`,
      `+${(workerPctB - workerPctA).toFixed(2)} %`,
    ],
    ['Node CPU (alone → recorded)', `${nodePctA.toFixed(2)} → ${nodePctB.toFixed(2)} %`, ''],
    [
      'recorder processes (ffmpeg copy, 3)',
      `${steadyPct.toFixed(2)} % steady`,
      `+ ${onceCpuS.toFixed(2)} s CPU once (start-up of warm spares); ${recorderPct.toFixed(2)} % over this run`,
    ],
    [
      'mix at stop (decode 3 + Opus 12k)',
      `${mixPct.toFixed(2)} % of the recording's time`,
      `${(mixCpuMs / 1000).toFixed(2)} s CPU, stop took ${(stopMs / 1000).toFixed(2)} s`,
    ],
    ['recording, all costs, this run', `${extraPct.toFixed(2)} % of one core`, ''],
    ['recording, all costs, a 1 h meeting', `${hourPct.toFixed(2)} % of one core`, 'goal ≤ 3 %'],
    [
      'recorder memory (RSS, 3 ffmpeg)',
      `${(rss.reduce((x, y) => x + y, 0) / 1024).toFixed(1)} MB`,
      `${rss.map((k) => (k / 1024).toFixed(1)).join(' / ')} MB each`,
    ],
    ['bytes per hour (3 tracks + mix)', `${mbPerHour.toFixed(1)} MB`, 'goal ≤ 20 MB'],
    [
      'start → first written audio',
      `${(Math.max(...firstAudio) / 1000).toFixed(2)} s (last of 3)`,
      `start call ${startCallMs} ms; goal ≤ 1 s`,
    ],
    ['largest gap in a track', `${Math.max(...gaps)} ms`, 'goal ≤ 200 ms'],
  ];
  console.log(
    `\nbench:recording — ${SPEAKERS} speakers, ${ENDPOINTS} endpoints, ${SECONDS} s each phase, Opus ${KBPS} kbit/s, load ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}\n`,
  );
  for (const [k, v, note] of rows) console.log(`${k.padEnd(40)} ${v.padEnd(34)} ${note}`);
  const file = writeBenchResult('recording', {
    speakers: SPEAKERS,
    endpoints: ENDPOINTS,
    seconds: SECONDS,
    opusKbps: KBPS,
    workerCpuPct: { alone: workerPctA, recorded: workerPctB },
    nodeCpuPct: { alone: nodePctA, recorded: nodePctB },
    recorderCpuPct: recorderPct,
    recorderSteadyCpuPct: steadyPct,
    recorderOnceCpuS: onceCpuS,
    hourCpuPctOfOneCore: hourPct,
    mixCpuPct: mixPct,
    mixCpuS: mixCpuMs / 1000,
    stopS: stopMs / 1000,
    totalCpuPctOfOneCore: extraPct,
    recorderRssMb: rss.map((k) => k / 1024),
    bytes,
    mbPerHour,
    firstAudioMs: firstAudio,
    startCallMs,
    largestGapMs: gaps,
    tracks: result.tracks,
    mix: result.mix,
  });
  console.log(`\n→ ${file}`);
  for (const s of senders) s.kill('SIGKILL');
  await recorders.close();
  meeting.close();
  pool.close();
  sink.close();
  rmSync(root, { recursive: true, force: true });
}

runBench(main);
