import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runBench, writeBenchResult } from './benchResult';

/**
 * `npm run bench:startup [-- runs] [--install]`: wall time of `npm start`
 * from the command to its "GiaoBan ready" line (fresh data folder each run:
 * embedded redis-server, mediasoup workers, demo seed), and with `--install`
 * the wall time of `SKIP_APT=1 bash infra/install.sh` with the cached worker
 * (node_modules present: the second install on a machine). Prints a table,
 * writes bench-results/startup.json. The machine's load average is recorded
 * with each figure: on a shared machine the figures move with it.
 */
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const args = process.argv.slice(2);
const runs = Number(args.find((a) => /^\d+$/.test(a)) ?? 3);

function withoutRedisUrl(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.REDIS_URL;
  return env;
}

function startOnce(): Promise<{ wallMs: number; startupMs: number | null; load: number }> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'gb-bench-start-'));
  const load = os.loadavg()[0]!;
  const t0 = performance.now();
  // The npm script itself, as a user types it (npm, node, tsx, the server).
  const child = spawn('npm', ['start'], {
    cwd: repoRoot,
    // Embedded redis-server (no REDIS_URL), free ports, a fresh data folder.
    env: { ...withoutRedisUrl(), PORT: '0', RTC_PORT: '0', DATA_DIR: dataDir },
    stdio: ['ignore', 'pipe', 'inherit'],
    detached: true,
  });
  return new Promise((resolve, reject) => {
    let buf = '';
    const timer = setTimeout(() => reject(new Error('no "GiaoBan ready" within 120 s')), 120_000);
    child.stdout.on('data', (d: Buffer) => {
      buf += d.toString();
      const line = buf.split('\n').find((l) => l.includes('GiaoBan ready'));
      if (!line) return;
      const wallMs = performance.now() - t0;
      clearTimeout(timer);
      const startupMs = /"startupMs":(\d+)/.exec(line)?.[1];
      child.once('exit', () => {
        rmSync(dataDir, { recursive: true, force: true });
        resolve({ wallMs, startupMs: startupMs ? Number(startupMs) : null, load });
      });
      // The whole group: npm, node, redis-server, workers.
      process.kill(-child.pid!, 'SIGTERM');
    });
  });
}

function installOnce(): { wallMs: number; load: number; ok: boolean } {
  const load = os.loadavg()[0]!;
  const t0 = performance.now();
  const r = spawnSync('bash', ['infra/install.sh'], {
    cwd: repoRoot,
    env: { ...process.env, SKIP_APT: '1' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  return { wallMs: performance.now() - t0, load, ok: r.status === 0 };
}

runBench(async () => {
  const rows: { what: string; seconds: number; extra: string; load: number }[] = [];
  if (args.includes('--install')) {
    const r = installOnce();
    if (!r.ok) throw new Error('install failed');
    rows.push({
      what: 're-install (cached worker)',
      seconds: r.wallMs / 1000,
      extra: '',
      load: r.load,
    });
  }
  for (let i = 0; i < runs; i++) {
    const r = await startOnce();
    rows.push({
      what: `npm start → "GiaoBan ready" #${i + 1}`,
      seconds: r.wallMs / 1000,
      extra:
        r.startupMs === null ? '' : `server's own start-up ${(r.startupMs / 1000).toFixed(2)} s`,
      load: r.load,
    });
  }
  console.log('| what | wall (s) | detail | load average (1 min) |');
  console.log('| --- | --- | --- | --- |');
  for (const r of rows)
    console.log(`| ${r.what} | ${r.seconds.toFixed(1)} | ${r.extra} | ${r.load.toFixed(1)} |`);
  console.log(`→ ${writeBenchResult('startup', { rows })}`);
});
