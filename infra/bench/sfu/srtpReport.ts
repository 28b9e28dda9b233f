import { median } from './capacity';
import type { GrowthRatio, Quartiles } from './curveStats';
import { SIDES, UNSATURATED, type SrtpRaw } from './srtpRun';
import { num, pct, table } from './table';

export interface SrtpSummary {
  /** Highest level (consumers) whose median loss ≤ 0.5 %, per side; null if none passed. */
  maxConsumers: Record<string, number | null>;
  /** True when a side passed the top of the ladder (more may fit). */
  ladderTop: Record<string, boolean>;
  /** consumers ÷ worker CPU, median over passing levels below 90 % CPU. */
  consumersPerCoreByCpu: Record<string, number>;
  /** Worker CPU µs per packet out, median over the same levels. */
  usPerPacket: Record<string, number>;
  goals: {
    /** OpenSSL worker, SRTP on ÷ off, consumers per core at ≤ 0.5 % loss (goal ≥ 0.8). */
    onVsOff: { byLoss: number; byCpu: number };
    /** OpenSSL SRTP on ÷ NSS SRTP on (goal ≥ 1.8). */
    vsNss: { byLoss: number; byCpu: number };
    /** SRTP µs per packet at the most transports ÷ at the fewest, per worker (goal ≤ 1.2). */
    flat: Record<string, GrowthRatio> | null;
    flatByAttribution: Record<string, GrowthRatio> | null;
  };
}

export function summarizeSrtp(raw: SrtpRaw): SrtpSummary {
  const keys = SIDES.map((s) => s.key);
  const by = <T>(f: (k: string) => T) => Object.fromEntries(keys.map((k) => [k, f(k)]));
  const passing = (k: string) => raw.levels.filter((l) => l.sides[k]?.ok);
  const calm = (k: string) => passing(k).filter((l) => l.sides[k]!.workerCpu < UNSATURATED);
  const maxConsumers = by((k) => passing(k).at(-1)?.consumers ?? null);
  const top = raw.levels.at(-1);
  const byCpu = by((k) => median(calm(k).map((l) => l.consumers / l.sides[k]!.workerCpu)));
  const ratio = (a: number | null | undefined, b: number | null | undefined) =>
    a && b ? a / b : NaN;
  return {
    maxConsumers,
    ladderTop: by((k) => !!top?.sides[k]?.ok),
    consumersPerCoreByCpu: byCpu,
    usPerPacket: by((k) => median(calm(k).map((l) => l.sides[k]!.usPerPacket))),
    goals: {
      onVsOff: {
        byLoss: ratio(maxConsumers['openssl-on'], maxConsumers['openssl-off']),
        byCpu: ratio(byCpu['openssl-on'], byCpu['openssl-off']),
      },
      vsNss: {
        byLoss: ratio(maxConsumers['openssl-on'], maxConsumers['nss-on']),
        byCpu: ratio(byCpu['openssl-on'], byCpu['nss-on']),
      },
      flat: raw.curve && Object.keys(raw.curve.growth).length ? raw.curve.growth : null,
      flatByAttribution:
        raw.curve && Object.keys(raw.curve.growthAttr).length ? raw.curve.growthAttr : null,
    },
  };
}

export function srtpCapacityTable(raw: SrtpRaw): string {
  const rows = [
    ['consumers', 'transports', 'side', 'loss', 'p99 ms', 'worker CPU', 'pkts/s out', 'µs/packet'],
  ];
  for (const l of raw.levels) {
    let first = true;
    for (const [k, s] of Object.entries(l.sides)) {
      rows.push([
        first ? num(l.consumers) : '',
        first ? num(l.transports) : '',
        k,
        pct(s.loss, 2) + (s.ok ? '' : ' ✗'),
        s.delayP99Ms.toFixed(1),
        pct(s.workerCpu),
        num(s.ppsOut),
        s.usPerPacket.toFixed(2),
      ]);
      first = false;
    }
  }
  return table(rows);
}

/** "median [q1 … q3]" of a quartile summary. */
const iqr = (q: Quartiles) =>
  q.n ? `${q.median.toFixed(2)} [${q.q1.toFixed(2)} … ${q.q3.toFixed(2)}]` : '–';

