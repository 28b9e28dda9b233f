import { z } from 'zod';
import { parseEnv, portVar } from '@giaoban/common/env';

/** `host:port`, or `name=host:port` to name the node in HAProxy's logs and cookie. */
const nodeSpec = /^(?:([A-Za-z0-9_.-]{1,40})=)?([A-Za-z0-9_.:[\]-]+):(\d{1,5})$/;

export interface SignalingServer {
  readonly name: string;
  /** host:port HAProxy connects to. */
  readonly address: string;
}

const nodesVar = z
  .string()
  .min(1)
  .transform((s, ctx) => {
    const servers: SignalingServer[] = [];
    for (const [i, raw] of s
      .split(',')
      .map((x) => x.trim())
      .filter(Boolean)
      .entries()) {
      const m = nodeSpec.exec(raw);
      if (!m) {
        ctx.addIssue({ code: 'custom', message: `"${raw}" is not host:port or name=host:port` });
        return z.NEVER;
      }
      servers.push({ name: m[1] ?? `sig-${i + 1}`, address: `${m[2]}:${m[3]}` });
    }
    if (new Set(servers.map((x) => x.name)).size !== servers.length) {
      ctx.addIssue({ code: 'custom', message: 'two signaling nodes have the same name' });
      return z.NEVER;
    }
    return servers;
  });

const schema = z.object({
  /** The signaling nodes HAProxy spreads over, e.g. `sig-1=10.10.0.21:8080,sig-2=10.10.0.22:8080`. */
  EDGE_SIGNALING_NODES: nodesVar,
  /** Address the edge listens on (`*`: all). */
  EDGE_BIND_ADDRESS: z.string().min(1).default('*'),
  /** Plain HTTP: the redirect to HTTPS, or the whole site when there is no certificate. */
  EDGE_HTTP_PORT: portVar(80),
  EDGE_HTTPS_PORT: portVar(443),
  /** The server certificate (PEM, chain included) and its key; both or neither. */
  TLS_CERT: z.string().min(1).optional(),
  TLS_KEY: z.string().min(1).optional(),
  /** coturn's TLS listener behind 443 (host:port); empty: 443 is HTTPS only. */
  EDGE_TURN_TLS: z.string().default(''),
  /**
   * coturn's plain TCP listener (host:port, its TURN_PORT). Set: HAProxy terminates TURN's
   * TLS itself — TLS 1.3, one round trip, where Debian 12's coturn 4.6.1 offers only TLS 1.2
   * (two; 840 ms each on EDGE) — and hands coturn TURN over TCP. Empty: the TLS goes
   * through to EDGE_TURN_TLS untouched.
   */
  EDGE_TURN_TCP: z.string().default(''),
  /** A TLS server name that always means TURN (e.g. turn.province.gov.vn); optional. */
  EDGE_TURN_SNI: z.string().default(''),
  /** Loopback port over which a reloading HAProxy hands its stick table (meeting → node) on. */
  EDGE_PEERS_PORT: portVar(10000),
  /** Health checks of the signaling nodes (GET /healthz). */
  EDGE_CHECK_INTERVAL_MS: z.coerce.number().int().min(100).max(60_000).default(1_000),
  EDGE_CHECK_FAST_MS: z.coerce.number().int().min(50).max(60_000).default(250),
  /** HAProxy's log level on stdout: `info` logs every request. */
  EDGE_LOG_LEVEL: z
    .enum(['emerg', 'alert', 'crit', 'err', 'warning', 'notice', 'info', 'debug'])
    .default('notice'),
});

export type EdgeConfig = z.infer<typeof schema>;

export function loadEdgeConfig(env: NodeJS.ProcessEnv = process.env): EdgeConfig {
  const cfg = parseEnv(schema, env);
  if (!cfg.TLS_CERT !== !cfg.TLS_KEY)
    throw new Error('Invalid configuration: TLS_CERT and TLS_KEY go together');
  if (cfg.EDGE_TURN_TLS && !cfg.TLS_CERT)
    throw new Error(
      'Invalid configuration: EDGE_TURN_TLS shares 443, which needs TLS_CERT/TLS_KEY',
    );
  return cfg;
}
