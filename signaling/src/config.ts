import { z } from 'zod';
import { parseEnv } from '@giaoban/common/env';
import type { TurnSettings } from './turn/turnCredentials';

const schema = z.object({
  /** Requests one socket may send per second before it gets RATE_LIMITED. */
  SIGNALING_RATE_PER_SECOND: z.coerce.number().int().min(1).default(40),
  /** How long a dropped socket's endpoint stays in the meeting waiting for it (flaky links). */
  SIGNALING_GRACE_MS: z.coerce.number().int().min(0).default(30_000),
  /** How often this node tells attendance which endpoints it holds (their presence lease). */
  SIGNALING_PRESENCE_HEARTBEAT_MS: z.coerce.number().int().min(100).default(10_000),
  /** Chat messages kept per meeting and sent to late joiners. */
  SIGNALING_CHAT_HISTORY: z.coerce.number().int().min(0).default(100),
  /** Room state (chat, hands, mutes, floor, lock) is kept this long after no node holds the room. */
  SIGNALING_ROOM_STATE_TTL_MS: z.coerce
    .number()
    .int()
    .min(10_000)
    .default(15 * 60_000),
  /**
   * TURN servers handed to browsers, comma-separated (`turn:edge.example:3478?transport=udp,
   * turns:turn.edge.example:443?transport=tcp`); unset = no TURN (direct paths only).
   */
  TURN_URLS: z
    .string()
    .optional()
    .transform((v) =>
      v
        ?.split(',')
        .map((u) => u.trim())
        .filter(Boolean),
    )
    .pipe(z.array(z.string().regex(/^turns?:/, 'TURN URLs start with turn: or turns:')).optional()),
  /** coturn's `static-auth-secret` (same on every signaling node and coturn); ≥ 16 chars. */
  TURN_SECRET: z.string().min(16).optional(),
  /** Lifetime of handed-out TURN credentials; browsers refresh them before the end. */
  TURN_TTL_SECONDS: z.coerce
    .number()
    .int()
    .min(30)
    .max(7 * 24 * 3600)
    .default(6 * 3600),
});

export type SignalingConfig = z.infer<typeof schema>;

export function loadSignalingConfig(env: NodeJS.ProcessEnv = process.env): SignalingConfig {
  const config = parseEnv(schema, env);
  if (config.TURN_URLS?.length && !config.TURN_SECRET)
    throw new Error('Invalid configuration: TURN_URLS is set but TURN_SECRET is not');
  return config;
}

/** The TURN settings of a configuration, or undefined when TURN is off. */
export function turnSettingsOf(config: SignalingConfig): TurnSettings | undefined {
  if (!config.TURN_URLS?.length || !config.TURN_SECRET) return undefined;
  return {
    urls: config.TURN_URLS,
    secret: config.TURN_SECRET,
    ttlSeconds: config.TURN_TTL_SECONDS,
  };
}
