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
  /** First level of the ladder is measured with this many rounds and an A/A control. */
  overheadReps: number;
}

export interface Quartiles {
  q1: number;
  median: number;
  q3: number;
  n: number;
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
    /** consumers ÷ worker CPU fraction, median over passing levels below 90 % CPU. */
    consumersPerCoreByCpu: { bare: number; orchestrated: number };
    overhead: {
      /** orchestrated/bare worker CPU, every pair of every passing level below 90 % CPU. */
      pooled: Quartiles;
      levels: number[];
      /** The first level, with the A/A control (bare vs a second bare) beside it. */
      atControlLevel: { consumers: number; orchestrated: Quartiles; control: Quartiles } | null;
      /** Worker + Node CPU ratio, median of those levels. */
      totalCpuRatio: number;
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
  let control: BareLoad | undefined = await BareLoad.create(opts.speakers, gen.port, 'control');
  for (const pid of [bare.workerPid, orchestrated.workerPid, control.workerPid])
    pin(pid, sfuCpu, opts.nice);
  const method = {
    control:
      'first level: a second bare load ("control") in rotation with both sides; control/bare = the noise floor of the ratio',
    overheadReps: opts.overheadReps,
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
      const first = levels.length === 0;
      const r = await measureLevel(
        { bare, orchestrated, ...(control ? { control } : {}) },
        gen,
        listeners,
        opts.speakers,
        first ? opts.overheadReps : opts.reps,
        opts.run,
      );
      if (control) {
        await control.close(); // only the first level carries the control
        control = undefined;
      }
      levels.push(r.level);
      samples.push(...r.samples.map((s) => ({ ...s, loadavg: loadNow() })));
      const { bare: b, orchestrated: o } = r.level;
      console.log(
        `  ${r.level.consumers} consumers: bare loss ${pct(b.loss, 2)} cpu ${pct(b.workerCpu)} | ` +
          `orch loss ${pct(o.loss, 2)} cpu ${pct(o.workerCpu)} | ratio ${r.level.workerCpuRatio.toFixed(3)}` +
          (r.level.controlCpuRatio
            ? ` | A/A control ratio ${r.level.controlCpuRatio.toFixed(3)}`
            : ''),
      );
      if (!b.ok && !o.ok) break;
    }
  } finally {
    await bare.close();
    await orchestrated.close();
    await control?.close();
    gen.close();
    pin(process.pid, `0-${os.cpus().length - 1}`, 0);
  }
  return { method, levels, samples, summary: summarize(levels, opts) };
}

/** Below this worker CPU the CPU is a valid measure of cost (at saturation it is capped). */
const UNSATURATED = 0.9;

const quartiles = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const q = (p: number) => s[Math.min(s.length - 1, Math.floor(p * (s.length - 1) + 0.5))] ?? NaN;
  return { q1: q(0.25), median: median(s), q3: q(0.75), n: s.length };
};

function summarize(levels: LevelResult[], opts: CapacityOptions): CapacityReport['summary'] {
  // Highest passing level, not "before the first failure": on a shared machine a
  // level below can fail on a transient stall; the table shows every level.
  const maxOk = (side: 'bare' | 'orchestrated') => {
    let best: number | null = null;
    for (const l of levels) if (l[side].ok) best = l.consumers;
    return best;
  };
  const last = levels.at(-1);
  const top = opts.ladder.at(-1)! * opts.speakers;
  const bothOk = levels.filter((l) => l.bare.ok && l.orchestrated.ok);
  const atMax = bothOk.at(-1);
  const calm = bothOk.filter(
    (l) => l.bare.workerCpu < UNSATURATED && l.orchestrated.workerCpu < UNSATURATED,
  );
  const byCpu = (side: 'bare' | 'orchestrated') =>
    median(calm.map((l) => l.consumers / l[side].workerCpu));
  const first = levels[0];
  return {
    maxConsumersPerCore: {
      bare: maxOk('bare'),
      orchestrated: maxOk('orchestrated'),
      ladderTopPassed: !!last && last.consumers === top && last.bare.ok && last.orchestrated.ok,
    },
    consumersPerCoreByCpu: { bare: byCpu('bare'), orchestrated: byCpu('orchestrated') },
    ppsOutPerCore: atMax
      ? {
          bare: atMax.bare.ppsPerCore,
          orchestrated: atMax.orchestrated.ppsPerCore,
          atConsumers: atMax.consumers,
        }
      : null,
    overhead:
      calm.length > 0
        ? {
            pooled: quartiles(calm.flatMap((l) => l.pairedRatios)),
            levels: calm.map((l) => l.consumers),
            atControlLevel:
              first?.controlRatios && first.bare.ok && first.orchestrated.ok
                ? {
                    consumers: first.consumers,
                    orchestrated: quartiles(first.pairedRatios),
                    control: quartiles(first.controlRatios),
                  }
                : null,
            totalCpuRatio: median(calm.map((l) => l.totalCpuRatio)),
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
    for (const side of ['bare', 'orchestrated', 'control'] as const) {
      const s = l[side];
      if (!s) continue;
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
        side === 'orchestrated'
          ? l.workerCpuRatio.toFixed(3)
          : side === 'control'
            ? (l.controlCpuRatio ?? NaN).toFixed(3)
            : '',
      ]);
    }
  }
  return table(rows);
}
