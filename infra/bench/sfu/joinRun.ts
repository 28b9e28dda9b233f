import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { connect, login } from '@giaoban/signaling/testing/clients';
import { startTestApp } from '../../test/app';
import { median } from './capacity';
import type { JoinSample } from './joinClients';
import { num, table } from './table';
import { speak } from './weriftPeers';

export interface JoinScenario {
  joiners: number;
  /** 'burst': all at once; otherwise endpoints arriving at this rate per second. */
  arrival: 'burst' | number;
  /** CPU the client process (all simulated browsers, one thread) used, and its wall time. */
  clientCpuMs: number;
  ok: number;
  failed: number;
  errors: string[];
  firstMediaMs: { p50: number; p95: number; max: number };
  /** Medians of the phases, ms from the join request. */
  phasesMs: {
    joinAck: number;
    consumeAck: number;
    connected: number;
    resumed: number;
    ice: number;
    dtls: number;
  };
  wallMs: number;
  samples: JoinSample[];
}

export interface JoinReport {
  method: Record<string, unknown>;
  scenarios: JoinScenario[];
}

const here = path.dirname(fileURLToPath(import.meta.url));
const pctl = (xs: number[], q: number) => {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)]!;
};

interface UnitNode {
  id: string;
  tier: string;
  children?: UnitNode[];
}
const flatten = (n: UnitNode): UnitNode[] => [n, ...(n.children ?? []).flatMap(flatten)];

/**
 * Part 2: join latency, request → first media, through the real all-in-one server
 * (scheduler login + meeting, socket.io signaling, LocalSfuClient, mediasoup
 * workers) with real WebRTC peers (werift) in a child process. A province host
 * speaks (werift sending Opus-sized RTP every 20 ms); then bursts of 1, 10, 170
 * endpoints of the invited units join at once and consume its audio.
 */
export interface JoinPlan {
  joiners: number;
  arrival: 'burst' | number;
}

