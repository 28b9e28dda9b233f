import os from 'node:os';
import { BareLoad } from './bareLoad';
import { MAX_LOSS, measureLevel, median, type LevelResult, type Sample } from './capacity';
import { affinity, loadNow, niceOf, pin } from './conditions';
import { GenSink, compileGenSink, type RunOptions } from './genSink';
import { MeetingLoad } from './meetingLoad';
import { SRTP_SUITE } from './loadShape';
import { num, pct, table } from './table';

export interface CapacityOptions {
  speakers: number;
  /** Listener counts to ramp through (consumers = listeners × speakers). */
  ladder: number[];
  reps: number;
  run: RunOptions;
  /** Stop the ramp when this much time has gone (bounded run). */
  budgetMs: number;
  /** Nice value for the workers, this process and the gensink (shared machine). */
  nice: number;
}

export interface CapacityReport {
  method: Record<string, unknown>;
  levels: LevelResult[];
  samples: Sample[];
  summary: {
    maxConsumersPerCore: {
      bare: number | null;
      orchestrated: number | null;
      ladderTopPassed: boolean;
    };
    ppsOutPerCore: { bare: number; orchestrated: number; atConsumers: number } | null;
    overhead: {
      workerCpuRatio: number;
      totalCpuRatio: number;
      levels: number[];
    } | null;
  };
}

/**
 * Part 1: audio consumers per worker core. Both sides live at once, each on its
 * own worker pinned to CPU 0 (with this Node process); the C generator + sink is
 * pinned to the last CPU. Only one side is fed at a time.
 */
export async function runCapacity(opts: CapacityOptions): Promise<CapacityReport> {
  const started = Date.now();
  const sfuCpu = '0';
  const genCpu = os.cpus().length - 1;
  pin(process.pid, sfuCpu, opts.nice); // workers spawned from here inherit it; pinned again below
  const { bin, cc } = compileGenSink();
  const gen = await GenSink.start(bin, genCpu);
  pin(gen.pid, String(genCpu), opts.nice);
  const bare = await BareLoad.create(opts.speakers, gen.port);
  const orchestrated = await MeetingLoad.create(opts.speakers, gen.port);
  for (const pid of [bare.workerPid, orchestrated.workerPid]) pin(pid, sfuCpu, opts.nice);
  const method = {
    speakers: opts.speakers,
    consumersPerListener: opts.speakers,
    transportsPerEndpoint: 2,
    packet: 'RTP 100 B (12 header + 8 audio-level extension + 80 payload), every 20 ms per speaker',
    srtp: `consumer transports SRTP ${SRTP_SUITE}; producer transports plain RTP`,
    generatorSink: `one C process (${cc}), one thread: pacing generator (one socket, one SSRC per speaker) + sink (one socket)`,
    sinkMode: 'spin (recvmmsg MSG_DONTWAIT, never sleeps)',
    pinning: {
      workersAndNode: affinity(bare.workerPid),
      orchestratedWorker: affinity(orchestrated.workerPid),
      node: affinity(process.pid),
      generatorSink: affinity(gen.pid),
    },
    nice: {
      workers: [niceOf(bare.workerPid), niceOf(orchestrated.workerPid)],
      node: niceOf(process.pid),
      generatorSink: niceOf(gen.pid),
    },
    cpu: 'worker.getResourceUsage() ru_utime+ru_stime delta over the window; Node: process.cpuUsage()',
    counting: `packets sent inside the window; delivered = arrived within ${opts.run.lateMs} ms of send time (later = lost)`,
    maxLoss: MAX_LOSS,
    ...opts.run,
    reps: opts.reps,
    order: 'A B, B A alternating per rep; medians; ratios paired within a rep',
  };
  console.log(
    `capacity: ${opts.speakers} speakers, listeners ${opts.ladder.join(',')}, ${opts.reps} reps`,
  );
  console.log(
    `pinning: SFU workers + Node on CPU ${sfuCpu}, gensink on CPU ${genCpu} (spinning sink)`,
  );
  const levels: LevelResult[] = [];
  const samples: Sample[] = [];
  try {
    for (const listeners of opts.ladder) {
      if (Date.now() - started > opts.budgetMs) {
        console.log(`time budget reached; ramp stops before ${listeners} listeners`);
        break;
      }
      const r = await measureLevel(
        { bare, orchestrated },
        gen,
        listeners,
        opts.speakers,
        opts.reps,
        opts.run,
      );
      levels.push(r.level);
      samples.push(...r.samples.map((s) => ({ ...s, loadavg: loadNow() })));
      const { bare: b, orchestrated: o } = r.level;
      console.log(
        `  ${r.level.consumers} consumers: bare loss ${pct(b.loss, 2)} cpu ${pct(b.workerCpu)} | ` +
          `orch loss ${pct(o.loss, 2)} cpu ${pct(o.workerCpu)} | ratio ${r.level.workerCpuRatio.toFixed(3)}`,
      );
      if (!b.ok && !o.ok) break;
    }
  } finally {
    await bare.close();
    await orchestrated.close();
    gen.close();
    pin(process.pid, `0-${os.cpus().length - 1}`, 0);
  }
  return { method, levels, samples, summary: summarize(levels, opts) };
}

function summarize(levels: LevelResult[], opts: CapacityOptions): CapacityReport['summary'] {
  const maxOk = (side: 'bare' | 'orchestrated') => {
    let best: number | null = null;
    for (const l of levels) {
      if (!l[side].ok) break;
      best = l.consumers;
    }
    return best;
  };
  const last = levels.at(-1);
  const top = opts.ladder.at(-1)! * opts.speakers;
  const bothOk = levels.filter((l) => l.bare.ok && l.orchestrated.ok);
  const atMax = bothOk.at(-1);
  return {
    maxConsumersPerCore: {
      bare: maxOk('bare'),
      orchestrated: maxOk('orchestrated'),
      ladderTopPassed: !!last && last.consumers === top && last.bare.ok && last.orchestrated.ok,
    },
    ppsOutPerCore: atMax
      ? {
          bare: atMax.bare.ppsPerCore,
          orchestrated: atMax.orchestrated.ppsPerCore,
          atConsumers: atMax.consumers,
        }
      : null,
    overhead:
      bothOk.length > 0
        ? {
            workerCpuRatio: median(bothOk.map((l) => l.workerCpuRatio)),
            totalCpuRatio: median(bothOk.map((l) => l.totalCpuRatio)),
            levels: bothOk.map((l) => l.consumers),
          }
        : null,
  };
}

export function capacityTable(r: CapacityReport): string {
  const rows: string[][] = [
    [
      'consumers',
      'transports',
      'side',
      'loss',
      'p99 ms',
      'worker CPU',
      'node CPU',
      'pkts/s out',
      'pkts/s/core',
      'CPU ratio',
    ],
  ];
  for (const l of r.levels) {
    for (const side of ['bare', 'orchestrated'] as const) {
      const s = l[side];
      rows.push([
        side === 'bare' ? num(l.consumers) : '',
        side === 'bare' ? num(l.transports) : '',
        side,
        pct(s.loss, 2) + (s.ok ? '' : ' ✗'),
        s.delayP99Ms.toFixed(1),
        pct(s.workerCpu),
        pct(s.nodeCpu),
        num(s.ppsOut),
        num(s.ppsPerCore),
        side === 'orchestrated' ? l.workerCpuRatio.toFixed(3) : '',
      ]);
    }
  }
  return table(rows);
}
