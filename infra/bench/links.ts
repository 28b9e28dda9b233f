import os from 'node:os';
import type { Page } from 'playwright-core';
import { linkProfiles, linkProfileNames, type LinkProfileName } from '../netem/profiles';
import {
  login,
  openProbe,
  probeJoin,
  probeLeave,
  probeSnapshot,
  type ProbeSnapshot,
} from '../../e2e/weakLink/probe';
import {
  COMMUNE_GOOD,
  SPEAKER_ACCOUNTS,
  createStage,
  joinCommune,
  type Stage,
} from '../../e2e/weakLink/stage';
import { runBench, writeBenchResult } from './benchResult';
import { countFlaps } from './linkFlaps';
import { runScenario, scenarioNames, type ScenarioName, type ScenarioRow } from './linkScenarios';

/**
 * `npm run bench:links`: one commune (Chromium in a shaped namespace) in a
 * meeting with speakers on the host (Chromium, fake 440 Hz audio, the floor
 * holder also sends 3-layer simulcast video), per link profile:
 *   join       the click (join() on the prepared pre-join screen) → first remote audio packet
 *   cold       join() with nothing prepared (fresh WebSocket, Device, capabilities) → first audio
 *   prepare    what the pre-join screen does before the click (socket, Device, capabilities)
 *   →audio-only seconds from the link turning to the profile (from good) to the audio-only notice
 *   floor audio share of the floor holder's audio packets the commune received (20 s window)
 *   up kbit/s  the commune's audio while speaking (RTP + 38 bytes IP/UDP/SRTP per packet)
 *   down 1/3   audio kbit/s received with 1 and with 3 speakers, while audio-only
 *   video back seconds from the link turning good again to the notice allowing video
 *   flaps      step-downs within 30 s of a step-up, over the whole run
 * Usage: npm run bench:links [-- good,2g]
 */
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const WIRE_OVERHEAD = 20 + 8 + 10; // IPv4 + UDP + SRTP auth tag, per packet

interface Row {
  profile: LinkProfileName;
  downKbps: number;
  upKbps: number;
  rttMs: number;
  /** The click (join() after the pre-join screen prepared) → first remote audio. */
  joinMs: number | null;
  /** join() with nothing prepared (a reload straight into the room) → first remote audio. */
  joinColdMs: number | null;
  /** The pre-join screen's preparation (WebSocket, Device, capabilities). */
  prepareMs: number | null;
  audioOnlyAtJoin: boolean;
  secondsToAudioOnly: number | null;
  floorAudioShare: number | null;
  /** concealedSamples / totalSamplesReceived: the floor holder heard at the commune (down), the commune heard by the floor holder (up). */
  concealedDownPct: number | null;
  concealedUpPct: number | null;
  upAudioKbps: number | null;
  down1Kbps: number | null;
  down3Kbps: number | null;
  videoBackSeconds: number | null;
  flaps: number;
  finalState: string;
  /** Every link notice the commune got (s since join, states, the transition that caused it). */
  notices: { at: number; state: string; reason?: string }[];
}

const audioIn = (s: ProbeSnapshot, endpointId?: string) =>
  s.consumers
    .filter((c) => c.kind === 'audio' && (!endpointId || c.endpointId === endpointId))
    .reduce(
      (a, c) => ({ packets: a.packets + c.packetsReceived, bytes: a.bytes + c.bytesReceived }),
      { packets: 0, bytes: 0 },
    );

async function waitNotice(
  page: Page,
  pred: (n: ProbeSnapshot['notices'][number]) => boolean,
  since: number,
  timeoutMs: number,
) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const s = await probeSnapshot(page);
    const n = s.notices.find((x) => x.at >= since && pred(x));
    if (n) return n;
    await sleep(250);
  }
  return undefined;
}

async function waitFirstAudio(page: Page, timeoutMs: number): Promise<ProbeSnapshot> {
  const deadline = Date.now() + timeoutMs;
  let s = await probeSnapshot(page);
  while (s.firstAudioAt === null && Date.now() < deadline) {
    await sleep(250);
    s = await probeSnapshot(page);
  }
  return s;
}

/** Receiver kbit/s of audio over a window, with per-packet wire overhead. */
async function downAudioKbps(page: Page, ms: number): Promise<number> {
  const a = audioIn(await probeSnapshot(page));
  await sleep(ms);
  const b = audioIn(await probeSnapshot(page));
  return ((b.bytes - a.bytes + (b.packets - a.packets) * WIRE_OVERHEAD) * 8) / ms;
}

