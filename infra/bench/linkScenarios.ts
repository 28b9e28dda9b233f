import { spawn, type ChildProcess } from 'node:child_process';
import os from 'node:os';
import type { Page } from 'playwright-core';
import { probeSnapshot, type ProbeSnapshot } from '../../e2e/weakLink/probe';
import { COMMUNE_GOOD, createStage, joinCommune, type Stage } from '../../e2e/weakLink/stage';
import { countFlaps } from './linkFlaps';

/**
 * The bench:links scenarios that are not one profile (infra/bench/links.ts):
 *   fall     good → 2G with the camera running: how soon the camera pauses
 *            (FallGuard) and how much of the commune's audio reaches the host
 *            in the first 15 s
 *   starved  a good link, the commune's Chromium held to 30 % of one core
 *            (cgroup cpu quota): link-state changes over the run
 *   busy     a good link, 4 busy processes on the machine besides: the same
 *   vsat     a satellite link (2,000/500 kbit/s, 600 ms RTT), the device's link
 *            measured good (the pre-join test): seconds from the click to the
 *            other unit's video decoded, then link-state changes while watched
 *   … and `starved`/`busy`/`vsat` last STEADY_MINUTES (default 10).
 */
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
export const scenarioNames = ['fall', 'starved', 'busy', 'vsat'] as const;
export type ScenarioName = (typeof scenarioNames)[number];

export interface ScenarioRow {
  scenario: ScenarioName;
  /** fall: ms from the uplink turning 2G (its tbf replaced) to the camera paused in the browser. */
  cameraPausedMs?: number | null;
  /** fall: ms from the uplink turning 2G to the browser getting the SFU's `fall` notice (null: none came). */
  fallNoticeMs?: number | null;
  /** fall: the uplink's new rate took effect (epoch ms), to line up with the server's log. */
  upAppliedAt?: number;
  /** fall: the commune's audio packets the host received / sent, first 15 s. */
  audioDelivered15s?: number | null;
  /** The commune's audio the host's receiver concealed (PLC) in the same 15 s, %. */
  audioConcealed15s?: number | null;
  /** fall: seconds to the server's audio-only notice. */
  audioOnlyS?: number | null;
  /** vsat: seconds from the click to the other unit's video decoded (null: never). */
  videoS?: number | null;
  /** vsat: audio-only notices while watched. */
  audioOnlyNotices?: number;
  /** starved/busy/vsat: minutes watched, and link-state changes the commune was told of. */
  minutes?: number;
  stateChanges?: number;
  /** Step-downs within 30 s of a step-up while watched. */
  flaps?: number;
  states?: string[];
  /** Each notice watched: seconds since the join, the states. */
  timeline?: { at: number; state: string }[];
  loadStart: number;
  loadEnd: number;
}

const audioFrom = (s: ProbeSnapshot, endpointId: string) =>
  s.consumers
    .filter((c) => c.kind === 'audio' && c.endpointId === endpointId)
    .reduce((n, c) => n + c.packetsReceived, 0);
const stateOf = (n: ProbeSnapshot['notices'][number]) =>
  `${n.down}/${n.up}${n.audioOnly ? ' audio-only' : ''}`;

async function waitFor(page: Page, pred: (s: ProbeSnapshot) => boolean, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const s = await probeSnapshot(page);
    if (pred(s) || Date.now() > deadline) return s;
    await sleep(100);
  }
}

/** The commune's camera running and sending. */
const cameraOn = (s: ProbeSnapshot) => s.cameraProduced && s.cameraPaused === false;

