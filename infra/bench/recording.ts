import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createSocket } from 'node:dgram';
import os from 'node:os';
import path from 'node:path';
import type { types as ms } from 'mediasoup';
import { createLogger } from '@giaoban/common/logger';
import { loadSfuConfig } from '@giaoban/sfu/config';
import { Meeting } from '@giaoban/sfu/meeting';
import { Recorders } from '@giaoban/sfu/recording/recorders';
import {
  previousEncoding,
  recordingEncoding,
  type RecordingEncoding,
} from '@giaoban/sfu/recording/recordingEncoding';
import { ffmpegOpusSender, opusSender } from '@giaoban/sfu/recording/testing/audioProbe';
import { OPUS_PT, opusRtpParameters, plainPort } from '@giaoban/sfu/testing/rtp';
import { WorkerPool } from '@giaoban/sfu/workerPool';
import { runBench, writeBenchResult } from './benchResult';
import { recordPhase, sample, type RecordedPhase } from './recording/phase';

/**
 * bench:recording — what recording one meeting costs: 3 speakers taking
 * turns (2 s of every 6 s each) and 167 listeners consuming them (170
 * endpoints, PlainTransports, like bench:sfu). The speakers send what a
 * GiaoBan browser sends (browserSpeaker.ts: libopus with DTX, 60 ms frames,
 * wideband, at BENCH_OPUS_KBPS; BENCH_SPEAKERS=ffmpeg20 for the earlier
 * ffmpeg speakers: 20 ms, no DTX). In one run, at one load: BENCH_SECONDS
 * without recording, then as long recorded with the previous encoding
 * (`previousEncoding`), then as long with the current one
 * (`recordingEncoding`): worker CPU (getResourceUsage), the recorder
 * processes' CPU and memory (/proc), Node's own CPU, the mix at the stop,
 * each file's bytes per hour, start → first written audio, gaps.
 */

