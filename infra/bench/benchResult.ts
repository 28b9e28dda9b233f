import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/**
 * Writes `bench-results/<name>.json`: the figures with when and on what they
 * were measured (cores, kernel, load average at the end). Returns the path.
 */
export function writeBenchResult(name: string, data: Record<string, unknown>): string {
  const dir = path.join(repoRoot, 'bench-results');
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${name}.json`);
  const machine = { cpus: os.cpus().length, kernel: os.release(), load: os.loadavg() };
  writeFileSync(
    file,
    `${JSON.stringify({ at: new Date().toISOString(), machine, ...data }, null, 2)}\n`,
  );
  return file;
}

/** Runs a benchmark's main and exits (browsers, servers and relays must not keep it alive). */
export function runBench(main: () => Promise<void>): void {
  main().then(
    () => process.exit(0),
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
}
