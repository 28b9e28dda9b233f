import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { parseEnv, portVar } from '@giaoban/common/env';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

const schema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  /** HTTP port for the API, signaling and the client. */
  PORT: portVar(8080),
  HOST: z.string().default('0.0.0.0'),
  /** External Redis; when unset the server starts its own redis-server child. */
  REDIS_URL: z.string().url().optional(),
  /** Data folder of the embedded redis-server and generated secrets. */
  DATA_DIR: z.string().default(path.join(repoRoot, '.data')),
  /** Seed the Quảng Bình org tree and demo accounts on first start. */
  SEED_DEMO: z
    .enum(['true', 'false', '1', '0'])
    .default('true')
    .transform((v) => v === 'true' || v === '1'),
  /** Express `trust proxy`: hops of reverse proxies in front (login rate limits key on the client IP). */
  TRUST_PROXY: z.coerce.number().int().min(0).max(10).default(0),
  CLIENT_DIST: z.string().default(path.join(repoRoot, 'client/dist')),
  /**
   * Where media runs: `local` (this process's own mediasoup workers, the default)
   * or `remote` (SFU nodes registered in the shared REDIS_URL; docs/cluster.md).
   */
  SFU_MODE: z.enum(['local', 'remote']).default('local'),
});

export type AppConfig = z.infer<typeof schema> & { repoRoot: string };

export function loadAppConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  return { ...parseEnv(schema, env), repoRoot };
}