const SECONDS = Number(process.env.BENCH_SECONDS ?? 60);
const SPEAKERS = 3;
const ENDPOINTS = 170;
const KBPS = Number(process.env.BENCH_OPUS_KBPS ?? 24);
const SPEAKER_KIND = process.env.BENCH_SPEAKERS === 'ffmpeg20' ? 'ffmpeg20' : 'browser';
const FRAME_MS = SPEAKER_KIND === 'browser' ? 60 : 20;
const log = createLogger('bench-recording', 'warn');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

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
    // Turns: speaker i talks 2 s of every 6 s, a silent microphone otherwise.
    const sender = SPEAKER_KIND === 'browser' ? opusSender : ffmpegOpusSender;
    senders.push(
      sender({
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
  // Each encoding's recorders, their processes started ahead (RECORDER_WARM), as a node does.
  const recordersFor = (encoding: RecordingEncoding) => {
    const r = new Recorders(
      {
        root: mkdtempSync(path.join(root, 'r-')),
        tools: { ffmpeg: 'ffmpeg', ffprobe: 'ffprobe' },
        minFreeBytes: 0,
        warm: SPEAKERS,
        encoding,
      },
      log,
      () => undefined,
    );
    r.warmUp();
    return r;
  };
  const before = recordersFor(previousEncoding);
  const after = recordersFor(recordingEncoding);
  await sleep(3_000);

  // A: the meeting without recording.
  const a0 = await sample(pool);
  await sleep(SECONDS * 1000);
  const a1 = await sample(pool);
  const wallA = (a1.at - a0.at) / 1000;
  const alone = {
    workerPct: (a1.workers - a0.workers) / 10 / wallA,
    nodePct: (a1.self.own - a0.self.own) / 10 / wallA,
  };
  const phase = (recorders: Recorders, recordingId: string) =>
    recordPhase({
      pool,
      meeting,
      recorders,
      recordingId,
      seconds: SECONDS,
      frameMs: FRAME_MS,
    });
  // B: recorded the previous way; C: recorded the current way (same meeting, same load).
  const b = await phase(before, 'before');
  const c = await phase(after, 'after');

  const costs = (p: RecordedPhase) => {
    const worker = p.workerPct - alone.workerPct;
    const node = p.nodePct - alone.nodePct;
    const mixPct = (p.mixCpuS * 100) / p.recordedS;
    // An hour's meeting: the steady costs, the mix per second of recording, what is paid once
    // (recorders starting, the mix's processes starting) spread over the hour.
    const mixHourPct = p.mixPerSecondS * 100 + p.mixFixedS / 36;
    // A recording cannot save CPU: a negative difference against phase A is noise, counted as 0.
    const hourPct =
      Math.max(0, worker) +
      Math.max(0, node) +
      p.recorderSteadyPct +
      mixHourPct +
      p.recorderOnceS / 36;
    return { worker, node, mixPct, mixHourPct, hourPct };
  };
  const cb = costs(b);
  const cc = costs(c);
  const pct = (x: number) => `${x >= 0 ? '+' : ''}${x.toFixed(2)} %`;
  const rows: [string, string, string, string][] = [
    ['worker CPU, meeting alone', `${alone.workerPct.toFixed(2)} %`, '', ''],
    ['worker CPU added by the recording', pct(cb.worker), pct(cc.worker), ''],
    ['Node CPU added', pct(cb.node), pct(cc.node), ''],
    [
      `recorder processes (${SPEAKERS} ffmpeg copy), steady`,
      `${b.recorderSteadyPct.toFixed(2)} %`,
      `${c.recorderSteadyPct.toFixed(2)} %`,
      '',
    ],
    [
      'recorder start-up, once (CPU s)',
      b.recorderOnceS.toFixed(2),
      c.recorderOnceS.toFixed(2),
      '÷ 3600 s in an hour',
    ],
    [
      'mix at stop, this run (% of its time)',
      `${cb.mixPct.toFixed(2)} %`,
      `${cc.mixPct.toFixed(2)} %`,
      `${b.mixCpuS.toFixed(2)} / ${c.mixCpuS.toFixed(2)} s CPU; stop ${b.stopS.toFixed(2)} / ${c.stopS.toFixed(2)} s`,
    ],
    [
      '  of which fixed (CPU s)',
      b.mixFixedS.toFixed(2),
      c.mixFixedS.toFixed(2),
      'ffmpeg + ffprobe starting',
    ],
    [
      'mix, a 1 h meeting',
      `${cb.mixHourPct.toFixed(2)} %`,
      `${cc.mixHourPct.toFixed(2)} %`,
      'per second of recording + fixed ÷ 3600',
    ],
    [
      'recording, all costs, a 1 h meeting',
      `${cb.hourPct.toFixed(2)} %`,
      `${cc.hourPct.toFixed(2)} %`,
      'goal ≤ 3 %',
    ],
    [
      `recorder memory (RSS, ${SPEAKERS} ffmpeg)`,
      `${b.rssMb.reduce((x, y) => x + y, 0).toFixed(1)} MB`,
      `${c.rssMb.reduce((x, y) => x + y, 0).toFixed(1)} MB`,
      '',
    ],
    ...c.files.map((f, i): [string, string, string, string] => [
      `  ${f.file} (MB per hour)`,
      (b.files[i]?.mbPerHour ?? 0).toFixed(2),
      f.mbPerHour.toFixed(2),
      '',
    ]),
    [
      'bytes per hour, all files',
      `${b.mbPerHour.toFixed(1)} MB`,
      `${c.mbPerHour.toFixed(1)} MB`,
      'goal ≤ 20 MB',
    ],
    [
      'start → first written audio, first of 3',
      `${(Math.min(...b.firstAudioMs) / 1000).toFixed(2)} s`,
      `${(Math.min(...c.firstAudioMs) / 1000).toFixed(2)} s`,
      `start call ${b.startCallMs} / ${c.startCallMs} ms; goal ≤ 1 s`,
    ],
    [
      '  last of 3 (silent units: DTX)',
      `${(Math.max(...b.firstAudioMs) / 1000).toFixed(2)} s`,
      `${(Math.max(...c.firstAudioMs) / 1000).toFixed(2)} s`,
      'a page is written once the next one is full',
    ],
    [
      'start → first packet at the recorder',
      `${(Math.max(...b.offsetsMs) / 1000).toFixed(2)} s`,
      `${(Math.max(...c.offsetsMs) / 1000).toFixed(2)} s`,
      `last of 3 (the track's offset)`,
    ],
    [
      'largest gap in a track (not DTX)',
      `${Math.max(...b.gapsMs)} ms`,
      `${Math.max(...c.gapsMs)} ms`,
      'goal ≤ 200 ms',
    ],
  ];
  const p = c.pattern;
  console.log(
    `\nbench:recording — ${SPEAKERS} speakers (${SPEAKER_KIND}, Opus ${KBPS} kbit/s), ${ENDPOINTS} endpoints, ${SECONDS} s each phase, load ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  if (p)
    console.log(
      `speaker as recorded: ${p.frameMs} ms frames; talking ${p.talkPacketsPerS.toFixed(1)} packets/s of ${p.talkBytesPerPacket.toFixed(0)} B; silent ${p.silentPacketsPerS.toFixed(1)} packets/s of ${p.silentBytesPerPacket.toFixed(0)} B; ${(p.dtxShare * 100).toFixed(0)} % of the time sent nothing (DTX)\n`,
    );
  console.log(`${'measurement'.padEnd(42)} ${'before'.padEnd(12)} ${'after'.padEnd(12)}`);
  for (const [k, v1, v2, note] of rows)
    console.log(`${k.padEnd(42)} ${v1.padEnd(12)} ${v2.padEnd(12)} ${note}`);
  const file = writeBenchResult('recording', {
    speakers: SPEAKERS,
    speakerKind: SPEAKER_KIND,
    endpoints: ENDPOINTS,
    seconds: SECONDS,
    opusKbps: KBPS,
    alone,
    before: { encoding: previousEncoding, ...b, ...cb },
    after: { encoding: recordingEncoding, ...c, ...cc },
  });
  console.log(`\n→ ${file}`);
  for (const s of senders) s.kill('SIGKILL');
  await before.close();
  await after.close();
  meeting.close();
  pool.close();
  sink.close();
  rmSync(root, { recursive: true, force: true });
}

runBench(main);
