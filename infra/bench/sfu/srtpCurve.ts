import { readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { types as ms } from 'mediasoup';
import { MAX_LOSS } from './capacity';
import { loadNow, pin } from './conditions';
import {
  growthRatio,
  prng,
  quartiles,
  saturatedGrowth,
  shuffle,
  type GrowthRatio,
  type Quartiles,
} from './curveStats';
import type { GenSink, RunOptions, SinkResult } from './genSink';
import { SrtpLoad } from './srtpLoad';
import { checkPerf, PerfWindow } from './srtpProfile';
import type { WorkerBins } from './workerBins';

export type Backend = 'openssl' | 'nss';

export interface CurveOptions {
  bins: WorkerBins;
  suite: ms.SrtpCryptoSuite;
  /** Producers per worker; each SRTP transport consumes one of them, round robin. */
  speakers: number;
  transports: number[];
  /** Packets/s out in all, the same at every point (the per-speaker interval follows N). */
  pps: number;
  rounds: number;
  run: RunOptions;
  backends: Backend[];
  seed: number;
  nice: number;
  budgetMs: number;
  /** perf's sampling rate for the SRTP cost by attribution (srtpProfile.ts); 0: not run. */
  perfHz: number;
  /**
   * Stop (SIGSTOP) the workers not being measured during each window, so their RTCP
   * (≈ 3,800 sender reports/s from 14,400 idle transports) does not run on the measured
   * worker's core; SIGCONT after it.
   */
  freezeIdle: boolean;
}

/** Workers stopped right now: resumed if the bench exits mid-window (else they stay stopped). */
const frozen = new Set<number>();
process.on('exit', () => {
  for (const pid of frozen) process.kill(pid, 'SIGCONT');
});

/** SIGSTOPs every worker but `measured`; the returned function resumes them. */
function freezeOthers(loads: Iterable<SrtpLoad>, measured: SrtpLoad): () => void {
  for (const l of loads)
    if (l !== measured) {
      frozen.add(l.workerPid);
      process.kill(l.workerPid, 'SIGSTOP');
    }
  return () => {
    for (const pid of frozen) process.kill(pid, 'SIGCONT');
    frozen.clear();
  };
}

/** One measurement window of one worker. */
export interface CurveSample {
  round: number;
  /** Position in the round's shuffled order. */
  slot: number;
  transports: number;
  backend: Backend;
  srtp: boolean;
  /** Worker CPU over the window, fraction of one core (sum of its threads' schedstat run time). */
  workerCpu: number;
  ppsOut: number;
  /** Worker CPU µs per packet delivered; NaN when the side lost > 0.5 % (saturated). */
  usPerPacket: number;
  loss: number;
  loadavg: number;
  sink: SinkResult;
  /** SRTP's share of the worker's perf samples in the window (srtpProfile.ts), when profiled. */
  perf?: { samples: number; srtpSamples: number; share: number };
  /** SRTP µs per packet by attribution: share × worker CPU ÷ packets (NaN when saturated). */
  srtpAttrUs?: number;
}

export interface CurvePoint {
  transports: number;
  pps: number;
  /** Worker µs per packet per side ('openssl-on' …) over the rounds, and its median loss. */
  sides: Record<string, Quartiles & { loss: number; saturatedRounds: number }>;
  /** SRTP µs per packet = on − off of the same worker binary, measured back to back. */
  srtpUs: Record<string, Quartiles>;
  srtpUsPairs: Record<string, number[]>;
  /** SRTP µs per packet by attribution (perf) on the SRTP-on worker, per round (NaN: none). */
  srtpAttrUs: Record<string, Quartiles>;
  srtpAttrRounds: Record<string, number[]>;
  /** SRTP's share of the SRTP-off worker's samples (should be ~0: the check of the attribution). */
  offShare: Record<string, Quartiles>;
}

export interface CurveResult {
  method: Record<string, unknown>;
  points: CurvePoint[];
  /** First → last point, per backend, goal ≤ 1.2: SRTP on − off of the same round. */
  growth: Record<string, GrowthRatio>;
  /** The same growth from the SRTP cost by attribution (perf), when profiled. */
  growthAttr: Record<string, GrowthRatio>;
  /** Why the attribution did not run, if it did not. */
  perfSkipped?: string;
  roundsDone: number;
  samples: CurveSample[];
}

/** CPU time in ns of every thread of `pid` (/proc/<pid>/task/<tid>/schedstat, first field). */
export function cpuNs(pid: number): number {
  let sum = 0;
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      sum += Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ')[0]);
    } catch {
      // thread exited between readdir and read
    }
  }
  return sum;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Waits (≤ 3 s) until a worker that may still drain a backlog is idle: < 2 % CPU over 100 ms. */
