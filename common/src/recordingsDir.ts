import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/**
 * Where recordings live: RECORDINGS_DIR, else `DATA_DIR/recordings` (DATA_DIR
 * defaults to the repository's `.data`, as in infra/src/config.ts). The SFU
 * nodes write there and the scheduler serves from there, so in a cluster on
 * several hosts it is one shared folder (NFS or the like).
 */
export function recordingsDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.RECORDINGS_DIR) return path.resolve(env.RECORDINGS_DIR);
  return path.join(path.resolve(env.DATA_DIR ?? path.join(repoRoot, '.data')), 'recordings');
}
