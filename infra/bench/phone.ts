import { readFileSync } from 'node:fs';
import os from 'node:os';
import { createSocket } from 'node:dgram';
import { startTestApp } from '../test/app';
import { spawnNode } from '../src/cluster/childNode';
import { login, startMeeting } from '../../signaling/src/testing/clients';
import type { MeetingPhone } from '@giaoban/scheduler/api/phone';
import type { UnitNode } from '@giaoban/scheduler/api/units';
import { runBench, writeBenchResult } from './benchResult';
import { benchUserAgent, SynthCaller } from './phone/synthCaller';

/**
 * `npm run bench:phone` (docs/phone.md): the phone role as its own process
 * against an all-in-one server; synthetic SIP callers (infra/bench/phone) in
 * pairs, one meeting per pair, each speaking a gated tone. Figures: PIN →
 * meeting heard (setupMs), audio delivered up (caller → SFU producer) and down
 * (partner's tone frames heard), mouth-to-ear delay (tone onsets), the phone
 * role's CPU per call; clean and 5 % loss each way, then 30 calls at once.
 */
const KEY = 'bench-phone-key-0123456789abcdef';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.floor(s.length / 2)]! : NaN;
};
const ticks = (pid: number) => {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return Number(f[11]) + Number(f[12]);
};