async function settle(pid: number): Promise<void> {
  for (let i = 0; i < 30; i++) {
    const a = cpuNs(pid);
    await sleep(100);
    if (cpuNs(pid) - a < 2e6) return;
  }
}

async function measure(
  load: SrtpLoad,
  gen: GenSink,
  run: RunOptions,
  profile: { hz: number; file: string; backend: Backend } | null,
) {
  let a: { t: number; ns: number } | undefined;
  let b: { t: number; ns: number } | undefined;
  const pid = load.workerPid;
  const perf = profile ? new PerfWindow(profile.file, profile.hz) : null;
  const sink = await gen.run(load.targets(), run, {
    windowStart: () => {
      perf?.start(pid);
      a = { t: performance.now(), ns: cpuNs(pid) };
    },
    windowEnd: () => {
      b = { t: performance.now(), ns: cpuNs(pid) };
      perf?.stop();
    },
  });
  if (!a || !b) throw new Error('gensink reported no window');
  const workerCpu = (b.ns - a.ns) / 1e6 / (b.t - a.t);
  const ppsOut = sink.delivered / (sink.windowMs / 1000);
  const usPerPacket = sink.loss > MAX_LOSS ? NaN : (workerCpu * 1e6) / Math.max(ppsOut, 1);
  const shares = perf && profile ? await perf.share(profile.backend) : undefined;
  await settle(pid);
  return {
    workerCpu,
    ppsOut,
    usPerPacket,
    loss: sink.loss,
    sink,
    ...(shares && { perf: shares, srtpAttrUs: shares.share * usPerPacket }),
  };
}

/**
 * The cost curve: for every point N and every side (backend × SRTP on/off) its OWN worker
 * holding exactly N sending transports, so every point can be measured in every round. Each
 * round visits the (N, backend) units in a fresh seeded shuffle; within a unit SRTP on and off
 * run back to back in random order and their difference is that round's SRTP cost at N.
 */
