import os from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { probeSnapshot, type ProbeSnapshot } from './weakLink/probe';
import { COMMUNE_GOOD, createStage, joinCommune, type Stage } from './weakLink/stage';

/**
 * Voice through random loss (issue 13), end to end with the default repair
 * (AUDIO_REPAIR=auto): the commune's Chromium in a namespace behind 2G with 5 %
 * random loss dropped on the router both ways (300 ms round trip), the
 * province host's Chromium on the host, both audio only. The commune's
 * receiver must deepen its jitter buffer past the round trip so Chrome NACKs
 * the host's lost packets (it asks only for what can still play) and the SFU
 * resends them; the SFU NACKs the commune's microphone, and the host is told
 * to hold the commune's voice one commune round trip deeper (`voices`).
 */
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
type Consumer = ProbeSnapshot['consumers'][number];
const audioOf = (s: ProbeSnapshot, endpointId: string): Consumer | undefined =>
  s.consumers.find((c) => c.kind === 'audio' && c.endpointId === endpointId);

async function streamCounters(stage: Stage, speakerId: string, listenerId: string) {
  const meeting = await stage.app.sfu.meeting(stage.meetingId);
  const mic = meeting?.endpoint(speakerId).producers.find((p) => p.kind === 'audio');
  const consumer = meeting
    ?.endpoint(listenerId)
    .consumers.find((c) => c.kind === 'audio' && c.producerId === mic?.id);
  type S = { nackPacketCount: number; packetsRetransmitted: number };
  const first = async (o: { getStats(): Promise<unknown[]> } | undefined) =>
    ((await o?.getStats())?.[0] as S | undefined) ?? {
      nackPacketCount: 0,
      packetsRetransmitted: 0,
    };
  return { consumer: await first(consumer), mic: await first(mic) };
}

describe('voice through random loss (2G + 5 %, default repair)', () => {
  let stage: Stage;
  let host: Page;
  let commune: Page;
  beforeAll(async () => {
    stage = await createStage({ profile: '2g-loss5', speakers: 1, speakerVideo: false });
    host = stage.speakers[0]!;
    commune = await joinCommune(stage, COMMUNE_GOOD, false, { lookMs: 500 });
  });
  afterAll(async () => {
    await stage?.close();
  });

  it('repairs lost audio by NACK on both legs, the jitter buffers deep enough to wait for it', async () => {
    const hostId = (await probeSnapshot(host)).endpointId!;
    const communeId = (await probeSnapshot(commune)).endpointId!;
    // Loss repair decides on ~10 s of reports (LossRepair, RepairBuffer).
    await sleep(15_000);
    const [c0, down0, up0] = [
      await probeSnapshot(commune),
      await streamCounters(stage, hostId, communeId),
      await streamCounters(stage, communeId, hostId),
    ];
    await sleep(15_000);
    const [c1, h1, down1, up1] = [
      await probeSnapshot(commune),
      await probeSnapshot(host),
      await streamCounters(stage, hostId, communeId),
      await streamCounters(stage, communeId, hostId),
    ];
    const a0 = audioOf(c0, hostId)!;
    const a1 = audioOf(c1, hostId)!;
    const bufferMs =
      (1000 * (a1.jitterBufferDelay - a0.jitterBufferDelay)) /
      Math.max(1, a1.jitterBufferEmittedCount - a0.jitterBufferEmittedCount);
    const nacked = down1.consumer.nackPacketCount - down0.consumer.nackPacketCount;
    const resent = down1.consumer.packetsRetransmitted - down0.consumer.packetsRetransmitted;
    const micNacked = up1.mic.nackPacketCount - up0.mic.nackPacketCount;
    console.warn(
      `2G + 5 %: commune buffer ${bufferMs.toFixed(0)} ms, NACKed ${nacked}, SFU resent ${resent}; ` +
        `SFU NACKed the commune's microphone for ${micNacked} (load ${os.loadavg()[0]!.toFixed(1)})`,
    );
    // Downlink: the commune's Chrome waits a round trip (300 ms) and asks for what 2G lost.
    expect(bufferMs, "the commune's jitter buffer follows its round trip").toBeGreaterThan(300);
    expect(nacked, 'the commune NACKs the lost audio').toBeGreaterThan(0);
    expect(resent, 'the SFU resends it').toBeGreaterThan(0);
    // Uplink: the SFU asks the commune's microphone again, and the host waits for it.
    expect(micNacked, "the SFU NACKs the commune's microphone").toBeGreaterThan(0);
    const told = h1.notices.filter((n) => (n.voices?.[communeId] ?? 0) >= 300).at(-1);
    expect(told, "the host is told to hold the commune's voice ≥ 300 ms").toBeDefined();
  });
});
