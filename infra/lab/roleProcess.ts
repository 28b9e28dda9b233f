import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import {
  envTemplatesDir,
  expandCommand,
  mapPaths,
  parseEnvFile,
  readUnit,
  repoRoot,
} from './unitFile';

const exec = promisify(execFile);

/** One lab machine's role, started from its systemd unit inside its namespace. */
export interface RoleProcess {
  readonly unit: string;
  readonly process: ChildProcess;
  readonly log: string;
  /** The environment the unit's command got (its env files, after the lab's edits). */
  readonly env: Record<string, string>;
  stop(): Promise<void>;
}

/**
 * Writes a machine's copy of one of infra/deploy/env/*.env into its
 * /etc/giaoban (the lab's folder for it), with the values the lab changes —
 * what an operator does when following docs/deploy.md.
 */
export function writeEnvFile(etcDir: string, file: string, changes: Record<string, string>): void {
  const lines = readFileSync(path.join(envTemplatesDir, file), 'utf8').trimEnd().split('\n');
  const left = new Map(Object.entries(changes));
  const out = lines.map((line) => {
    const key = /^([A-Z0-9_]+)=/.exec(line)?.[1];
    if (!key || !left.has(key)) return line;
    const v = left.get(key)!;
    left.delete(key);
    return `${key}=${v}`;
  });
  for (const [k, v] of left) out.push(`${k}=${v}`);
  mkdirSync(etcDir, { recursive: true });
  writeFileSync(path.join(etcDir, file), `${out.join('\n')}\n`);
}

/**
 * Runs a unit of infra/deploy/systemd as systemd would, inside a network
 * namespace: its EnvironmentFile=s, its ExecStartPre= commands one by one
 * (each must succeed), then its ExecStart= command in its WorkingDirectory=,
 * with stdout and stderr into `<machineDir>/journal.log`. The deployment's
 * paths map to the machine's folder (/etc/giaoban, /run, /var/lib) and the
 * repository (/opt/giaoban).
 */
export async function startUnit(o: {
  unit: string;
  ns: string;
  machineDir: string;
}): Promise<RoleProcess> {
  const unit = readUnit(o.unit);
  const paths = {
    '/opt/giaoban': repoRoot,
    '/etc/giaoban': path.join(o.machineDir, 'etc/giaoban'),
    '/run/': path.join(o.machineDir, 'run') + '/',
    '/var/lib/': path.join(o.machineDir, 'var/lib') + '/',
  };
  for (const d of unit.runtimeDirectories)
    mkdirSync(mapPaths(`/run/${d}`, paths), { recursive: true });
  for (const d of unit.stateDirectories)
    mkdirSync(mapPaths(`/var/lib/${d}`, paths), { recursive: true });
  const env: Record<string, string> = {};
  for (const file of unit.environmentFiles) {
    const vars = parseEnvFile(readFileSync(mapPaths(file, paths), 'utf8'));
    for (const [k, v] of Object.entries(vars)) env[k] = mapPaths(v, paths);
  }
  const cwd = unit.workingDirectory ? mapPaths(unit.workingDirectory, paths) : o.machineDir;
  // systemd's clean environment plus the unit's files; no variable of the test leaks in.
  const procEnv = {
    PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
    HOME: o.machineDir,
    LANG: 'C.UTF-8',
    ...env,
  };
  // The unit's own words are mapped, then the variables (already mapped) expanded.
  const command = (words: string[]) =>
    expandCommand(
      words.map((w) => mapPaths(w, paths)),
      env,
    );
  const log = path.join(o.machineDir, 'journal.log');
  mkdirSync(o.machineDir, { recursive: true });
  for (const pre of unit.execStartPre) {
    const [cmd, ...args] = command(pre);
    try {
      await exec('ip', ['netns', 'exec', o.ns, cmd!, ...args], {
        cwd,
        env: procEnv,
        timeout: 60_000,
      });
    } catch (err) {
      const e = err as { stderr?: string; stdout?: string; message: string };
      throw new Error(
        `${o.unit} ExecStartPre ${cmd} ${args.join(' ')}: ${e.stderr || e.stdout || e.message}`,
      );
    }
  }
  const [cmd, ...args] = command(unit.execStart);
  const fd = openSync(log, 'a');
  const child = spawn('ip', ['netns', 'exec', o.ns, cmd!, ...args], {
    cwd,
    env: procEnv,
    stdio: ['ignore', fd, fd],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    unit: o.unit,
    process: child,
    log,
    env,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