async function fall(stage: Stage, loadStart: number): Promise<ScenarioRow> {
  const host = stage.speakers[0]!;
  const commune = await joinCommune(stage, COMMUNE_GOOD, true, { lookMs: 1_000 });
  await waitFor(commune, cameraOn, 40_000);
  await sleep(10_000); // Chrome's estimate ramps, the camera grows its layers
  const communeId = (await probeSnapshot(commune)).endpointId!;
  const c0 = await probeSnapshot(commune);
  const h0 = await probeSnapshot(host);
  const t0 = Date.now();
  // Timed from the moment the uplink's new rate took effect (not from spawning `tc`).
  const { upAppliedAt } = await stage.link.setProfile('2g');
  const paused = await waitFor(commune, (s) => s.cameraPaused === true, 15_000);
  const pausedAt = paused.cameraPausedAt.find((t) => t >= upAppliedAt);
  const cameraPausedMs = pausedAt === undefined ? null : pausedAt - upAppliedAt;
  await sleep(Math.max(0, t0 + 15_000 - Date.now()));
  const c1 = await probeSnapshot(commune);
  await sleep(700); // what was sent by 15 s crosses the 2G delay and queue
  const h1 = await probeSnapshot(host);
  // The microphone's own packets: Chrome counts its NACK resends in packetsSent too, and a
  // resend that arrives fills the hole its original left (counted once at the host).
  const sent =
    c1.packetsSent.audio - c0.packetsSent.audio - (c1.audioRetransmitted - c0.audioRetransmitted);
  const got = audioFrom(h1, communeId) - audioFrom(h0, communeId);
  // What the host heard: packets counted at the receiver may include duplicates (a resend of
  // a packet that was only late); concealed samples are what the ear got instead of speech.
  const rx = (s: ProbeSnapshot) =>
    s.consumers.find((c) => c.kind === 'audio' && c.endpointId === communeId);
  const samples = (rx(h1)?.totalSamplesReceived ?? 0) - (rx(h0)?.totalSamplesReceived ?? 0);
  const concealed = (rx(h1)?.concealedSamples ?? 0) - (rx(h0)?.concealedSamples ?? 0);
  const ao = c1.notices.find((n) => n.at >= c0.now && n.audioOnly);
  const fallNotice = c1.notices.find((n) => n.wallAt >= upAppliedAt && n.fall);
  return {
    scenario: 'fall',
    cameraPausedMs,
    fallNoticeMs: fallNotice ? fallNotice.wallAt - upAppliedAt : null,
    upAppliedAt,
    audioDelivered15s: sent > 0 ? Math.min(1, got / sent) : null,
    audioConcealed15s: samples > 0 ? (100 * concealed) / samples : null,
    audioOnlyS: ao ? (ao.at - c0.now) / 1000 : null,
    loadStart,
    loadEnd: os.loadavg()[0]!,
  };
}

async function steady(stage: Stage, scenario: ScenarioName, loadStart: number) {
  const minutes = Number(process.env.STEADY_MINUTES ?? 10);
  const commune = await joinCommune(stage, COMMUNE_GOOD, true, {
    lookMs: 1_000,
    ...(scenario === 'vsat' && { measured: 'good' as const }),
  });
  let videoS: number | null | undefined;
  if (scenario === 'vsat') {
    const v = await waitFor(
      commune,
      (s) => s.consumers.some((c) => c.kind === 'video' && c.framesDecoded > 0),
      30_000,
    );
    const ok = v.consumers.some((c) => c.kind === 'video' && c.framesDecoded > 0);
    videoS = ok && v.clickAt !== null ? (v.now - v.clickAt) / 1000 : null;
  }
  // Joining is learning the link (probation): counted from once it has settled.
  await waitFor(commune, cameraOn, 40_000);
  await sleep(scenario === 'vsat' ? 0 : 15_000);
  const from = scenario === 'vsat' ? 0 : (await probeSnapshot(commune)).notices.length;
  const busy: ChildProcess[] = [];
  if (scenario === 'busy') {
    for (let i = 0; i < 4; i++) {
      busy.push(spawn(process.execPath, ['-e', 'for(;;){}'], { stdio: 'ignore' }));
    }
  }
  try {
    await sleep(minutes * 60_000);
  } finally {
    for (const b of busy) b.kill('SIGKILL');
  }
  const s = await probeSnapshot(commune);
  const states = s.notices.slice(Math.max(0, from - 1)).map(stateOf);
  let changes = 0;
  for (let i = 1; i < states.length; i++) if (states[i] !== states[i - 1]) changes++;
  const watched = s.notices.slice(Math.max(0, from - 1));
  return {
    scenario,
    minutes,
    stateChanges: changes,
    flaps: countFlaps({ ...s, notices: watched }, null),
    states,
    timeline: watched.map((n) => ({ at: Math.round(n.at / 100) / 10, state: stateOf(n) })),
    ...(videoS !== undefined && {
      videoS,
      audioOnlyNotices: s.notices.filter((n) => n.audioOnly).length,
    }),
    loadStart,
    loadEnd: os.loadavg()[0]!,
  };
}

export async function runScenario(scenario: ScenarioName): Promise<ScenarioRow> {
  const loadStart = os.loadavg()[0]!;
  const stage = await createStage({
    profile: scenario === 'vsat' ? 'vsat' : 'good',
    speakers: 1,
    speakerVideo: true,
    communeCpuPct: scenario === 'starved' ? 30 : undefined,
  });
  try {
    return scenario === 'fall'
      ? await fall(stage, loadStart)
      : await steady(stage, scenario, loadStart);
  } finally {
    await stage.close();
  }
}
