import { z } from 'zod';
import { parseEnv, portVar } from '@giaoban/common/env';

const list = z
  .string()
  .optional()
  .transform((v) =>
    (v ?? '')
      .split(',')
      .map((x) => x.trim())
      .filter(Boolean),
  );

/**
 * coturn's settings, from environment variables: read by the all-in-one when
 * TURN=embedded and by `npm run turn:config` on the edge machine (the same
 * template, infra/deploy/coturn/turnserver.conf.template). The secret is the
 * one signaling signs credentials with (TURN_SECRET, signaling/src/config.ts).
 */
const schema = z.object({
  /** Shared with signaling; the embedded coturn generates one (kept in DATA_DIR/turn) when unset. */
  TURN_SECRET: z.string().min(16).optional(),
  TURN_REALM: z.string().min(1).default('giaoban'),
  /** TURN over UDP and TCP. */
  TURN_PORT: portVar(3478),
  /** TURN over TLS (behind HAProxy the edge's 443 forwards to it by SNI). */
  TURN_TLS_PORT: portVar(5349),
  /** Certificate for TURN over TLS; default TLS_CERT/TLS_KEY. Neither: no TLS listener. */
  TURN_TLS_CERT: z.string().optional(),
  TURN_TLS_KEY: z.string().optional(),
  TLS_CERT: z.string().optional(),
  TLS_KEY: z.string().optional(),
  /** Listen / relay on these addresses (default every interface). */
  TURN_LISTEN_IP: z.string().optional(),
  TURN_RELAY_IP: z.string().optional(),
  /** Behind 1:1 NAT: `public` or `public/private` (coturn external-ip). */
  TURN_EXTERNAL_IP: z.string().optional(),
  /** UDP relay ports, `min-max`. */
  TURN_RELAY_PORTS: z
    .string()
    .regex(/^\d+-\d+$/)
    .default('49160-49999'),
  /** The SFU nodes' addresses (or ranges a-b): the only private peers the relay may reach. */
  TURN_ALLOWED_PEER_IPS: list,
  /** Concurrent allocations per username (one grant of one unit) and for the whole server. */
  TURN_USER_QUOTA: z.coerce.number().int().min(1).default(16),
  TURN_TOTAL_QUOTA: z.coerce.number().int().min(1).default(1200),
  /**
   * Host name or address browsers reach TURN at, for the TURN_URLS the all-in-one derives
   * when TURN=embedded and TURN_URLS is unset (default: PUBLIC_URL's host, else 127.0.0.1).
   */
  TURN_HOST: z.string().optional(),
});

export type CoturnEnv = z.infer<typeof schema>;

export function loadCoturnEnv(env: NodeJS.ProcessEnv = process.env): CoturnEnv {
  const c = parseEnv(schema, env);
  if (!!c.TURN_TLS_CERT !== !!c.TURN_TLS_KEY)
    throw new Error('Invalid configuration: TURN_TLS_CERT and TURN_TLS_KEY go together');
  return c;
}