export async function runJoin(plans: JoinPlan[]): Promise<JoinReport> {
  const app = await startTestApp({ LOG_LEVEL: 'warn', SIGNALING_RATE_PER_SECOND: '40' });
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'gb-bench-join-'));
  try {
    const hostToken = await login(app.url, 'host44');
    const unitsRes = await fetch(`${app.url}/api/units`, {
      headers: { authorization: `Bearer ${hostToken}` },
    });
    const tree = ((await unitsRes.json()) as { tree: UnitNode }).tree;
    const province = flatten(tree).find((u) => u.id === '44');
    if (!province) throw new Error('province 44 not in the org tree');
    const units = flatten(province).filter((u) => u.id !== '44');
    const started = await fetch(`${app.url}/api/meetings/start-now`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${hostToken}` },
      body: JSON.stringify({
        title: 'bench:sfu join',
        durationMinutes: 60,
        selectors: [{ type: 'subtree', unitId: '44' }],
      }),
    });
    if (started.status !== 201) throw new Error(`start-now ${started.status}`);
    const meetingId = ((await started.json()) as { meeting: { id: string } }).meeting.id;

    const host = await connect(app.url, hostToken);
    const hj = await host.request('meeting:join', { meetingId, deviceId: 'bench-speaker' });
    if (!hj.ok) throw new Error(`host join: ${hj.error.code}`);
    const speaker = await speak(host, hj.data);
    await new Promise((r) => setTimeout(r, 1000));

    const need = Math.min(Math.max(...plans.map((p) => p.joiners)), units.length);
    const tokens: string[] = [];
    for (let i = 0; i < need; i += 8) {
      const batch = units.slice(i, Math.min(i + 8, need));
      tokens.push(
        ...(await Promise.all(batch.map((u) => login(app.url, `u${u.id.toLowerCase()}`)))),
      );
    }
    const scenarios: JoinScenario[] = [];
    for (const { joiners: n, arrival } of plans) {
      // Units in turn; past the unit count a unit joins from a second device.
      const joiners = Array.from({ length: n }, (_, i) => ({
        token: tokens[i % tokens.length]!,
        deviceId: `bench-${n}-${arrival}-${i}`,
      }));
      const ratePerSec = arrival === 'burst' ? 0 : arrival;
      const file = path.join(tmp, `join-${n}.json`);
      writeFileSync(
        file,
        JSON.stringify({ url: app.url, meetingId, joiners, timeoutMs: 20_000, ratePerSec }),
      );
      const r = await runClients(file);
      scenarios.push(summarize(n, arrival, r));
      console.log(
        `  ${n} joining (${arrival === 'burst' ? 'at once' : `${arrival}/s`}): first media p50 ${scenarios.at(-1)!.firstMediaMs.p50} ms, p95 ${scenarios.at(-1)!.firstMediaMs.p95} ms, failed ${scenarios.at(-1)!.failed}`,
      );
      await new Promise((r) => setTimeout(r, 500));
    }
    speaker.stop();
    await speaker.pc.close();
    host.close();
    return {
      method: {
        server:
          'all-in-one in this process (startTestApp: embedded redis, scheduler, signaling, one worker per core)',
        clients: 'werift@0.24.4 peers in one child process, sockets connected before the burst',
        speaker: 'province host, werift sending RTP 100 B every 20 ms',
        measured: 'meeting:join emitted → first RTP packet of the consumed audio at the peer',
        burst: 'all N endpoints send meeting:join at once',
      },
      scenarios,
    };
  } finally {
    await app.close();
    rmSync(tmp, { recursive: true, force: true });
  }
}

interface ClientsResult {
  samples: JoinSample[];
  clientCpuMs: number;
  wallMs: number;
}

function runClients(file: string): Promise<ClientsResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', path.join(here, 'joinClients.ts'), file],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.on('exit', (code) => {
      const line = out.split('\n').find((l) => l.startsWith('RESULT '));
      if (!line) reject(new Error(`join clients exited ${code} without a result`));
      else resolve(JSON.parse(line.slice(7)) as ClientsResult);
    });
  });
}

function summarize(n: number, arrival: 'burst' | number, r: ClientsResult): JoinScenario {
  const { samples, wallMs, clientCpuMs } = r;
  const good = samples.filter((s) => s.ok);
  const first = good.map((s) => s.firstMedia!);
  const ph = (k: 'joinAck' | 'consumeAck' | 'connected' | 'resumed' | 'ice' | 'dtls') =>
    median(good.map((s) => s[k] ?? NaN).filter(Number.isFinite));
  return {
    joiners: n,
    arrival,
    clientCpuMs,
    ok: good.length,
    failed: samples.length - good.length,
    errors: [...new Set(samples.filter((s) => !s.ok).map((s) => s.error ?? '?'))].slice(0, 5),
    firstMediaMs: { p50: pctl(first, 0.5), p95: pctl(first, 0.95), max: pctl(first, 1) },
    phasesMs: {
      joinAck: ph('joinAck'),
      consumeAck: ph('consumeAck'),
      connected: ph('connected'),
      resumed: ph('resumed'),
      ice: ph('ice'),
      dtls: ph('dtls'),
    },
    wallMs: Math.round(wallMs),
    samples,
  };
}

export function joinTable(r: JoinReport): string {
  const rows = [
    [
      'joining',
      'arrival',
      'ok',
      'p50 ms',
      'p95 ms',
      'max ms',
      'join ack',
      'consume ack',
      'connect ack',
      'resume ack',
      'ICE up',
      'DTLS up',
      'client CPU/wall',
    ],
  ];
  for (const s of r.scenarios) {
    rows.push([
      String(s.joiners),
      s.arrival === 'burst' ? 'at once' : `${s.arrival}/s`,
      `${s.ok}/${s.joiners}`,
      num(s.firstMediaMs.p50),
      num(s.firstMediaMs.p95),
      num(s.firstMediaMs.max),
      num(s.phasesMs.joinAck),
      num(s.phasesMs.consumeAck),
      num(s.phasesMs.connected),
      num(s.phasesMs.resumed),
      num(s.phasesMs.ice),
      num(s.phasesMs.dtls),
      `${num(s.clientCpuMs)}/${num(s.wallMs)}`,
    ]);
  }
  return table(rows);
}
