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

  /** Where users reach the app (`https://giaoban.quangbinh.gov.vn`); decides the HTTPS policy (docs/edge.md). */
  PUBLIC_URL: z.string().url().optional(),
  /** PEM server certificate (chain) and key: with both, PORT serves HTTPS (`npm run cert` makes a pair). */
  TLS_CERT: z.string().min(1).optional(),
  TLS_KEY: z.string().min(1).optional(),
  /** CA certificate offered at /ca for commune PCs to trust; default: the local CA of `npm run cert`. */
  TLS_CA_CERT: z.string().min(1).optional(),
  /**
   * Plain-HTTP port that only redirects to HTTPS (and serves /ca, so a PC can fetch the CA
   * before trusting it). Default: 80 when PORT is 443, else none; `off` = none.
   */
  HTTP_REDIRECT_PORT: z
    .union([z.literal('off'), z.coerce.number().int().min(0).max(65535)])
    .optional()
    .transform((v) => (v === 'off' ? null : v)),
  /** Strict-Transport-Security max-age (s) sent on HTTPS requests (direct or via TRUST_PROXY). */
  HSTS_MAX_AGE: z.coerce
    .number()
    .int()
    .min(0)
    .default(180 * 24 * 3600),

  /**
   * `embedded`: start a coturn child (like redis-server), configured by the TURN_* variables
   * of infra/src/turn/coturnEnv.ts, and hand out its credentials with every join.
   */
  TURN: z.enum(['off', 'embedded']).default('off'),
});

export type AppConfig = z.infer<typeof schema> & { repoRoot: string };

export function loadAppConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  return { ...parseEnv(schema, env), repoRoot };
}
