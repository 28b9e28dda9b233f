import { readFileSync } from 'node:fs';
import type { RTCPeerConnection } from 'werift';
import { connect, type TestClient } from '@giaoban/signaling/testing/clients';
import { opusCapabilities, receive } from './weriftPeers';

/**
 * Child process of the join benchmark (the clients live apart from the server's
 * event loop, as browsers would): connects every socket first, then all endpoints
 * send `meeting:join` at once and each measures request → first RTP packet.
 * With `ratePerSec` > 0 the endpoints arrive one after another at that rate instead.
 * Input: a JSON file (argv[2]) { url, meetingId, joiners: [{ token, deviceId }], timeoutMs, ratePerSec }.
 * Output: one line "RESULT <json>" with the samples and this process's CPU time (the
 * simulated browsers share one thread here; in reality each has its own machine).
 */
interface Input {
  url: string;
  meetingId: string;
  joiners: { token: string; deviceId: string }[];
  timeoutMs: number;
  ratePerSec: number;
}
export interface JoinSample {
  ok: boolean;
  error?: string;
  /** ms from the join request to each phase. */
  joinAck?: number;
  consumeAck?: number;
  connected?: number;
  resumed?: number;
  /** werift's connection state turned 'connected' (ICE + DTLS done). */
  dtls?: number;
  /** werift's ICE state turned 'connected' (a checked pair with mediasoup). */
  ice?: number;
  firstMedia?: number;
}

const input = JSON.parse(readFileSync(process.argv[2]!, 'utf8')) as Input;
const clients: TestClient[] = [];
const peers: RTCPeerConnection[] = [];

async function joinOne(client: TestClient, deviceId: string): Promise<JoinSample> {
  const t0 = performance.now();
  const at = () => Math.round((performance.now() - t0) * 10) / 10;
  const s: JoinSample = { ok: false };
  const joinAck = await client.request('meeting:join', { meetingId: input.meetingId, deviceId });
  if (!joinAck.ok) throw new Error(`join: ${joinAck.error.code}`);
  s.joinAck = at();
  const join = joinAck.data;
  const producerIds = join.endpoints.flatMap((e) =>
    e.producers.filter((p) => p.kind === 'audio').map((p) => p.id),
  );
  if (producerIds.length === 0) throw new Error('no audio producer in the meeting');
  const consumed = await client.request('media:consume', {
    producerIds,
    rtpCapabilities: opusCapabilities(join),
  });
  if (!consumed.ok) throw new Error(`consume: ${consumed.error.code}`);
  s.consumeAck = at();
  const { pc, firstRtp } = await receive(client, join, consumed.data.consumers, () => {
    s.connected = at();
  });
  peers.push(pc);
  if (['connected', 'completed'].includes(pc.iceConnectionState)) s.ice = at();
  else
    pc.iceConnectionStateChange.subscribe((state) => {
      if ((state === 'connected' || state === 'completed') && s.ice === undefined) s.ice = at();
    });
  if (pc.connectionState === 'connected') s.dtls = at();
  else
    pc.connectionStateChange.subscribe((state) => {
      if (state === 'connected' && s.dtls === undefined) s.dtls = at();
    });
  const resumed = await client.request('media:resumeConsumers', {
    consumerIds: consumed.data.consumers.map((c) => c.id),
  });
  if (!resumed.ok) throw new Error(`resume: ${resumed.error.code}`);
  s.resumed = at();
  const first = await Promise.race([
    firstRtp,
    new Promise<never>((_, reject) =>
      setTimeout(() => reject(new Error('no media')), input.timeoutMs),
    ),
  ]);
  s.firstMedia = Math.round((first - t0) * 10) / 10;
  s.ok = true;
  return s;
}

async function main(): Promise<void> {
  for (const j of input.joiners) clients.push(await connect(input.url, j.token));
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const samples = await Promise.all(
    clients.map(async (c, i) => {
      if (input.ratePerSec > 0)
        await new Promise((r) => setTimeout(r, (i * 1000) / input.ratePerSec));
      return joinOne(c, input.joiners[i]!.deviceId).catch((err: unknown): JoinSample => ({
        ok: false,
        error: String(err),
      }));
    }),
  );
  const cpu = process.cpuUsage(cpu0);
  const result = {
    samples,
    clientCpuMs: Math.round((cpu.user + cpu.system) / 1000),
    wallMs: Math.round(performance.now() - t0),
  };
  console.log(`RESULT ${JSON.stringify(result)}`);
  await Promise.all(clients.map((c) => c.request('meeting:leave', {}).catch(() => undefined)));
  for (const c of clients) c.close();
  await Promise.all(peers.map((p) => p.close().catch(() => undefined)));
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
