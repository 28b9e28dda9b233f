import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { linkProfiles, type LinkProfileName } from '../netem/profiles';
import { probeSnapshot } from '../../e2e/weakLink/probe';
import { COMMUNE_GOOD, createStage, joinCommune } from '../../e2e/weakLink/stage';
import { runBench, writeBenchResult } from './benchResult';

/**
 * `npm run bench:uplink [-- gprs,2g]`: what a commune's uplink carries once
 * the link states have settled on a weak profile. The commune (Chromium in the
 * shaped namespace, camera wanted) joins a meeting whose floor holder sends
 * audio and video; after its first audio-only notice and 20 s more, a packet
 * counter on its own interface (infra/netem/packetCounter.py, a raw socket:
 * what leaves the commune, before the link's queue) sorts 30 s of traffic by
 * kind in 2 s windows: RTP per payload type (and how many were padding),
 * RTCP by type, STUN, DTLS, TCP (signaling).
 */
const WINDOW_S = 2;
const COUNT_WINDOWS = 15;
const counterScript = path.join(
  path.dirname(fileURLToPath(import.meta.url)),
  '../netem/packetCounter.py',
);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Window {
  seconds: number;
  kinds: Record<string, [bytes: number, packets: number]>;
  padding: Record<string, number>;
}

interface KindFigures {
  kbps: number;
  packetsPerSecond: number;
  /** The 2 s window with most of this kind. */
  maxKbps: number;
}

interface Row {
  profile: LinkProfileName;
  upKbps: number;
  state: string;
  totalKbps: number;
  maxWindowKbps: number;
  paddingPerSecond: number;
  kinds: Record<string, KindFigures>;
}

async function runProfile(name: LinkProfileName): Promise<Row> {
  const stage = await createStage({ profile: name, speakers: 1, speakerVideo: true });
  const counter = stage.link.spawnInside('python3', [
    counterScript,
    stage.link.ns.nsIf,
    String(WINDOW_S),
  ]);
  const windows: Window[] = [];
  let counting = false;
  createInterface({ input: counter.stdout! }).on('line', (line) => {
    if (counting) windows.push(JSON.parse(line) as Window);
  });
  try {
    const commune = await joinCommune(stage, COMMUNE_GOOD, true, { lookMs: 2_000 });
    const deadline = Date.now() + 60_000;
    while (
      Date.now() < deadline &&
      !(await probeSnapshot(commune)).notices.some((n) => n.audioOnly)
    )
      await sleep(500);
    await sleep(20_000);
    counting = true;
    while (windows.length < COUNT_WINDOWS) await sleep(250);
    counting = false;
    const last = (await probeSnapshot(commune)).notices.at(-1);
    const seconds = windows.reduce((s, w) => s + w.seconds, 0);
    const kinds: Record<string, KindFigures> = {};
    for (const k of new Set(windows.flatMap((w) => Object.keys(w.kinds)))) {
      const bytes = windows.reduce((s, w) => s + (w.kinds[k]?.[0] ?? 0), 0);
      const packets = windows.reduce((s, w) => s + (w.kinds[k]?.[1] ?? 0), 0);
      kinds[k] = {
        kbps: (bytes * 8) / seconds / 1000,
        packetsPerSecond: packets / seconds,
        maxKbps: Math.max(...windows.map((w) => ((w.kinds[k]?.[0] ?? 0) * 8) / w.seconds / 1000)),
      };
    }
    const windowKbps = windows.map(
      (w) => (Object.values(w.kinds).reduce((s, [b]) => s + b, 0) * 8) / w.seconds / 1000,
    );
    const padding = windows.reduce(
      (s, w) => s + Object.values(w.padding).reduce((a, n) => a + n, 0),
      0,
    );
    return {
      profile: name,
      upKbps: linkProfiles[name].upKbps,
      state: last ? `${last.down}/${last.up}${last.audioOnly ? ' audio-only' : ''}` : 'none',
      totalKbps: Object.values(kinds).reduce((s, k) => s + k.kbps, 0),
      maxWindowKbps: Math.max(...windowKbps),
      paddingPerSecond: padding / seconds,
      kinds,
    };
  } finally {
    counter.kill();
    await stage.close();
  }
}

async function main(): Promise<void> {
  const wanted = (process.argv[2]?.split(',') ?? ['gprs', '2g']) as LinkProfileName[];
  const rows: Row[] = [];
  for (const name of wanted) rows.push(await runProfile(name));
  const f = (v: number) => v.toFixed(1);
  console.log(
    '\n| profile (up kbit/s) | state | sent, kbit/s (worst 2 s) | RTP padding packets/s | by kind: kbit/s (packets/s) |',
  );
  console.log('|---|---|---|---|---|');
  for (const r of rows) {
    const byKind = Object.entries(r.kinds)
      .sort(([, a], [, b]) => b.kbps - a.kbps)
      .map(([k, v]) => `${k} ${f(v.kbps)} (${f(v.packetsPerSecond)})`)
      .join(', ');
    console.log(
      `| ${r.profile} (${r.upKbps}) | ${r.state} | ${f(r.totalKbps)} (${f(r.maxWindowKbps)}) | ${f(r.paddingPerSecond)} | ${byKind} |`,
    );
  }
  const file = writeBenchResult('uplink', {
    conditions: `commune = Chromium in a netns behind a router namespace (tbf, 500 ms queues, delay relay), camera wanted, in a meeting with one host speaker sending audio + 3-layer VP8; counted on the commune's own interface (before the link's queue) for ${COUNT_WINDOWS} windows of ${WINDOW_S} s, from 20 s after its first audio-only notice`,
    rows,
  });
  console.log(`\nwritten ${file}`);
}

runBench(main);