export async function runCurve(o: CurveOptions, gen: GenSink): Promise<CurveResult> {
  const started = Date.now();
  const rand = prng(o.seed);
  const loads = new Map<string, SrtpLoad>();
  const key = (n: number, b: Backend, srtp: boolean) => `${n}/${b}-${srtp ? 'on' : 'off'}`;
  const samples: CurveSample[] = [];
  let roundsDone = 0;
  const checks = o.perfHz > 0 ? o.backends.map((b) => checkPerf(o.bins[b].bin, b)) : [];
  const perfSkipped =
    o.perfHz <= 0 ? 'not asked (--curve-perf-hz 0)' : checks.find((c) => !c.ok)?.reason;
  if (perfSkipped) console.log(`  SRTP cost by attribution not measured: ${perfSkipped}`);
  const perfFile = path.join(os.tmpdir(), `giaoban-srtp-curve-${process.pid}.perf`);
  try {
    console.log(
      `srtp curve: ${o.transports.join(',')} transports × ${o.backends.join(',')} on/off = ` +
        `${o.transports.length * o.backends.length * 2} workers, ${o.pps} packets/s, ${o.rounds} rounds`,
    );
    for (const n of o.transports)
      for (const b of o.backends)
        for (const srtp of [true, false]) {
          const load = await SrtpLoad.create({
            name: key(n, b, srtp),
            bin: o.bins[b].bin,
            srtp,
            suite: o.suite,
            speakers: o.speakers,
            sinkPort: gen.port,
            shape: 'one',
            periodUs: Math.round((n * 1e6) / o.pps),
          });
          pin(load.workerPid, '0', o.nice);
          await load.grow(n);
          const c = await load.counts();
          if (c.consumers !== n) throw new Error(`${load.name}: ${c.consumers} consumers`);
          loads.set(load.name, load);
        }
    const units = o.transports.flatMap((n) => o.backends.map((b) => ({ n, b })));
    for (let round = 0; round < o.rounds; round++) {
      if (Date.now() - started > o.budgetMs) break;
      let slot = 0;
      for (const u of shuffle(units, rand)) {
        const order = rand() < 0.5 ? [true, false] : [false, true];
        for (const srtp of order) {
          const load = loads.get(key(u.n, u.b, srtp))!;
          const profile = perfSkipped ? null : { hz: o.perfHz, file: perfFile, backend: u.b };
          const thaw = o.freezeIdle ? freezeOthers(loads.values(), load) : () => {};
          let m: Awaited<ReturnType<typeof measure>>;
          try {
            m = await measure(load, gen, o.run, profile);
          } finally {
            thaw();
          }
          samples.push({
            round,
            slot: slot++,
            transports: u.n,
            backend: u.b,
            srtp,
            ...m,
            loadavg: loadNow(),
          });
        }
      }
      roundsDone++;
      console.log(`  round ${round + 1}/${o.rounds} done (load ${loadNow().toFixed(2)})`);
    }
  } finally {
    for (const l of loads.values()) await l.close();
    rmSync(perfFile, { force: true });
    rmSync(`${perfFile}.old`, { force: true });
  }
  return summarizeCurve(o, samples, roundsDone, perfSkipped);
}

