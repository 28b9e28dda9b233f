import os from 'node:os';
import type { types as ms } from 'mediasoup';
import { MAX_LOSS, measureOnce, median, type Sample } from './capacity';
import { affinity, loadNow, pin } from './conditions';
import { GenSink, compileGenSink, type RunOptions } from './genSink';
import { PlenaryLoad, type PlenarySample } from './plenary';
import { runCurve, type Backend, type CurveOptions, type CurveResult } from './srtpCurve';
import { SrtpLoad } from './srtpLoad';
import type { WorkerBins } from './workerBins';

/** Below this worker CPU the CPU is a valid measure of cost (at saturation it is capped). */
const UNSATURATED = 0.9;

export type { Backend };
export interface SideSpec {
  key: string;
  backend: Backend;
  srtp: boolean;
}
/** The four sides, each its own worker, measured in rotation in one run. */
export const SIDES: readonly SideSpec[] = [
  { key: 'openssl-on', backend: 'openssl', srtp: true },
  { key: 'openssl-off', backend: 'openssl', srtp: false },
  { key: 'nss-on', backend: 'nss', srtp: true },
  { key: 'nss-off', backend: 'nss', srtp: false },
];

export interface SrtpOptions {
  bins: WorkerBins;
  /** SRTP suite of the consumer transports (Chromium negotiates AEAD_AES_256_GCM). */
  suite: ms.SrtpCryptoSuite;
  speakers: number;
  /** Listener counts of the capacity ladder (consumers = listeners × speakers). */
  ladder: number[];
  reps: number;
  run: RunOptions;
  /** The cost curve against the number of SRTP transports (srtpCurve.ts); null: not run. */
  curve: Pick<
    CurveOptions,
    'transports' | 'pps' | 'rounds' | 'run' | 'backends' | 'seed' | 'perfHz' | 'freezeIdle'
  > | null;
  /** The plenary row: endpoints, speakers (the first also sends the simulcast camera). */
  plenary: { endpoints: number; speakers: number; reps: number } | null;
  nice: number;
  budgetMs: number;
}

export interface SideLevel {
  loss: number;
  workerCpu: number;
  ppsOut: number;
  /** Worker CPU µs per packet delivered (median of the rounds). */
  usPerPacket: number;
  delayP99Ms: number;
  ok: boolean;
}

export interface SrtpLevel {
  listeners: number;
  consumers: number;
  transports: number;
  sides: Record<string, SideLevel>;
}

export interface SrtpRaw {
  method: Record<string, unknown>;
  levels: SrtpLevel[];
  curve: CurveResult | null;
  samples: (Sample & { loadavg: number; part: 'capacity' | 'curve' })[];
  plenary: PlenarySample[];
  plenaryShape?: { endpoints: number; speakers: number };
}

function summarize(samples: readonly Sample[]): SideLevel {
  const loss = median(samples.map((s) => s.sink.loss));
  return {
    loss,
    workerCpu: median(samples.map((s) => s.workerCpu)),
    ppsOut: median(samples.map((s) => s.ppsOut)),
    usPerPacket: median(samples.map((s) => (s.workerCpu * 1e6) / Math.max(s.ppsOut, 1))),
    delayP99Ms: median(samples.map((s) => s.sink.delayP99Us / 1000)),
    ok: loss <= MAX_LOSS,
  };
}

/** Rounds in rotating order (A B C D, B C D A, … reversed every other round). */
async function rounds(
  sides: readonly SrtpLoad[],
  gen: GenSink,
  opts: RunOptions,
  reps: number,
  speakers: number,
  part: 'capacity' | 'curve',
  out: SrtpRaw['samples'],
): Promise<Sample[][]> {
  const all: Sample[][] = [];
  for (let rep = 0; rep < reps; rep++) {
    const order = sides.map((_, i) => sides[(i + rep) % sides.length]!);
    if (rep % 2 === 1) order.reverse();
    const round: Sample[] = [];
    for (const side of order) round.push(await measureOnce(side, gen, opts, rep, speakers));
    out.push(...round.map((s) => ({ ...s, loadavg: loadNow(), part })));
    all.push(round);
  }
  return all;
}

async function sameLoad(loads: readonly SrtpLoad[], consumers: number): Promise<number> {
  const counts = await Promise.all(loads.map((l) => l.counts()));
  if (counts.some((c) => c.consumers !== consumers || c.transports !== counts[0]!.transports))
    throw new Error(`load differs between sides: ${JSON.stringify(counts)}`);
  return counts[0]!.transports;
}

/**
 * Part 3: the OpenSSL worker against the NSS one, SRTP on and off, side by side in one run.
 * The capacity ladder is bench:sfu's load (10 speakers, every listener consumes all); the
 * curve keeps the packet rate constant and spreads it over more and more SRTP transports.
 */