async function runProfile(name: LinkProfileName): Promise<Row> {
  const p = linkProfiles[name];
  const stage: Stage = await createStage({ profile: name, speakers: 1, speakerVideo: true });
  const extra: Page[] = [];
  try {
    const floor = stage.speakers[0]!;
    const floorId = (await probeSnapshot(floor)).endpointId!;
    await floor.evaluate(
      (id) =>
        (
          globalThis as unknown as { gbProbe: { request(n: string, p: unknown): Promise<unknown> } }
        ).gbProbe.request('moderation:giveFloor', { endpointId: id }),
      floorId,
    );
    // A cold join first (nothing prepared), on its own page and device, then gone.
    const cold = await joinCommune(stage, COMMUNE_GOOD, false, {
      cold: true,
      deviceId: 'cold-join',
    });
    const coldSnap = await waitFirstAudio(cold, 60_000);
    await probeLeave(cold);
    await cold.context().close();
    const commune = await joinCommune(stage, COMMUNE_GOOD, true, { lookMs: 2_000 });

    // Settle, then count the floor holder's audio: sent by it, received by the commune.
    await sleep(8_000);
    const f0 = await probeSnapshot(floor);
    const c0 = await probeSnapshot(commune);
    await sleep(20_000);
    const f1 = await probeSnapshot(floor);
    const c1 = await probeSnapshot(commune);
    // The floor's own packets (its NACK resends are in packetsSent too: counted once).
    const sent =
      f1.packetsSent.audio - f0.packetsSent.audio - (f1.audioRetransmitted - f0.audioRetransmitted);
    const got = audioIn(c1, floorId).packets - audioIn(c0, floorId).packets;
    const upPackets = c1.packetsSent.audio - c0.packetsSent.audio;
    const upKbps =
      ((c1.bytesSent.audio - c0.bytesSent.audio + upPackets * WIRE_OVERHEAD) * 8) / 20_000;
    const audioOnly = c1.notices.at(-1)?.audioOnly ?? false;
    const concealed = (a: ProbeSnapshot, b: ProbeSnapshot, from: string) => {
      const pick = (x: ProbeSnapshot) =>
        x.consumers.find((c) => c.kind === 'audio' && c.endpointId === from);
      const total = (pick(b)?.totalSamplesReceived ?? 0) - (pick(a)?.totalSamplesReceived ?? 0);
      const hidden = (pick(b)?.concealedSamples ?? 0) - (pick(a)?.concealedSamples ?? 0);
      return total > 0 ? (100 * hidden) / total : null;
    };
    const communeId = c1.endpointId!;

    let down1: number | null = null;
    let down3: number | null = null;
    if (audioOnly) {
      down1 = await downAudioKbps(commune, 8_000);
      for (const username of SPEAKER_ACCOUNTS.slice(1, 3)) {
        const page = await openProbe(stage.hostBrowser, stage.hostOrigin);
        await probeJoin(page, {
          token: await login(stage.hostOrigin, username),
          meetingId: stage.meetingId,
          deviceId: `bench-${username}`,
          video: false,
        });
        extra.push(page);
      }
      await sleep(6_000);
      down3 = await downAudioKbps(commune, 8_000);
      for (const page of extra.splice(0)) await probeLeave(page);
    }

    let videoBack: number | null = null;
    let toAudioOnly: number | null = null;
    let fallAt: number | null = null;
    if (name !== 'good') {
      // Recovery: the link turns good; how long until video is allowed again.
      const t = (await probeSnapshot(commune)).now;
      await stage.link.setProfile('good');
      const back = await waitNotice(commune, (n) => !n.audioOnly && n.send.video, t, 45_000);
      videoBack = back ? (back.at - t) / 1000 : null;
      await sleep(8_000);
      // Degradation: from good video to this profile; how long until audio-only.
      const t2 = (await probeSnapshot(commune)).now;
      fallAt = t2;
      await stage.link.setProfile(name);
      const fell = await waitNotice(commune, (n) => n.audioOnly, t2, 20_000);
      toAudioOnly = fell ? (fell.at - t2) / 1000 : null;
      await sleep(10_000);
    } else {
      await sleep(10_000);
    }
    const end = await probeSnapshot(commune);
    const last = end.notices.at(-1);
    return {
      profile: name,
      downKbps: p.downKbps,
      upKbps: p.upKbps,
      rttMs: 2 * p.oneWayDelayMs,
      joinMs:
        c1.firstAudioAt === null || c1.clickAt === null
          ? null
          : Math.round(c1.firstAudioAt - c1.clickAt),
      joinColdMs: coldSnap.firstAudioAt === null ? null : Math.round(coldSnap.firstAudioAt),
      prepareMs: c1.preparedAt === null ? null : Math.round(c1.preparedAt),
      audioOnlyAtJoin: audioOnly,
      secondsToAudioOnly: toAudioOnly,
      floorAudioShare: sent > 0 ? Math.min(1, got / sent) : null,
      concealedDownPct: concealed(c0, c1, floorId),
      concealedUpPct: concealed(f0, f1, communeId),
      upAudioKbps: upKbps,
      down1Kbps: down1,
      down3Kbps: down3,
      videoBackSeconds: videoBack,
      flaps: countFlaps(end, fallAt),
      finalState: last ? `${last.down}/${last.up}${last.audioOnly ? ' audio-only' : ''}` : 'none',
      notices: end.notices.map((n) => ({
        at: Math.round(n.at / 100) / 10,
        state: `${n.down}/${n.up}${n.audioOnly ? ' audio-only' : ''}`,
        reason: n.reason,
      })),
    };
  } finally {
    for (const page of extra) await probeLeave(page);
    await stage.close();
  }
}

