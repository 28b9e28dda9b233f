import type { Page } from 'playwright-core';
import { droppedPackets } from '../netem/netns';
import { linkProfiles, type LinkProfileName } from '../netem/profiles';
import { audioRepairModes, type AudioRepairMode } from '@giaoban/sfu/codecs';
import { probeSnapshot, type ProbeSnapshot } from '../../e2e/weakLink/probe';
import { COMMUNE_GOOD, createStage, joinCommune, type Stage } from '../../e2e/weakLink/stage';
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
 *   sfu        what mediasoup saw: packets the receiver NACKed to the SFU and the
 *              SFU resent (its consumer), NACKs the SFU sent the speaker and the
 *              packets the speaker resent to it (the producer)
 *   buffer     mean time a played sample spent in the receiver's jitter buffer (ms):
 *              what repair costs in mouth-to-ear delay
 *   RR loss    the speaker's microphone fraction lost in the SFU's receiver reports
 *              (the expected loss Chrome's Opus encoder gets), mean of 2 s samples
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
  bufferMs: number | null;
  rrLossPct: number | null;
  sfu: SfuSide;
}

/** mediasoup's counters for one direction (see the header). */
interface SfuSide {
  consumerNackedPackets: number;
  consumerResent: number;
  producerNackedPackets: number;
  producerRepaired: number;
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
  rrLoss: number[],
  sfu: SfuSide,
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
    bufferMs:
      d('jitterBufferEmittedCount') > 0
        ? (1000 * d('jitterBufferDelay')) / d('jitterBufferEmittedCount')
        : null,
    rrLossPct: rrLoss.length ? (100 * rrLoss.reduce((a, b) => a + b, 0)) / rrLoss.length : null,
    sfu,
  };
}

type StreamStats = {
  type: string;
  nackPacketCount: number;
  packetsRetransmitted: number;
  packetsRepaired: number;
};

/** mediasoup's audio stream counters: the listener's consumer of the speaker, the speaker's microphone. */
async function sfuCounters(stage: Stage, speakerId: string, listenerId: string) {
  const meeting = await stage.app.sfu.meeting(stage.meetingId);
  const speaker = meeting?.endpoint(speakerId);
  const listener = meeting?.endpoint(listenerId);
  const mic = speaker?.producers.find((p) => p.kind === 'audio');
  const micIds = new Set(mic ? [mic.id] : []);
  const consumer = listener?.consumers.find((c) => micIds.has(c.producerId));
  const first = async (o: { getStats(): Promise<unknown[]> } | undefined) =>
    ((await o?.getStats().catch(() => []))?.[0] as StreamStats | undefined) ?? {
      type: '',
      nackPacketCount: 0,
      packetsRetransmitted: 0,
      packetsRepaired: 0,
    };
  const [c, p] = [await first(consumer), await first(mic)];
  return {
    consumerNackedPackets: c.nackPacketCount,
    consumerResent: c.packetsRetransmitted,
    producerNackedPackets: p.nackPacketCount,
    producerRepaired: p.packetsRepaired,
  };
}

const minus = (a: SfuSide, b: SfuSide): SfuSide => ({
  consumerNackedPackets: a.consumerNackedPackets - b.consumerNackedPackets,
  consumerResent: a.consumerResent - b.consumerResent,
  producerNackedPackets: a.producerNackedPackets - b.producerNackedPackets,
  producerRepaired: a.producerRepaired - b.producerRepaired,
});

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
    const [down0, up0] = [
      await sfuCounters(stage, hostId, communeId),
      await sfuCounters(stage, communeId, hostId),
    ];
    // The receiver reports' fraction lost each speaker's browser holds, every 2 s.
    const rrHost: number[] = [];
    const rrCommune: number[] = [];
    const until = Date.now() + windowMs;
    while (Date.now() < until - 2_000) {
      await sleep(2_000);
      const [h, c] = [await probeSnapshot(host), await probeSnapshot(commune)];
      if (h.micFractionLost !== null) rrHost.push(h.micFractionLost);
      if (c.micFractionLost !== null) rrCommune.push(c.micFractionLost);
    }
    await sleep(Math.max(0, until - Date.now()));
    const [h1, c1, x1] = [
      await probeSnapshot(host),
      await probeSnapshot(commune),
      await droppedPackets(stage.link.ns),
    ];
    const [down1, up1] = [
      await sfuCounters(stage, hostId, communeId),
      await sfuCounters(stage, communeId, hostId),
    ];
    return {
      profile: name,
      mode,
      rttMs: 2 * p.oneWayDelayMs,
      lossPct: p.lossPct,
      down: side(c0, c1, h0, h1, hostId, rrHost, minus(down1, down0)),
      up: side(h0, h1, c0, c1, communeId, rrCommune, minus(up1, up0)),
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
    '\n| profile | repair | concealed down / up | kbit/s down / up | Opus kbit/s host / commune | FEC packets down / up | down: NACKed to SFU, SFU resent | up: SFU NACKed, speaker resent | buffer ms down / up | RR loss host / commune | load |',
  );
  console.log('|---|---|---|---|---|---|---|---|---|---|---|');
  const ms = (v: number | null) => (v === null ? '–' : v.toFixed(0));
  for (const r of rows) {
    const { down: d, up: u } = r;
    console.log(
      `| ${r.profile} (${r.lossPct} %, ${r.rttMs} ms) | ${r.mode} | ${pct(d.concealedPct)} / ${pct(u.concealedPct)} | ${d.kbps.toFixed(1)} / ${u.kbps.toFixed(1)} | ${d.opusKbps ?? '–'} / ${u.opusKbps ?? '–'} | ${d.fecPackets} / ${u.fecPackets} | ${d.sfu.consumerNackedPackets}, ${d.sfu.consumerResent} | ${u.sfu.producerNackedPackets}, ${u.retransmitted} | ${ms(d.bufferMs)} / ${ms(u.bufferMs)} | ${pct(d.rrLossPct)} / ${pct(u.rrLossPct)} | ${r.load[0]!.toFixed(2)} |`,
    );
  }
  const file = writeBenchResult('voice', {
    conditions: `server on loopback (1 worker); host = Chromium on the host, commune = Chromium in a netns behind a router namespace (tbf rates, random loss on the router's bridge both ways, userspace delay relay); fake audio (continuous tone), audio only; settle ${settleMs} ms, window ${windowMs} ms`,
    rows,
  });
  console.log(`\nwritten ${file}`);
}

runBench(main);