export function srtpCurveTable(raw: SrtpRaw): string {
  const curve = raw.curve;
  if (!curve) return '(curve not run)';
  const keys = Object.keys(curve.points[0]?.sides ?? {});
  const backends = Object.keys(curve.points[0]?.srtpUs ?? {});
  const rows = [
    [
      'SRTP transports',
      ...keys.map((k) => `${k} µs/pkt`),
      ...backends.map((b) => `SRTP µs/pkt ${b} (n)`),
      ...backends.map((b) => `by perf ${b}`),
      ...backends.map((b) => `off: SRTP share ${b}`),
    ],
  ];
  for (const p of curve.points)
    rows.push([
      num(p.transports),
      ...keys.map((k) => {
        const x = p.sides[k]!;
        return x.n === 0
          ? `saturated (loss ${pct(x.loss, 1)})`
          : iqr(x) + (x.saturatedRounds ? ` (${x.saturatedRounds} sat.)` : '');
      }),
      ...backends.map((b) => `${iqr(p.srtpUs[b]!)} (${p.srtpUs[b]!.n})`),
      ...backends.map((b) => iqr(p.srtpAttrUs[b]!)),
      ...backends.map((b) => (p.offShare[b]!.n ? pct(p.offShare[b]!.median, 2) : '–')),
    ]);
  return table(rows) + '\n(median [interquartile range] over rounds)';
}

/** One line per backend: growth of the SRTP cost from the fewest to the most transports. */
export function growthLines(growth: Record<string, GrowthRatio>, first: number, last: number) {
  return Object.entries(growth).map(([b, g]) => {
    const head = `SRTP µs/packet ${b}, ${num(first)} → ${num(last)} transports: ${g.from.median.toFixed(2)} → `;
    const tail = `; goal ≤ ×${g.limit}: ${g.verdict}`;
    if (g.saturated)
      return (
        head +
        `saturated (SRTP ≥ ${g.saturated.atLeastUs.toFixed(1)} µs from the packet budget) = ` +
        `≥ ×${g.saturated.lowerBound.toFixed(1)}` +
        tail
      );
    const range = (r: [number, number]) => r.map((x) => x.toFixed(2)).join('–');
    return (
      head +
      `${g.to.median.toFixed(2)} = ×${g.ratio.toFixed(2)} (bootstrap over rounds: 50 % ${range(g.boot50)}, ` +
      `90 % ${range(g.boot90)})` +
      tail
    );
  });
}

export function srtpSummaryLines(s: SrtpSummary): string[] {
  const side = (k: string) =>
    `${k}: ${num(s.maxConsumers[k] ?? NaN)}${s.ladderTop[k] ? '+' : ''} at ≤ 0.5 % loss, ` +
    `${num(s.consumersPerCoreByCpu[k] ?? NaN)} per core from CPU, ${(s.usPerPacket[k] ?? NaN).toFixed(2)} µs/packet`;
  const g = s.goals;
  const lines = [
    ...SIDES.map((x) => side(x.key)),
    `OpenSSL SRTP on ÷ off: ${pct(g.onVsOff.byLoss, 0)} by loss, ${pct(g.onVsOff.byCpu, 0)} by CPU  (goal ≥ 80 %)`,
    `OpenSSL ÷ NSS, SRTP on: ${g.vsNss.byLoss.toFixed(2)}× by loss, ${g.vsNss.byCpu.toFixed(2)}× by CPU  (goal ≥ 1.8×)`,
  ];
  return lines;
}

/** The plenary row per worker: medians of the rounds. */
export function plenarySummary(raw: SrtpRaw) {
  const sides = [...new Set(raw.plenary.map((s) => s.side))];
  return sides.map((side) => {
    const xs = raw.plenary.filter((s) => s.side === side);
    const m = (f: (s: (typeof xs)[number]) => number) => median(xs.map(f));
    return {
      side,
      rounds: xs.length,
      workerCpu: m((s) => s.workerCpu),
      audioLoss: m((s) => s.audioLoss),
      audioP99Ms: m((s) => s.audioP99Ms),
      videoLoss: m((s) => s.videoLoss),
      videoPpsOut: m((s) => s.videoPpsOut),
      videoLayers: xs.at(-1)?.videoLayers ?? [],
    };
  });
}

export function plenaryTable(raw: SrtpRaw): string {
  const rows = [
    [
      'scenario',
      'worker',
      'worker CPU',
      'audio loss',
      'audio p99 ms',
      'video loss',
      'video pkts/s',
      'layers 0/1/2',
    ],
  ];
  for (const p of plenarySummary(raw))
    rows.push([
      `${raw.plenaryShape?.endpoints ?? '?'} endpoints, ${raw.plenaryShape?.speakers ?? '?'} speakers + 1 simulcast camera, last-N`,
      p.side.replace('plenary-', ''),
      pct(p.workerCpu),
      pct(p.audioLoss, 2),
      p.audioP99Ms.toFixed(1),
      pct(p.videoLoss, 2),
      num(p.videoPpsOut),
      p.videoLayers.join('/'),
    ]);
  return table(rows);
}