const fmt = (v: number | null, digits = 1) => (v === null ? '–' : v.toFixed(digits));
const sec = (ms: number | null) => fmt(ms === null ? null : ms / 1000, 2);

async function main(): Promise<void> {
  const wanted = process.argv[2]?.split(',') ?? [...linkProfileNames, ...scenarioNames];
  const rows: Row[] = [];
  const scenarios: ScenarioRow[] = [];
  for (const name of wanted) {
    const started = Date.now();
    if ((scenarioNames as readonly string[]).includes(name)) {
      scenarios.push(await runScenario(name as ScenarioName));
    } else {
      rows.push(await runProfile(name as LinkProfileName));
    }
    console.log(
      `${name}: done in ${((Date.now() - started) / 1000).toFixed(0)} s, load ${os.loadavg()[0]!.toFixed(1)}`,
    );
  }
  console.log(
    '\n| profile (down/up kbit/s, RTT, loss) | join: click → audio (s) | cold join (s) | prepare (s) | → audio-only (s) | floor audio received | concealed down / up | up kbit/s speaking | down kbit/s 1 / 3 speakers | video back (s) | flaps | state at end |',
  );
  console.log('|---|---|---|---|---|---|---|---|---|---|---|---|');
  for (const r of rows) {
    console.log(
      `| ${r.profile} (${r.downKbps}/${r.upKbps}, ${r.rttMs} ms, ${linkProfiles[r.profile].lossPct} %) | ${sec(r.joinMs)} | ${sec(r.joinColdMs)} | ${sec(r.prepareMs)} | ${r.audioOnlyAtJoin && r.secondsToAudioOnly === null ? 'from join' : fmt(r.secondsToAudioOnly)} | ${r.floorAudioShare === null ? '–' : `${(r.floorAudioShare * 100).toFixed(1)} %`} | ${fmt(r.concealedDownPct, 2)} / ${fmt(r.concealedUpPct, 2)} % | ${fmt(r.upAudioKbps)} | ${fmt(r.down1Kbps)} / ${fmt(r.down3Kbps)} | ${fmt(r.videoBackSeconds)} | ${r.flaps} | ${r.finalState} |`,
    );
  }
  if (scenarios.length) {
    console.log(
      '\n| scenario | camera paused after (ms) | SFU fall notice received after (ms) | commune audio delivered, first 15 s | concealed at the host, 15 s | → audio-only (s) | click → video (s) | audio-only notices | minutes | link-state changes (flaps) | load start → end |',
    );
    console.log('|---|---|---|---|---|---|---|---|---|---|---|');
    for (const r of scenarios) {
      console.log(
        `| ${r.scenario} | ${r.cameraPausedMs ?? '–'} | ${r.fallNoticeMs === undefined ? '–' : (r.fallNoticeMs ?? 'none')} | ${r.audioDelivered15s == null ? '–' : `${(r.audioDelivered15s * 100).toFixed(1)} %`} | ${r.audioConcealed15s == null ? '–' : `${r.audioConcealed15s.toFixed(1)} %`} | ${fmt(r.audioOnlyS ?? null)} | ${fmt(r.videoS ?? null)} | ${r.audioOnlyNotices ?? '–'} | ${r.minutes ?? '–'} | ${r.stateChanges === undefined ? '–' : `${r.stateChanges} (${r.flaps ?? 0})`} | ${r.loadStart.toFixed(1)} → ${r.loadEnd.toFixed(1)} |`,
      );
    }
  }
  const file = writeBenchResult('links', {
    conditions:
      'server on loopback (1 mediasoup worker); commune = Chromium in a netns behind a router namespace (tbf rates with 500 ms queues, random loss on the router bridge, userspace delay relay); speakers = Chromium on the host with fake audio (and the floor holder with 3-layer VP8 simulcast); Opus 60 ms, DTX, FEC; AUDIO_REPAIR as configured (default auto)',
    rows,
    scenarios,
  });
  console.log(`\nwritten ${file}`);
}

runBench(main);
