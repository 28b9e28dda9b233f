import type { Page } from 'playwright-core';
import { droppedPackets } from '../netem/netns';
import { linkProfiles, type LinkProfileName } from '../netem/profiles';
import { audioRepairModes, type AudioRepairMode } from '@giaoban/sfu/codecs';
import { probeSnapshot, type ProbeSnapshot } from '../../e2e/weakLink/probe';
import { COMMUNE_GOOD, createStage, joinCommune } from '../../e2e/weakLink/stage';
import { runBench, writeBenchResult } from './benchResult';

/**
 * `npm run bench:voice [-- 2g-loss5,3g-loss10 [lean,fec,nack,fec+nack]]`: how much
 * of the voice the ear loses on a lossy link, per loss-repair mode (AUDIO_REPAIR).
 * One speaker (the province host, Chromium on the host, fake audio) and one
 * commune (Chromium in the shaped namespace, loss on the wire both ways); both
 * audio only. After `settleMs`, over `windowMs`:
 *   concealed  concealedSamples / totalSamplesReceived of the other side's audio
 *              (down: the host heard at the commune; up: the commune heard at the host)
 *   fec        fecPacketsReceived, NACKs the receiver sent, packets the sender resent
 *   kbit/s     audio RTP on the wire per direction (+38 bytes IP/UDP/SRTP a packet)
 *   lost       packets the link dropped (router counters) / audio packets sent
 * Concealment per kbit/s: the table shows both; the mode is chosen by both.
 */
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const WIRE_OVERHEAD = 20 + 8 + 10;
const settleMs = Number(process.env.VOICE_SETTLE_MS ?? 20_000);
const windowMs = Number(process.env.VOICE_WINDOW_MS ?? 30_000);

interface Side {
  concealedPct: number | null;
  fecPackets: number;
  nacks: number;
  retransmitted: number;
  kbps: number;
  opusKbps: number | null;
}

interface Row {
  profile: LinkProfileName;
  mode: AudioRepairMode;
  rttMs: number;
  lossPct: number;
  down: Side;
  up: Side;
  droppedDown: number;
  droppedUp: number;
  load: number[];
}

type Consumer = ProbeSnapshot['consumers'][number];
const audioOf = (s: ProbeSnapshot, endpointId: string): Consumer | undefined =>
  s.consumers.find((c) => c.kind === 'audio' && c.endpointId === endpointId);

/** What `listener` heard of `speaker` between two snapshot pairs. */
function side(
  l0: ProbeSnapshot,
  l1: ProbeSnapshot,
  s0: ProbeSnapshot,
  s1: ProbeSnapshot,
  speakerId: string,
): Side {
  const a = audioOf(l0, speakerId);
  const b = audioOf(l1, speakerId);
  const d = (k: keyof Consumer) => Number(b?.[k] ?? 0) - Number(a?.[k] ?? 0);
  const total = d('totalSamplesReceived');
  const packets = s1.packetsSent.audio - s0.packetsSent.audio;
  const bytes = s1.bytesSent.audio - s0.bytesSent.audio;
  return {
    concealedPct: total > 0 ? (100 * d('concealedSamples')) / total : null,
    fecPackets: d('fecPacketsReceived'),
    nacks: d('nackCount'),
    retransmitted: s1.audioRetransmitted - s0.audioRetransmitted,
    kbps: ((bytes + packets * WIRE_OVERHEAD) * 8) / windowMs,
    opusKbps: s1.audioMaxKbps,
  };
}

async function runOne(name: LinkProfileName, mode: AudioRepairMode): Promise<Row> {
  const p = linkProfiles[name];
  const stage = await createStage({
    profile: name,
    speakers: 1,
    speakerVideo: false,
    env: { AUDIO_REPAIR: mode },
  });
  try {
    const host: Page = stage.speakers[0]!;
    const commune = await joinCommune(stage, COMMUNE_GOOD, false, { lookMs: 500 });
    await sleep(settleMs);
    const hostId = (await probeSnapshot(host)).endpointId!;
    const communeId = (await probeSnapshot(commune)).endpointId!;
    const [h0, c0, x0] = [
      await probeSnapshot(host),
      await probeSnapshot(commune),
      await droppedPackets(stage.link.ns),
    ];
    await sleep(windowMs);
    const [h1, c1, x1] = [
      await probeSnapshot(host),
      await probeSnapshot(commune),
      await droppedPackets(stage.link.ns),
    ];
    return {
      profile: name,
      mode,
      rttMs: 2 * p.oneWayDelayMs,
      lossPct: p.lossPct,
      down: side(c0, c1, h0, h1, hostId),
      up: side(h0, h1, c0, c1, communeId),
      droppedDown: x1.down - x0.down,
      droppedUp: x1.up - x0.up,
      load: (await import('node:os')).loadavg(),
    };
  } finally {
    await stage.close();
  }
}

const pct = (v: number | null) => (v === null ? '–' : `${v.toFixed(2)} %`);

async function main(): Promise<void> {
  const profiles = (process.argv[2]?.split(',') ?? [
    '2g-loss5',
    'edge-loss3',
    '3g-loss10',
  ]) as LinkProfileName[];
  const modes = (process.argv[3]?.split(',') ??
    audioRepairModes.filter((m) => m !== 'auto')) as AudioRepairMode[];
  const rows: Row[] = [];
  for (const name of profiles) {
    for (const mode of modes) {
      const row = await runOne(name, mode);
      rows.push(row);
      console.log(
        `${name} ${mode}: concealed down ${pct(row.down.concealedPct)} up ${pct(row.up.concealedPct)}, load ${row.load[0]!.toFixed(1)}`,
      );
    }
  }
  console.log(
    '\n| profile | repair | concealed down | concealed up | kbit/s down / up | Opus kbit/s host / commune | FEC packets down / up | NACKs down / up | resent down / up | load |',
  );
  console.log('|---|---|---|---|---|---|---|---|---|---|');
  for (const r of rows) {
    console.log(
      `| ${r.profile} (${r.lossPct} %, ${r.rttMs} ms) | ${r.mode} | ${pct(r.down.concealedPct)} | ${pct(r.up.concealedPct)} | ${r.down.kbps.toFixed(1)} / ${r.up.kbps.toFixed(1)} | ${r.down.opusKbps ?? '–'} / ${r.up.opusKbps ?? '–'} | ${r.down.fecPackets} / ${r.up.fecPackets} | ${r.down.nacks} / ${r.up.nacks} | ${r.down.retransmitted} / ${r.up.retransmitted} | ${r.load[0]!.toFixed(2)} |`,
    );
  }
  const file = writeBenchResult('voice', {
    conditions: `server on loopback (1 worker); host = Chromium on the host, commune = Chromium in a netns behind a router namespace (tbf rates, random loss on the router's bridge both ways, userspace delay relay); fake audio (continuous tone), audio only; settle ${settleMs} ms, window ${windowMs} ms`,
    rows,
  });
  console.log(`\nwritten ${file}`);
}

runBench(main);