runBench(async () => {
  const app = await startTestApp({
    SFU_WORKERS: '1',
    PHONE_SERVICE_KEY: KEY,
    PHONE_SIP_NUMBER: '0232380017',
  });
  const probe = createSocket('udp4');
  await new Promise<void>((r) => probe.bind(0, '127.0.0.1', () => r()));
  const sipPort = probe.address().port;
  probe.close();
  const phone = await spawnNode(
    'phone',
    'phone',
    {
      ...process.env,
      PHONE_SERVICE_KEY: KEY,
      PHONE_SIP_PORT: String(sipPort),
      PHONE_SIP_LISTEN_IP: '127.0.0.1',
      PHONE_APP_URL: app.url,
      LOG_LEVEL: 'warn',
    },
    { stdio: 'inherit' },
  );
  const { ua, port: uaPort } = await benchUserAgent();
  const target = `sip:0232380017@127.0.0.1:${sipPort}`;
  const host = await login(app.url, 'host44');
  const units = (await (
    await fetch(`${app.url}/api/units`, { headers: { authorization: `Bearer ${host}` } })
  ).json()) as { tree: UnitNode };
  const leaves: string[] = [];
  const walk = (n: UnitNode) => (n.children.length ? n.children.forEach(walk) : leaves.push(n.id));
  walk(units.tree);
  let used = 0;

  async function scenario(name: string, pairs: number, lossPct: number, windowS: number) {
    const calls: { a: SynthCaller; b: SynthCaller; meetingId: string; ua: string; ub: string }[] =
      [];
    for (let i = 0; i < pairs; i++) {
      const [ua_, ub] = [leaves[used++]!, leaves[used++]!];
      const meetingId = await startMeeting(app.url, host, [ua_, ub]);
      const res = await fetch(`${app.url}/api/meetings/${meetingId}/phone`, {
        headers: { authorization: `Bearer ${host}` },
      });
      const pins = (await res.json()) as MeetingPhone;
      const pin = (u: string) => pins.pins.find((p) => p.unitId === u)!.pin;
      const a = await SynthCaller.create({ freq: 440, lossPct });
      const b = await SynthCaller.create({ freq: 880, lossPct });
      await a.dial(ua, target, uaPort);
      await sleep(300);
      await a.typePin(pin(ua_));
      await sleep(1_500);
      await b.dial(ua, target, uaPort);
      await sleep(300);
      await b.typePin(pin(ub));
      calls.push({ a, b, meetingId, ua: ua_, ub });
    }
    await sleep(3_000);
    const producerPackets = async (meetingId: string, unitId: string) => {
      const m = await app.sfu.meeting(meetingId);
      const p = m
        ?.producersWithRouters()
        .find(
          ({ producer }) => m.endpoint(producer.appData.endpointId).unitId === unitId,
        )?.producer;
      const st = p ? await p.getStats() : [];
      return st.reduce((n, s) => n + ((s as { packetCount?: number }).packetCount ?? 0), 0);
    };
    const snap = async () =>
      Promise.all(
        calls.map(async (c) => ({
          a: {
            ...c.a.sent,
            heard: c.a.heard.soundFrames,
            sfu: await producerPackets(c.meetingId, c.ua),
          },
          b: {
            ...c.b.sent,
            heard: c.b.heard.soundFrames,
            sfu: await producerPackets(c.meetingId, c.ub),
          },
        })),
      );
    const s0 = await snap();
    const cpu0 = ticks(phone.process.pid!);
    const t0 = performance.now();
    await sleep(windowS * 1000);
    const cpu1 = ticks(phone.process.pid!);
    const elapsed = (performance.now() - t0) / 1000;
    const s1 = await snap();
    const up: number[] = [];
    const down: number[] = [];
    s1.forEach((e, i) => {
      const b0 = s0[i]!;
      up.push(
        (e.a.sfu - b0.a.sfu) / (e.a.frames - b0.a.frames),
        (e.b.sfu - b0.b.sfu) / (e.b.frames - b0.b.frames),
      );
      // What each heard of its partner's bursts.
      down.push(
        (e.a.heard - b0.a.heard) / (e.b.onFrames - b0.b.onFrames),
        (e.b.heard - b0.b.heard) / (e.a.onFrames - b0.a.onFrames),
      );
    });
    const delays: number[] = [];
    for (const c of calls)
      for (const [hearer, speaker] of [
        [c.b, c.a],
        [c.a, c.b],
      ] as const)
        for (const t of hearer.heard.onsets) {
          const start = [...speaker.burstStarts].reverse().find((s) => s <= t);
          if (start !== undefined && t - start < 900) delays.push(t - start);
        }
    const setups = calls.map((c) => c.b.firstSoundAfterPin - c.b.pinSentAt).filter((x) => x > 0);
    const cpuPct = ((cpu1 - cpu0) / 100 / elapsed) * 100; // clock ticks of 10 ms
    // Calls that reached their meeting (a join that failed ends the call: counted as 0 % delivered).
    const joined = calls.reduce(
      (n, c) => n + (c.a.firstSoundAfterPin ? 1 : 0) + (c.b.firstSoundAfterPin ? 1 : 0),
      0,
    );
    // Burst tails (the decoders' ringing) make a few more sound frames than were sent: at most 100 %.
    const pct = (x: number) => +(100 * Math.min(1, x)).toFixed(2);
    for (const c of calls) {
      c.a.stop();
      c.b.stop();
    }
    await sleep(1_000);
    const row = {
      name,
      calls: pairs * 2,
      lossPct,
      setupMs: Math.round(median(setups)),
      joined,
      deliveredUpPct: pct(Math.min(...up)),
      deliveredDownPct: pct(Math.min(...down)),
      deliveredUpMedianPct: pct(median(up)),
      deliveredDownMedianPct: pct(median(down)),
      mouthToEarMs: Math.round(median(delays)),
      phoneCpuPct: +cpuPct.toFixed(1),
      cpuPerCallPct: +(cpuPct / Math.max(1, joined)).toFixed(2),
      load: +os.loadavg()[0]!.toFixed(1),
    };
    console.table([row]);
    return row;
  }

  const clean = await scenario('clean, 1 pair', 1, 0, 10);
  const lossy = await scenario('5 % loss each way, 1 pair', 1, 5, 10);
  const thirty = await scenario('30 calls at once (15 pairs)', 15, 0, 10);
  const file = writeBenchResult('phone', {
    setupMs: clean.setupMs,
    deliveredUpPct: clean.deliveredUpPct,
    deliveredDownPct: clean.deliveredDownPct,
    cpuPerCallPct: thirty.cpuPerCallPct,
    mouthToEarMs: clean.mouthToEarMs,
    scenarios: [clean, lossy, thirty],
    goals: { setupMs: 3000, deliveredPct: 99, cpuPerCallPct: 2, calls: 30 },
    note: 'loss emulated in the synthetic callers (each audio packet dropped with p=5 % each way); phoneCpuPct: the phone role process only (/proc ticks)',
  });
  console.log(`written ${file}`);
  ua.destroy();
  await phone.stop();
  await app.close();
});
