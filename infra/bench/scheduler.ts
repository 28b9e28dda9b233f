/**
 * bench:scheduler — the scheduler at province scale, on a real redis-server.
 *  1. create 10,000 meetings (a third recurring) through the meeting service
 *     (rights, selector resolution, RRULE expansion, conflict check, Redis write);
 *  2. list one week of occurrences over REST for a commune and for the province;
 *  3. emergency alert fan-out: 151 commune sockets connected to the all-in-one
 *     server, time from "convene" (REST call sent) to "alert received" per socket.
 * Prints a table and writes bench-results/scheduler.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { io, type Socket } from 'socket.io-client';
import type { SessionClaims } from '@giaoban/common/session';
import type { CreateMeetingRequest } from '@giaoban/scheduler/api/meetings';
import { startSchedulerApp } from '@giaoban/scheduler/testing/schedulerApp';
import { startTestApp } from '../test/app';

process.env.LOG_LEVEL ??= 'error';
const MEETINGS = Number(process.env.BENCH_MEETINGS ?? 10_000);
const LIST_RUNS = Number(process.env.BENCH_LIST_RUNS ?? 30);
const FANOUT_RUNS = Number(process.env.BENCH_FANOUT_RUNS ?? 10);
const DAY = 86_400_000;
const VN = 7 * 3600_000;

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length
    ? (s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)] as number)
    : NaN;
};
const round = (x: number) => Math.round(x * 100) / 100;
const stats = (xs: number[]) => ({
  n: xs.length,
  p50: round(pct(xs, 50)),
  p99: round(pct(xs, 99)),
  max: round(Math.max(...xs)),
});

/** Deterministic PRNG (mulberry32) so every run creates the same meetings. */
function rng(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function nextVnMonday(): number {
  const vn = new Date(Date.now() + VN + DAY);
  const monday = Date.UTC(
    vn.getUTCFullYear(),
    vn.getUTCMonth(),
    vn.getUTCDate() + ((8 - vn.getUTCDay()) % 7),
  );
  return monday - VN;
}

async function main() {
  const results: Record<string, unknown> = { date: new Date().toISOString(), meetings: MEETINGS };
  const rows: [string, string][] = [];

  // ---- 1 + 2: scheduler alone on its own redis-server -------------------------------
  const app = await startSchedulerApp();
  try {
    const districts = ['450', '452', '453', '454', '455', '456', '457', '458'];
    const communesOf = new Map(
      districts.map((d) => [d, app.scheduler.orgTree.children(d).map((u) => u.id)]),
    );
    const sessions = new Map<string, SessionClaims>();
    for (const user of ['host44', ...districts.map((d) => `host${d}`), 'u18904']) {
      sessions.set(user, await app.scheduler.sessions.verify((await app.as(user)).token));
    }
    const rand = rng(2026);
    const pick = <T>(xs: T[]) => xs[Math.floor(rand() * xs.length)] as T;
    const monday = nextVnMonday();
    const plan: { session: SessionClaims; req: CreateMeetingRequest }[] = [];
    for (let i = 0; i < MEETINGS; i++) {
      const province = rand() < 0.1;
      const district = pick(districts);
      const start =
        monday + Math.floor(rand() * 56) * DAY + (7 + Math.floor(rand() * 9)) * 3600_000 - 0;
      const recurring = i % 3 === 0;
      const r = rand();
      const rule =
        r < 0.5
          ? `FREQ=WEEKLY;BYDAY=${pick(['MO', 'TU', 'WE', 'TH', 'FR'])}`
          : r < 0.75
            ? 'FREQ=DAILY;COUNT=20'
            : 'FREQ=MONTHLY;COUNT=6';
      const s = rand();
      const selectors: CreateMeetingRequest['selectors'] = province
        ? s < 0.5
          ? [{ type: 'subtree', unitId: '44' }]
          : [{ type: 'children', unitId: '44' }]
        : s < 0.4
          ? [{ type: 'unit', unitId: pick(communesOf.get(district) as string[]) }]
          : s < 0.7
            ? [{ type: 'tier', unitId: district, tier: 'commune' }]
            : [{ type: 'children', unitId: district }];
      plan.push({
        session: sessions.get(province ? 'host44' : `host${district}`) as SessionClaims,
        req: {
          title: `Họp ${i}`,
          start: new Date(start - VN + VN).toISOString(),
          durationMinutes: pick([30, 60, 90, 120, 180]),
          recurrence: recurring ? { rrule: rule } : null,
          selectors,
        },
      });
    }
    const createMs: number[] = [];
    let conflicts = 0;
    const t0 = performance.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        while (next < plan.length) {
          const job = plan[next++] as (typeof plan)[number];
          const t = performance.now();
          const { conflicts: c } = await app.scheduler.meetings.create(job.session, job.req);
          createMs.push(performance.now() - t);
          if (c.length) conflicts++;
        }
      }),
    );
    const totalS = (performance.now() - t0) / 1000;
    results.create = {
      totalSeconds: round(totalS),
      perSecond: round(MEETINGS / totalS),
      latencyMs: stats(createMs),
      withConflictWarning: conflicts,
    };
    rows.push([
      `create ${MEETINGS} meetings (⅓ recurring), 8 in flight`,
      `${round(totalS)} s, ${round(MEETINGS / totalS)}/s, p50 ${round(pct(createMs, 50))} ms, p99 ${round(pct(createMs, 99))} ms`,
    ]);

    const week = {
      from: new Date(monday + 7 * DAY).toISOString(),
      to: new Date(monday + 14 * DAY).toISOString(),
    };
    for (const [label, user] of [
      ['commune 18904 (member)', 'u18904'],
      ['province (host44)', 'host44'],
    ] as const) {
      const client = await app.as(user);
      const ms: number[] = [];
      let count = 0;
      for (let i = 0; i < LIST_RUNS; i++) {
        const t = performance.now();
        const res = await client.call('GET', `/occurrences?from=${week.from}&to=${week.to}`);
        ms.push(performance.now() - t);
        count = (res.body.occurrences as unknown[]).length;
      }
      results[`listWeek_${user}`] = { occurrences: count, latencyMs: stats(ms) };
      rows.push([
        `list a week over REST: ${label}`,
        `${count} occurrences, p50 ${round(pct(ms, 50))} ms, p99 ${round(pct(ms, 99))} ms`,
      ]);
    }
  } finally {
    await app.close();
  }

  // ---- 3: emergency fan-out to 151 connected commune sockets ------------------------
  const whole = await startTestApp({ SFU_WORKERS: '1', LOGIN_MAX_FAILURES_PER_IP: '100000' });
  const sockets: Socket[] = [];
  try {
    const communes = whole.scheduler.orgTree
      .all()
      .filter((u) => u.tier === 'commune')
      .map((u) => u.id);
    const login = async (username: string) => {
      const res = await fetch(`${whole.url}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username, password: 'GiaoBan@2026' }),
      });
      return ((await res.json()) as { token: string }).token;
    };
    const received = new Map<string, number[]>();
    for (const unitId of communes) {
      const socket = io(whole.url, {
        auth: { token: await login(`u${unitId}`) },
        transports: ['websocket'],
        reconnection: false,
      });
      await new Promise<void>((resolve, reject) => {
        socket.once('connect', () => resolve());
        socket.once('connect_error', (err) => reject(err));
      });
      socket.on('emergency:alert', (p: { emergencyId: string }) => {
        const list = received.get(p.emergencyId) ?? [];
        list.push(performance.now());
        received.set(p.emergencyId, list);
      });
      sockets.push(socket);
    }
    const token = await login('chihuy');
    const latencies: number[] = [];
    const convene: number[] = [];
    for (let run = 0; run < FANOUT_RUNS; run++) {
      const t = performance.now();
      const res = await fetch(`${whole.url}/api/emergencies`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({
          title: `Bão số ${run}`,
          selectors: [{ type: 'tier', unitId: '44', tier: 'commune' }],
        }),
      });
      const id = ((await res.json()) as { emergency: { id: string } }).emergency.id;
      convene.push(performance.now() - t);
      const deadline = Date.now() + 10_000;
      while ((received.get(id)?.length ?? 0) < communes.length && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 5));
      const got = received.get(id) ?? [];
      if (got.length < communes.length)
        throw new Error(`run ${run}: ${got.length}/${communes.length} alerts received`);
      latencies.push(...got.map((at) => at - t));
    }
    results.emergencyFanout = {
      sockets: communes.length,
      runs: FANOUT_RUNS,
      alertLatencyMs: stats(latencies),
      conveneResponseMs: stats(convene),
    };
    rows.push([
      `emergency alert → ${communes.length} sockets (${FANOUT_RUNS} runs)`,
      `p50 ${round(pct(latencies, 50))} ms, p99 ${round(pct(latencies, 99))} ms (target p99 ≤ 1000 ms)`,
    ]);
  } catch (err) {
    results.emergencyFanout = { error: err instanceof Error ? err.message : String(err) };
    rows.push([
      'emergency alert fan-out',
      `not measured: ${err instanceof Error ? err.message : String(err)}`,
    ]);
  } finally {
    for (const s of sockets) s.disconnect();
    await whole.close();
  }

  const width = Math.max(...rows.map((r) => r[0].length));
  process.stdout.write(
    `\nbench:scheduler\n${rows.map(([k, v]) => `  ${k.padEnd(width)}  ${v}`).join('\n')}\n`,
  );
  const dir = path.resolve(import.meta.dirname, '../../bench-results');
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'scheduler.json'), `${JSON.stringify(results, null, 2)}\n`);
  process.stdout.write(`\nwritten: bench-results/scheduler.json\n`);
}

await main();
process.exit(0);
