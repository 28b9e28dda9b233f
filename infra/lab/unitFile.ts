import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
export const repoRoot = path.resolve(here, '../..');
export const unitsDir = path.join(repoRoot, 'infra/deploy/systemd');
export const envTemplatesDir = path.join(repoRoot, 'infra/deploy/env');

/** What the lab takes from a systemd unit: the commands, their folder and environment files. */
export interface Unit {
  readonly name: string;
  readonly workingDirectory?: string;
  readonly environmentFiles: string[];
  readonly execStartPre: string[][];
  readonly execStart: string[];
  /** Folders systemd creates: /run/<name> and /var/lib/<name>. */
  readonly runtimeDirectories: string[];
  readonly stateDirectories: string[];
}

/**
 * Reads a unit of infra/deploy/systemd the way systemd does for the keys the
 * lab needs (systemd itself does not run here): the lab then runs the very
 * same command lines with the very same environment files.
 */
export function readUnit(name: string, dir = unitsDir): Unit {
  const text = readFileSync(path.join(dir, name), 'utf8');
  const values = (key: string) =>
    text
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l.startsWith(`${key}=`))
      .map((l) => l.slice(key.length + 1));
  const start = values('ExecStart');
  if (start.length !== 1) throw new Error(`${name}: expected one ExecStart`);
  return {
    name,
    workingDirectory: values('WorkingDirectory')[0],
    environmentFiles: values('EnvironmentFile'),
    execStartPre: values('ExecStartPre').map(splitWords),
    execStart: splitWords(start[0]!),
    runtimeDirectories: values('RuntimeDirectory').flatMap(splitWords),
    stateDirectories: values('StateDirectory').flatMap(splitWords),
  };
}

/** systemd's EnvironmentFile= syntax: KEY=VALUE lines, # comments, optional quotes. */
export function parseEnvFile(text: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#') || line.startsWith(';')) continue;
    const eq = line.indexOf('=');
    if (eq <= 0) throw new Error(`environment file: not KEY=VALUE: ${line}`);
    let value = line.slice(eq + 1).trim();
    if (/^(["']).*\1$/.test(value)) value = value.slice(1, -1);
    env[line.slice(0, eq).trim()] = value;
  }
  return env;
}

/** Command-line words (no quoting needed by our units). */
function splitWords(line: string): string[] {
  return line.split(/\s+/).filter(Boolean);
}

/**
 * systemd's expansion in ExecStart=: `${VAR}` is one word, `$VAR` alone splits
 * on whitespace. An unset variable is an error here (systemd would pass "").
 */
export function expandCommand(words: readonly string[], env: Record<string, string>): string[] {
  const get = (name: string) => {
    const v = env[name];
    if (v === undefined)
      throw new Error(`unit command uses ${name}, which no environment file sets`);
    return v;
  };
  return words.flatMap((w) => {
    const bare = /^\$([A-Za-z_][A-Za-z0-9_]*)$/.exec(w);
    if (bare) return get(bare[1]!).split(/\s+/).filter(Boolean);
    return [w.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_m, n: string) => get(n))];
  });
}

/** Maps the deployment's paths (/opt/giaoban, /etc/giaoban, /run/…) to the lab's. */
export function mapPaths(value: string, paths: Record<string, string>): string {
  let out = value;
  // Longest prefix first: /run/giaoban-edge before /run.
  for (const from of Object.keys(paths).sort((a, b) => b.length - a.length)) {
    out = out.split(from).join(paths[from]!);
  }
  return out;
}
