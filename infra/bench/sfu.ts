import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { capacityTable, runCapacity, type CapacityReport } from './sfu/capacityRun';
import { conditions, raiseOwnGroup, runInOwnSession } from './sfu/conditions';
import { joinTable, runJoin, type JoinReport } from './sfu/joinRun';
import { runSrtp, type SrtpRaw } from './sfu/srtpRun';
import {
  plenarySummary,
  plenaryTable,
  srtpCapacityTable,
  srtpCurveTable,
  growthLines,
  srtpSummaryLines,
  summarizeSrtp,
  type SrtpSummary,
} from './sfu/srtpReport';
import { pct, num } from './sfu/table';
import { findWorkerBins } from './sfu/workerBins';
import type { types as ms } from 'mediasoup';

const SUITES: readonly ms.SrtpCryptoSuite[] = [
  'AEAD_AES_256_GCM',
  'AEAD_AES_128_GCM',
  'AES_CM_128_HMAC_SHA1_80',
  'AES_CM_128_HMAC_SHA1_32',
];
function backend(s: string): 'openssl' | 'nss' {
  if (s !== 'openssl' && s !== 'nss') throw new Error('--curve-backends: openssl and/or nss');
  return s;
}
function srtpSuite(s: string): ms.SrtpCryptoSuite {
  const suite = SUITES.find((x) => x === s);
  if (!suite) throw new Error(`--srtp-suite: one of ${SUITES.join(', ')}`);
  return suite;
}

/**
 * `npm run bench:sfu [-- --quick] [--part capacity|join|srtp|srtp-curve|all]`
 *
 * Part 1 (capacity): audio consumers per mediasoup worker core at ≤ 0.5 % loss and
 * packets/s out per core with SRTP on, bare mediasoup vs the same load through
 * GiaoBan's Meeting, interleaved in one run (method: docs/bench-sfu.md).
 * Part 2 (join): request → first media through the real signaling.
 * Part 3 (srtp): the OpenSSL-backed worker against the NSS one, SRTP on and off, side by
 * side: consumers per core, µs per packet, SRTP cost against the number of transports.
 * Prints tables and writes bench-results/sfu.json. Not a test.
 */
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    part: { type: 'string', default: 'all' },
    speakers: { type: 'string' },
    listeners: { type: 'string' },
    reps: { type: 'string' },
    window: { type: 'string' },
    nice: { type: 'string', default: '-15' },
    joins: { type: 'string' },
    'overhead-reps': { type: 'string' },
    'worker-openssl': { type: 'string' },
    'worker-nss': { type: 'string' },
    'srtp-suite': { type: 'string', default: 'AES_CM_128_HMAC_SHA1_80' },
    'srtp-listeners': { type: 'string' },
    'srtp-reps': { type: 'string' },
    curve: { type: 'string' },
    'curve-pps': { type: 'string' },
    'curve-reps': { type: 'string' },
    'curve-window': { type: 'string' },
    'curve-warmup': { type: 'string' },
    'curve-backends': { type: 'string' },
    'curve-seed': { type: 'string' },
    'curve-perf-hz': { type: 'string' },
    'curve-freeze-idle': { type: 'string' },
    plenary: { type: 'string', default: 'on' },
  },
});