export async function runSrtp(o: SrtpOptions): Promise<SrtpRaw> {
  const started = Date.now();
  const genCpu = os.cpus().length - 1;
  pin(process.pid, '0', o.nice);
  const { bin, cc } = compileGenSink();
  const gen = await GenSink.start(bin, genCpu);
  pin(gen.pid, String(genCpu), o.nice);
  const raw: SrtpRaw = { method: {}, levels: [], curve: null, samples: [], plenary: [] };
  const common = {
    bins: o.bins,
    suite: o.suite,
    speakers: o.speakers,
    nice: o.nice,
    budgetMs: o.budgetMs,
  };
  const create = async (shape: 'all' | 'one') => {
    const loads: SrtpLoad[] = [];
    for (const s of SIDES) {
      const load = await SrtpLoad.create({
        name: s.key,
        bin: o.bins[s.backend].bin,
        srtp: s.srtp,
        suite: o.suite,
        speakers: o.speakers,
        sinkPort: gen.port,
        shape,
      });
      pin(load.workerPid, '0', o.nice);
      loads.push(load);
    }
    return loads;
  };
  raw.method = {
    sides: SIDES,
    workers: { openssl: o.bins.openssl.srtp, nss: o.bins.nss.srtp },
    generatorSink: `one C process (${cc}) on CPU ${genCpu}, spinning sink`,
    pinning: { node: affinity(process.pid), generatorSink: affinity(gen.pid) },
    srtp: `consumer transports ${o.suite} (on) or plain RTP (off); producers plain`,
    suite: o.suite,
    capacity: `${o.speakers} speakers, every listener consumes all, 2 transports per listener`,
    curve: o.curve
      ? `${o.speakers} speakers, each SRTP transport consumes one (round robin); ${o.curve.pps} packets/s out in all, spread over N transports (method: curve.method)`
      : 'not run',
    ...o.run,
    reps: o.reps,
    maxLoss: MAX_LOSS,
  };
  try {
    const loads = o.ladder.length ? await create('all') : [];
    let alive = [...loads];
    const failures = new Map<string, number>();
    if (loads.length)
      console.log(
        `srtp capacity: listeners ${o.ladder.join(',')} × ${o.speakers} speakers, ${o.reps} reps`,
      );
    for (const listeners of o.ladder) {
      if (alive.length === 0 || Date.now() - started > o.budgetMs) break;
      for (const l of alive) await l.grow(listeners);
      const consumers = listeners * o.speakers;
      const transports = await sameLoad(alive, consumers);
      const rs = await rounds(alive, gen, o.run, o.reps, o.speakers, 'capacity', raw.samples);
      const sides: Record<string, SideLevel> = {};
      for (const l of alive) sides[l.name] = summarize(rs.flat().filter((s) => s.side === l.name));
      raw.levels.push({ listeners, consumers, transports, sides });
      console.log(
        `  ${consumers} consumers: ` +
          Object.entries(sides)
            .map(
              ([k, s]) =>
                `${k} loss ${(s.loss * 100).toFixed(2)}% cpu ${(s.workerCpu * 100).toFixed(1)}%`,
            )
            .join(' | '),
      );
      // A side leaves the ramp after two failing levels in a row (one may be a stall).
      for (const l of [...alive]) {
        const f = sides[l.name]!.ok ? 0 : (failures.get(l.name) ?? 0) + 1;
        failures.set(l.name, f);
        if (f >= 2) alive = alive.filter((x) => x !== l);
      }
    }
    for (const l of loads) await l.close();

    if (o.curve) raw.curve = await runCurve({ ...o.curve, ...common }, gen);
    if (o.plenary) {
      raw.plenaryShape = { endpoints: o.plenary.endpoints, speakers: o.plenary.speakers };
      raw.plenary = await plenary(o, gen);
    }
  } finally {
    gen.close();
    pin(process.pid, `0-${os.cpus().length - 1}`, 0);
  }
  return raw;
}

/** The plenary on both workers, in rotation; 2.5 s warm-up (the video layers start on a keyframe). */
async function plenary(o: SrtpOptions, gen: GenSink): Promise<PlenarySample[]> {
  const p = o.plenary!;
  const loads: PlenaryLoad[] = [];
  const out: PlenarySample[] = [];
  try {
    for (const backend of ['openssl', 'nss'] as const) {
      const load = await PlenaryLoad.create({
        name: `plenary-${backend}`,
        bin: o.bins[backend].bin,
        sinkPort: gen.port,
        suite: o.suite,
        ...p,
      });
      pin(load.workerPid, '0', o.nice);
      loads.push(load);
    }
    const run = { ...o.run, warmupMs: 2500 };
    console.log(`plenary: ${p.endpoints} endpoints, ${p.speakers} speakers + 1 simulcast camera`);
    for (let rep = 0; rep < p.reps; rep++) {
      const order = rep % 2 ? [...loads].reverse() : loads;
      for (const l of order) {
        const s = await l.measure(gen, run, rep);
        s.loadavg = os.loadavg();
        out.push(s);
        console.log(
          `  ${s.side}: cpu ${(s.workerCpu * 100).toFixed(1)}% audio loss ${(s.audioLoss * 100).toFixed(2)}% ` +
            `video loss ${(s.videoLoss * 100).toFixed(2)}% layers ${s.videoLayers.join('/')}`,
        );
      }
    }
  } finally {
    for (const l of loads) await l.close();
  }
  return out;
}

export { UNSATURATED };