function summarizeCurve(
  o: CurveOptions,
  samples: CurveSample[],
  roundsDone: number,
  perfSkipped: string | undefined,
): CurveResult {
  const pick = (n: number, b: Backend, srtp: boolean) =>
    samples.filter((s) => s.transports === n && s.backend === b && s.srtp === srtp);
  const pairsAt = (n: number, b: Backend) =>
    Array.from({ length: roundsDone }, (_, r) => {
      const on = pick(n, b, true).find((s) => s.round === r);
      const off = pick(n, b, false).find((s) => s.round === r);
      return on && off ? on.usPerPacket - off.usPerPacket : NaN;
    });
  const attrAt = (n: number, b: Backend) =>
    Array.from({ length: roundsDone }, (_, r) => {
      const on = pick(n, b, true).find((s) => s.round === r);
      return on?.srtpAttrUs ?? NaN;
    });
  const points: CurvePoint[] = o.transports.map((n) => {
    const sides: CurvePoint['sides'] = {};
    const srtpUs: CurvePoint['srtpUs'] = {};
    const srtpUsPairs: CurvePoint['srtpUsPairs'] = {};
    const srtpAttrUs: CurvePoint['srtpAttrUs'] = {};
    const srtpAttrRounds: CurvePoint['srtpAttrRounds'] = {};
    const offShare: CurvePoint['offShare'] = {};
    for (const b of o.backends) {
      for (const srtp of [true, false]) {
        const xs = pick(n, b, srtp);
        sides[`${b}-${srtp ? 'on' : 'off'}`] = {
          ...quartiles(xs.map((s) => s.usPerPacket)),
          loss: quartiles(xs.map((s) => s.loss)).median,
          saturatedRounds: xs.filter((s) => s.loss > MAX_LOSS).length,
        };
      }
      srtpUsPairs[b] = pairsAt(n, b);
      srtpUs[b] = quartiles(srtpUsPairs[b]);
      srtpAttrRounds[b] = attrAt(n, b);
      srtpAttrUs[b] = quartiles(srtpAttrRounds[b]);
      offShare[b] = quartiles(pick(n, b, false).map((s) => s.perf?.share ?? NaN));
    }
    return {
      ...{ transports: n, pps: o.pps, sides, srtpUs, srtpUsPairs },
      ...{ srtpAttrUs, srtpAttrRounds, offShare },
    };
  });
  const growth: Record<string, GrowthRatio> = {};
  const first = o.transports[0]!;
  const last = o.transports.at(-1)!;
  const lastPoint = points.at(-1)!;
  const mostly = (k: string) => lastPoint.sides[k]!.saturatedRounds * 2 > roundsDone;
  if (first !== last)
    for (const b of o.backends)
      growth[b] =
        mostly(`${b}-on`) && !mostly(`${b}-off`)
          ? saturatedGrowth(pairsAt(first, b), lastPoint.sides[`${b}-off`]!.median, o.pps, 1.2)
          : growthRatio(pairsAt(first, b), pairsAt(last, b), 1.2, o.seed + 1);
  const growthAttr: Record<string, GrowthRatio> = {};
  if (first !== last && !perfSkipped)
    for (const b of o.backends)
      growthAttr[b] =
        mostly(`${b}-on`) && !mostly(`${b}-off`)
          ? saturatedGrowth(attrAt(first, b), lastPoint.sides[`${b}-off`]!.median, o.pps, 1.2)
          : growthRatio(attrAt(first, b), attrAt(last, b), 1.2, o.seed + 2);
  return {
    method: {
      goal:
        'issue 12: SRTP µs per packet at the most transports within 20 % of its cost at the fewest ' +
        '(growth.<backend>.verdict)',
      design:
        'one worker per (transports, backend, SRTP on/off), each holding exactly N sending transports; ' +
        'every round measures every point; the (N, backend) units in a seeded shuffle per round, ' +
        'SRTP on and off of a unit back to back in random order; SRTP µs/packet = on − off of that round',
      workerCpu:
        'sum over the worker threads of /proc/<pid>/task/<tid>/schedstat run time (ns) between the ' +
        "sink's window start and end; µs/packet = worker CPU ÷ packets delivered in the window",
      statistics:
        'median and interquartile range over rounds; growth = median at the most transports ÷ ' +
        'median at the fewest, with a bootstrap over rounds (4,000 resamples): 50 % and 90 % ' +
        'intervals; verdict "met" if the 90 % interval is ≤ 1.2, "not met" if it is > 1.2, else "not settled"',
      saturated: `a window with loss > ${MAX_LOSS * 100} % has no cost (its CPU is capped)`,
      settle: 'after each window, wait until the measured worker is idle (< 2 % CPU over 100 ms)',
      idleWorkers: o.freezeIdle
        ? 'stopped (SIGSTOP) during every window, resumed after it'
        : 'running (their RTCP shares the measured worker’s core)',
      attribution: perfSkipped
        ? `not measured: ${perfSkipped}`
        : `perf record -e cpu-clock -F ${o.perfHz} on every window (on and off alike); SRTP µs/packet = ` +
          "share of the worker's samples in SRTP code (libsrtp, RTC::SrtpSession, the crypto " +
          'library; srtpProfile.ts) × worker µs/packet of the same window; growthAttr as growth',
      suite: o.suite,
      transports: o.transports,
      pps: o.pps,
      rounds: o.rounds,
      roundsDone,
      seed: o.seed,
      speakers: o.speakers,
      ...o.run,
      pinning: 'workers and Node on CPU 0, generator + spinning sink alone on the last CPU',
    },
    points,
    growth,
    growthAttr,
    ...(perfSkipped && { perfSkipped }),
    roundsDone,
    samples,
  };
}