async function main(): Promise<void> {
  if (os.cpus().length < 2)
    throw new Error('bench:sfu needs 2 CPUs (worker on one, generator + sink on the other)');
  const quick = args.quick;
  const group = raiseOwnGroup(Number(args.nice));
  const before = conditions({ schedulingGroup: group });
  const out: Record<string, unknown> = {
    bench: 'sfu',
    command: ['npm run bench:sfu --', ...process.argv.slice(2)].join(' '),
    quick,
    conditions: before,
  };
  let capacity: CapacityReport | undefined;
  if (args.part === 'all' || args.part === 'capacity') {
    capacity = await runCapacity({
      speakers: Number(args.speakers ?? 10),
      ladder: (args.listeners ?? (quick ? '100,150,200,250' : '100,150,175,200,225,250,300'))
        .split(',')
        .map(Number),
      reps: Number(args.reps ?? (quick ? 1 : 3)),
      run: {
        warmupMs: quick ? 1000 : 1500,
        windowMs: Number(args.window ?? (quick ? 2500 : 4000)),
        lateMs: 200,
      },
      budgetMs: quick ? 90_000 : 400_000,
      nice: Number(args.nice),
      overheadReps: Number(args['overhead-reps'] ?? (quick ? 2 : 6)),
    });
    out.capacity = capacity;
  }
  let join: JoinReport | undefined;
  if (args.part === 'all' || args.part === 'join') {
    // "N" = N endpoints at once; "N@R" = N endpoints arriving R per second.
    const plans = (args.joins ?? (quick ? '1,10,50,50@10' : '1,10,170,170@10'))
      .split(',')
      .map((p) => {
        const [n, rate] = p.split('@');
        return { joiners: Number(n), arrival: rate ? Number(rate) : ('burst' as const) };
      });
    console.log(`join latency: ${args.joins ?? 'default plans'}`);
    join = await runJoin(plans);
    out.join = join;
  }
  let srtp: { raw: SrtpRaw; summary: SrtpSummary } | undefined;
  const curveOnly = args.part === 'srtp-curve';
  if (args.part === 'all' || args.part === 'srtp' || curveOnly) {
    let bins: ReturnType<typeof findWorkerBins> | undefined;
    try {
      bins = findWorkerBins({ openssl: args['worker-openssl'], nss: args['worker-nss'] });
    } catch (err) {
      if (args.part !== 'all') throw err;
      console.log(`srtp part skipped: ${(err as Error).message}`);
    }
    if (bins) {
      const raw = await runSrtp({
        bins,
        suite: srtpSuite(args['srtp-suite']),
        speakers: Number(args.speakers ?? 10),
        ladder: curveOnly
          ? []
          : (
              args['srtp-listeners'] ??
              (quick ? '100,200,300' : '100,150,200,250,275,300,325,350,400')
            )
              .split(',')
              .map(Number),
        reps: Number(args['srtp-reps'] ?? (quick ? 1 : 3)),
        run: {
          warmupMs: 1000,
          windowMs: Number(args.window ?? (quick ? 2000 : 3000)),
          lateMs: 200,
        },
        curve:
          args.curve === 'off'
            ? null
            : {
                transports: (args.curve ?? (quick ? '100,2000' : '100,500,1000,2000'))
                  .split(',')
                  .map(Number),
                pps: Number(args['curve-pps'] ?? 12_000),
                rounds: Number(args['curve-reps'] ?? (quick ? 2 : 10)),
                run: {
                  warmupMs: Number(args['curve-warmup'] ?? 500),
                  windowMs: Number(args['curve-window'] ?? (quick ? 2000 : 4000)),
                  lateMs: 200,
                },
                backends: (args['curve-backends'] ?? 'openssl,nss')
                  .split(',')
                  .map((b) => backend(b)),
                seed: Number(args['curve-seed'] ?? 12),
                perfHz: Number(args['curve-perf-hz'] ?? 5_000),
                freezeIdle: (args['curve-freeze-idle'] ?? 'on') !== 'off',
              },
        plenary:
          args.plenary === 'off' || curveOnly
            ? null
            : { endpoints: 170, speakers: 3, reps: quick ? 1 : 3 },
        nice: Number(args.nice),
        budgetMs: quick ? 120_000 : curveOnly ? 1_500_000 : 600_000,
      });
      srtp = { raw, summary: summarizeSrtp(raw) };
      out.plenary = plenarySummary(raw);
      out.srtp = srtp;
    }
  }
  out.conditionsAfter = conditions({});
  const file = path.join(repoRoot, 'bench-results', 'sfu.json');
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify(out, null, 2) + '\n');

  console.log(
    `\nbench:sfu — ${before.date}, ${before.host.cpus} × ${before.host.model}, node ${before.node}, mediasoup ${before.mediasoup}`,
  );
  console.log(
    `loadavg before ${before.loadavg.join(' ')}, after ${(out.conditionsAfter as typeof before).loadavg.join(' ')}`,
  );
  if (capacity) {
    const s = capacity.summary;
    console.log(
      `\nPart 1 — audio consumers per worker core (SRTP on, spinning sink, loss ≤ 0.5 %, late > 200 ms = lost)\n`,
    );
    console.log(capacityTable(capacity));
    const top = s.maxConsumersPerCore.ladderTopPassed ? ' (top of the ladder: more may fit)' : '';
    console.log(
      `\nmax consumers per core: bare ${num(s.maxConsumersPerCore.bare ?? NaN)}, orchestrated ${num(s.maxConsumersPerCore.orchestrated ?? NaN)}${top}  (target ≥ 2,000)`,
    );
    if (s.ppsOutPerCore)
      console.log(
        `packets/s out per core at ${num(s.ppsOutPerCore.atConsumers)} consumers: bare ${num(s.ppsOutPerCore.bare)}, orchestrated ${num(s.ppsOutPerCore.orchestrated)}`,
      );
    const q = (x: { q1: number; median: number; q3: number; n: number }) =>
      `${pct(x.median - 1)} (IQR ${pct(x.q1 - 1)} … ${pct(x.q3 - 1)}, n=${x.n})`;
    console.log(
      `consumers per fully used core, from CPU (consumers ÷ worker CPU, levels < 90 % CPU): bare ${num(s.consumersPerCoreByCpu.bare)}, orchestrated ${num(s.consumersPerCoreByCpu.orchestrated)}`,
    );
    if (s.overhead?.atControlLevel) {
      const c = s.overhead.atControlLevel;
      console.log(
        `at ${num(c.consumers)} consumers: orchestrated vs bare worker CPU ${q(c.orchestrated)}; A/A control (bare vs bare) ${q(c.control)}`,
      );
    }
    if (s.overhead)
      console.log(
        `orchestration overhead, all pairs at ${s.overhead.levels.join(', ')} consumers: worker CPU ${q(s.overhead.pooled)}; worker+Node CPU ${pct(s.overhead.totalCpuRatio - 1)}  (target ≤ 5 %)`,
      );
  }
  if (join) {
    console.log(
      `\nPart 2 — join latency, meeting:join → first RTP at a werift peer, loopback (target p95 ≤ 250 ms)\n`,
    );
    console.log(joinTable(join));
  }
  if (srtp) {
    const w = srtp.raw.method.workers as Record<string, { worker: string; version: string }>;
    console.log(
      `\nPart 3 — SRTP through OpenSSL vs NSS (workers: ${w.openssl?.worker}, ${w.nss?.worker}), side by side\n`,
    );
    if (srtp.raw.levels.length) {
      console.log(srtpCapacityTable(srtp.raw));
      console.log('');
      for (const line of srtpSummaryLines(srtp.summary)) console.log(line);
    }
    const curve = srtp.raw.curve;
    if (curve) {
      console.log(
        `\nSRTP cost against the number of SRTP transports (${curve.method.suite as string}, ` +
          `${num(curve.method.pps as number)} packets/s out at every point, ${curve.roundsDone} rounds):\n`,
      );
      console.log(srtpCurveTable(srtp.raw));
      console.log('');
      const t = curve.method.transports as number[];
      console.log('SRTP on − off of the same worker binary, back to back:');
      for (const line of growthLines(curve.growth, t[0]!, t.at(-1)!)) console.log(`  ${line}`);
      if (Object.keys(curve.growthAttr).length) {
        console.log('SRTP by attribution (perf samples in SRTP code × worker µs/packet):');
        for (const line of growthLines(curve.growthAttr, t[0]!, t.at(-1)!))
          console.log(`  ${line}`);
      } else console.log(`SRTP by attribution not measured: ${curve.perfSkipped ?? '?'}`);
    }
    if (srtp.raw.plenary.length) {
      console.log(`\nPlenary (GiaoBan Meeting + link supervisor, SRTP receive transports):\n`);
      console.log(plenaryTable(srtp.raw));
    }
  }
  console.log(`\nwrote ${path.relative(repoRoot, file)}`);
}

const code = runInOwnSession();
if (code !== null) process.exit(code);
main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
