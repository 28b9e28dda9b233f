/**
 * bench:paths — a commune's join and audio by media path, through the
 * province lab (infra/lab: Redis, 2 SFU nodes, 2 signaling nodes, the edge,
 * each in its own network namespace, started from infra/deploy's units):
 *   udp       open network: UDP straight to the SFU node
 *   tcp       no UDP: ICE over TCP to the SFU node
 *   turn-udp  only UDP to the edge's TURN port (and HTTPS): relayed by coturn
 *   turn-tls  only TCP 443: TURN over TLS through HAProxy's port 443
 * on the good, 3G and EDGE profiles (rates, delay, firewall on the far side
 * of the commune's link). For each: join = the click on the prepared pre-join
 * screen → the first remote audio packet, the first time on a fresh device
 * (direct and relay candidates together: docs/edge.md) and again once the
 * device remembers the path that worked; audio delivered = the speaker's
 * audio packets the commune received over BENCH_PATHS_WINDOW_S seconds; and
 * where a join's time goes (the receive transport: gathering, first relay
 * candidate, ICE connected, DTLS connected, first audio; ms after the click).
 * Prints a table and writes bench-results/paths.json. Root (namespaces).
 *   npm run bench:paths [-- good,3g,edge [udp,tcp,turn-udp,turn-tls]]
 */
import type { Browser, Page } from 'playwright-core';
import { quangBinhUnits } from '@giaoban/scheduler/orgTree/seedData';
import {
  login,
  openProbe,
  probeBundle,
  probeJoin,
  probeLeave,
  probePrepare,
  probeSnapshot,
  startMeeting,
} from '../../e2e/weakLink/probe';
import type { ProbeSnapshot } from '../../e2e/weakLink/probe';
import { launchInNamespace, selectedPaths, type MediaPath } from '../lab/chromium';
import { ProvinceLab } from '../lab/lab';
import type { Firewall } from '../lab/topology';
import { linkProfiles, type LinkProfileName } from '../netem/profiles';
import { runBench, writeBenchResult } from './benchResult';

