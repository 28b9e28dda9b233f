import { GenSink, type RunOptions, type SinkResult } from './genSink';
import type { LoadSide, SideName } from './loadShape';

/** Loss above this (late counted as lost) means the level is over capacity. */
export const MAX_LOSS = 0.005;

export interface Sample {
  side: SideName;
  rep: number;
  listeners: number;
  consumers: number;
  /** Worker CPU over the window, fraction of one core (ru_utime + ru_stime deltas). */
  workerCpu: number;
  /** The harness Node process (where GiaoBan's orchestration runs), fraction of one core. */
  nodeCpu: number;
  /** Packets delivered in time per second (consumer RTP out of the worker). */
  ppsOut: number;
  sink: SinkResult;
}

export interface SideSummary {
  loss: number;
  workerCpu: number;
  nodeCpu: number;
  ppsOut: number;
  /** ppsOut / workerCpu: packets out per second per fully used core. */
  ppsPerCore: number;
  delayP50Ms: number;
  delayP99Ms: number;
  ok: boolean;
}

export interface LevelResult {
  listeners: number;
  consumers: number;
  transports: number;
  bare: SideSummary;
  orchestrated: SideSummary;
  /** Median over reps of orchestrated/bare worker CPU, paired within a rep. */
  workerCpuRatio: number;
  /** Same for worker + Node process CPU. */
  totalCpuRatio: number;
  /** Every paired orchestrated/bare worker CPU ratio of this level. */
  pairedRatios: number[];
  /** A/A control (a second bare load) at the overhead level: the noise floor of the ratio. */
  control?: SideSummary;
  controlCpuRatio?: number;
  controlRatios?: number[];
}

export const median = (xs: readonly number[]): number => {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

async function cpuSample(side: LoadSide) {
  const workerMs = await side.workerCpuMs();
  const u = process.cpuUsage();
  return { t: performance.now(), workerMs, nodeMs: (u.user + u.system) / 1000 };
}

export async function measureOnce(
  side: LoadSide,
  gen: GenSink,
  opts: RunOptions,
  rep: number,
  speakers: number,
): Promise<Sample> {
  let start: ReturnType<typeof cpuSample> | undefined;
  let end: ReturnType<typeof cpuSample> | undefined;
  const sink = await gen.run(side.targets(), opts, {
    windowStart: () => (start = cpuSample(side)),
    windowEnd: () => (end = cpuSample(side)),
  });
  if (!start || !end) throw new Error('gensink reported no window');
  const [a, b] = await Promise.all([start, end]);
  const wall = b.t - a.t;
  return {
    side: side.name,
    rep,
    listeners: side.listeners,
    consumers: side.listeners * speakers,
    workerCpu: (b.workerMs - a.workerMs) / wall,
    nodeCpu: (b.nodeMs - a.nodeMs) / wall,
    ppsOut: sink.delivered / (sink.windowMs / 1000),
    sink,
  };
}

function summarize(samples: readonly Sample[]): SideSummary {
  const loss = median(samples.map((s) => s.sink.loss));
  const workerCpu = median(samples.map((s) => s.workerCpu));
  const ppsOut = median(samples.map((s) => s.ppsOut));
  return {
    loss,
    workerCpu,
    nodeCpu: median(samples.map((s) => s.nodeCpu)),
    ppsOut,
    ppsPerCore: median(samples.map((s) => s.ppsOut / Math.max(s.workerCpu, 1e-6))),
    delayP50Ms: median(samples.map((s) => s.sink.delayP50Us / 1000)),
    delayP99Ms: median(samples.map((s) => s.sink.delayP99Us / 1000)),
    ok: loss <= MAX_LOSS,
  };
}

/**
 * One level of the ramp: both sides grown to `listeners`, then `reps` rounds of
 * A B / B A (order alternates so drift and warm-up favour neither side).
 */
export async function measureLevel(
  sides: { bare: LoadSide; orchestrated: LoadSide; control?: LoadSide },
  gen: GenSink,
  listeners: number,
  speakers: number,
  reps: number,
  opts: RunOptions,
): Promise<{ level: LevelResult; samples: Sample[] }> {
  const all = [sides.bare, sides.orchestrated, ...(sides.control ? [sides.control] : [])];
  for (const side of all) await side.grow(listeners);
  const counts = await Promise.all(all.map((side) => side.counts()));
  if (
    counts.some(
      (c) => c.consumers !== listeners * speakers || c.transports !== counts[0]!.transports,
    )
  ) {
    throw new Error(`load differs between sides: ${JSON.stringify(counts)}`);
  }
  const samples: Sample[] = [];
  const ratios: number[] = [];
  const totalRatios: number[] = [];
  const controlRatios: number[] = [];
  for (let rep = 0; rep < reps; rep++) {
    // Rotate (A B, B A / A B C, B C A, C A B …) so order favours no side.
    const order = all.map((_, i) => all[(i + rep) % all.length]!);
    if (all.length === 2 && rep % 2 === 1) order.reverse();
    const round: Sample[] = [];
    for (const side of order) round.push(await measureOnce(side, gen, opts, rep, speakers));
    samples.push(...round);
    const get = (n: SideName) => round.find((s) => s.side === n);
    const b = get('bare')!;
    const o = get('orchestrated')!;
    ratios.push(o.workerCpu / b.workerCpu);
    totalRatios.push((o.workerCpu + o.nodeCpu) / (b.workerCpu + b.nodeCpu));
    const c = get('control');
    if (c) controlRatios.push(c.workerCpu / b.workerCpu);
  }
  const of = (name: SideName) => summarize(samples.filter((s) => s.side === name));
  return {
    level: {
      listeners,
      consumers: listeners * speakers,
      transports: counts[0]!.transports,
      bare: of('bare'),
      orchestrated: of('orchestrated'),
      ...(sides.control ? { control: of('control'), controlCpuRatio: median(controlRatios) } : {}),
      workerCpuRatio: median(ratios),
      totalCpuRatio: median(totalRatios),
      pairedRatios: ratios,
      ...(sides.control ? { controlRatios } : {}),
    },
    samples,
  };
}