const WINDOW_S = Number(process.env.BENCH_PATHS_WINDOW_S ?? 20);
const firewallFor: Record<MediaPath, Firewall> = {
  udp: 'open',
  tcp: 'noUdp',
  'turn-udp': 'turnUdpOnly',
  'turn-tcp': 'tcp443',
  'turn-tls': 'tcp443',
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Row {
  profile: LinkProfileName;
  path: MediaPath;
  firewall: Firewall;
  /** click → first remote audio (ms) on a fresh device; null: no audio within 60 s. */
  firstJoinMs: number | null;
  /** The same, on the device's next join (it starts on the path it remembers). */
  joinMs: number | null;
  /** The path ICE actually selected (send and receive transports): first join, next join. */
  firstSelected: string[];
  selected: string[];
  /** The receive transport's way to connected, ms after the click: first join, next join. */
  firstPhases: Phases | null;
  phases: Phases | null;
  audioSent: number | null;
  audioReceived: number | null;
  delivered: number | null;
  error?: string;
}

interface Phases {
  gathering: number | null;
  host: number | null;
  relay: number | null;
  ice: number | null;
  dtls: number | null;
  audio: number | null;
}

function phasesOf(s: ProbeSnapshot): Phases | null {
  const t = s.ice?.recv;
  if (!t || s.clickAt === null) return null;
  const at = (ms: number | null | undefined) =>
    ms === null || ms === undefined ? null : Math.round(ms - s.clickAt!);
  return {
    gathering: at(t.gatheringAt),
    host: at(t.firstCandidateAt.host),
    relay: at(t.firstCandidateAt.relay),
    ice: at(t.iceConnectedAt),
    dtls: at(t.connectedAt),
    audio: at(s.firstAudioAt),
  };
}

const describePairs = async (page: Page) =>
  ((await selectedPaths(page)) ?? []).map((p) => `${p.path} → ${p.remoteAddress}:${p.remotePort}`);

const audioFrom = (s: ProbeSnapshot, endpointId: string) =>
  s.consumers
    .filter((c) => c.kind === 'audio' && c.endpointId === endpointId)
    .reduce((n, c) => n + c.packetsReceived, 0);

async function waitFirstAudio(page: Page, ms: number): Promise<ProbeSnapshot> {
  const end = Date.now() + ms;
  let s = await probeSnapshot(page);
  while (s.firstAudioAt === null && Date.now() < end) {
    await sleep(200);
    s = await probeSnapshot(page);
  }
  return s;
}

async function main(): Promise<void> {
  const profiles = (process.argv[2]?.split(',') ?? ['good', '3g', 'edge']) as LinkProfileName[];
  const paths = (process.argv[3]?.split(',') ?? [
    'udp',
    'tcp',
    'turn-udp',
    'turn-tls',
  ]) as MediaPath[];
  const communes = quangBinhUnits()
    .filter((u) => u.tier === 'commune')
    .map((u) => u.id)
    .slice(0, profiles.length * paths.length);
  const lab = await ProvinceLab.start({ log: true });
  const browsers: Browser[] = [];
  const rows: Row[] = [];
  try {
    const sig = lab.signalingUrl();
    const hostToken = await login(sig, 'host44');
    const meetingId = await startMeeting(sig, hostToken, communes);
    // The speaker: the province host on a good, open link, microphone on.
    const speakerNet = await lab.addCommune(linkProfiles.good, 'open');
    const speakerBrowser = await launchInNamespace(speakerNet.ns, lab.chromiumTlsArgs);
    browsers.push(speakerBrowser);
    const speaker = await openProbe(speakerBrowser, lab.edgeUrl);
    await probeJoin(speaker, {
      token: hostToken,
      meetingId,
      deviceId: 'bench-speaker',
      video: false,
    });
    const speakerId = (await probeSnapshot(speaker)).endpointId!;

    let i = 0;
    for (const name of profiles) {
      for (const path of paths) {
        const unit = communes[i++]!;
        const row: Row = {
          ...{
            profile: name,
            path,
            firewall: firewallFor[path],
            firstJoinMs: null,
            joinMs: null,
            firstSelected: [],
            selected: [],
          },
          ...{ firstPhases: null, phases: null },
          ...{ audioSent: null, audioReceived: null, delivered: null },
        };
        rows.push(row);
        const net = await lab.addCommune(linkProfiles[name], firewallFor[path]);
        const browser = await launchInNamespace(net.ns, lab.chromiumTlsArgs);
        browsers.push(browser);
        try {
          const opts = {
            token: await login(sig, `u${unit}`),
            meetingId,
            deviceId: `bench-${unit}`,
            video: false,
          };
          // One browser profile = one device: its second join starts on the remembered path.
          const context = await browser.newContext();
          const join = async () => {
            const p = await context.newPage();
            await p.goto(`${lab.edgeUrl}/healthz`, { timeout: 60_000 });
            await p.addScriptTag({ content: await probeBundle() });
            await probePrepare(p, opts);
            await sleep(1_000); // the user looks at the pre-join screen
            await Promise.race([probeJoin(p, opts), sleep(60_000)]);
            const first = await waitFirstAudio(p, 60_000);
            const ms =
              first.firstAudioAt !== null && first.clickAt !== null
                ? Math.round(first.firstAudioAt - first.clickAt)
                : null;
            return { p, ms, phases: phasesOf(first) };
          };
          const once = await join();
          row.firstJoinMs = once.ms;
          row.firstPhases = once.phases;
          row.firstSelected = await describePairs(once.p);
          await probeLeave(once.p);
          await once.p.close();
          const { p: page, ms, phases } = await join();
          row.joinMs = ms;
          row.phases = phases;
          row.selected = await describePairs(page);
          if (row.joinMs !== null) {
            await sleep(3_000);
            const [s0, c0] = [await probeSnapshot(speaker), await probeSnapshot(page)];
            await sleep(WINDOW_S * 1000);
            const [s1, c1] = [await probeSnapshot(speaker), await probeSnapshot(page)];
            row.audioSent = s1.packetsSent.audio - s0.packetsSent.audio;
            row.audioReceived = audioFrom(c1, speakerId) - audioFrom(c0, speakerId);
            row.delivered =
              row.audioSent > 0 ? Math.min(1, row.audioReceived / row.audioSent) : null;
          }
          await probeLeave(page);
        } catch (err) {
          row.error = (err as Error).message.split('\n')[0];
        } finally {
          await browser.close().catch(() => undefined);
        }
        console.log(JSON.stringify(row));
      }
    }
  } finally {
    for (const b of browsers) await b.close().catch(() => undefined);
    await lab.close();
  }
  const fmt = (ms: number | null) => (ms === null ? '–' : (ms / 1000).toFixed(2));
  const kinds = (sel: string[]) => [...new Set(sel.map((s) => s.split(' ')[0]))].join(', ') || '–';
  console.log(
    '\n| profile | path (firewall) | selected: fresh / remembered | join, fresh device (s) | join, path remembered (s) | audio delivered |',
  );
  console.log('| --- | --- | --- | --- | --- | --- |');
  for (const r of rows) {
    const got =
      r.delivered === null
        ? '–'
        : `${(r.delivered * 100).toFixed(1)} % (${r.audioReceived}/${r.audioSent})`;
    console.log(
      `| ${r.profile} | ${r.path} (${r.firewall}) | ${kinds(r.firstSelected)} / ${kinds(r.selected)} | ${fmt(r.firstJoinMs)} | ${fmt(r.joinMs)} | ${got}${r.error ? ` ${r.error}` : ''} |`,
    );
  }
  // Where the time goes: the receive transport, ms after the click (fresh device / remembered path).
  console.log(
    '\n| profile | path | join | gathering starts | first host cand. | first relay cand. | ICE connected | DTLS connected | first audio |',
  );
  console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- |');
  const ms = (v: number | null | undefined) => (v === null || v === undefined ? '–' : String(v));
  for (const r of rows)
    for (const [which, p] of [
      ['fresh', r.firstPhases],
      ['remembered', r.phases],
    ] as const)
      if (p)
        console.log(
          `| ${r.profile} | ${r.path} | ${which} | ${ms(p.gathering)} | ${ms(p.host)} | ${ms(p.relay)} | ${ms(p.ice)} | ${ms(p.dtls)} | ${ms(p.audio)} |`,
        );
  const file = writeBenchResult('paths', { windowS: WINDOW_S, rows });
  console.log(`\n→ ${file}`);
}

runBench(main);
