import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CoturnEnv } from './coturnEnv';

export const COTURN_TEMPLATE = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../deploy/coturn/turnserver.conf.template',
);

/** Everything a coturn configuration needs, resolved (secret known, peers listed). */
export interface CoturnSettings {
  secret: string;
  realm: string;
  port: number;
  tlsPort: number;
  tls?: { cert: string; key: string };
  listenIp?: string;
  relayIp?: string;
  externalIp?: string;
  relayPorts: { min: number; max: number };
  /** SFU addresses (or `a-b` ranges) the relay may reach despite the private-range ban. */
  allowedPeers: string[];
  userQuota: number;
  totalQuota: number;
  /** A child's own pid file and (unused, but opened) SQLite user db; unset: coturn's defaults. */
  runDir?: string;
}

export function coturnSettingsFromEnv(
  env: CoturnEnv,
  secret: string,
  extra: { allowedPeers?: string[]; runDir?: string } = {},
): CoturnSettings {
  const [min, max] = env.TURN_RELAY_PORTS.split('-').map(Number) as [number, number];
  const cert = env.TURN_TLS_CERT ?? env.TLS_CERT;
  const key = env.TURN_TLS_KEY ?? env.TLS_KEY;
  return {
    secret,
    realm: env.TURN_REALM,
    port: env.TURN_PORT,
    tlsPort: env.TURN_TLS_PORT,
    tls: cert && key ? { cert, key } : undefined,
    listenIp: env.TURN_LISTEN_IP,
    relayIp: env.TURN_RELAY_IP,
    externalIp: env.TURN_EXTERNAL_IP,
    relayPorts: { min, max },
    allowedPeers: [...new Set([...env.TURN_ALLOWED_PEER_IPS, ...(extra.allowedPeers ?? [])])],
    userQuota: env.TURN_USER_QUOTA,
    totalQuota: env.TURN_TOTAL_QUOTA,
    runDir: extra.runDir,
  };
}

const LOOPBACK_PEER = /^(127\.|::1$)/;

/** The template with the settings filled in: `${NAME}` values, `${…_LINES}` blocks. */
export function renderCoturnConfig(s: CoturnSettings, template = COTURN_TEMPLATE): string {
  if (s.relayPorts.min > s.relayPorts.max) throw new Error('TURN_RELAY_PORTS: min above max');
  for (const p of s.allowedPeers)
    if (!p.split('-').every((a) => isIP(a.trim())))
      throw new Error(`TURN_ALLOWED_PEER_IPS: ${p} is not an address or a-b range`);
  if ([s.secret, s.realm].some((v) => /[\r\n]/.test(v)))
    throw new Error('TURN secret and realm are single lines');
  const values: Record<string, string> = {
    PORT: String(s.port),
    TLS_PORT: String(s.tlsPort),
    MIN_PORT: String(s.relayPorts.min),
    MAX_PORT: String(s.relayPorts.max),
    SECRET: s.secret,
    REALM: s.realm,
    USER_QUOTA: String(s.userQuota),
    TOTAL_QUOTA: String(s.totalQuota),
    ADDRESS_LINES: [
      s.listenIp && `listening-ip=${s.listenIp}`,
      s.relayIp && `relay-ip=${s.relayIp}`,
      s.externalIp && `external-ip=${s.externalIp}`,
    ]
      .filter(Boolean)
      .join('\n'),
    TLS_LINES: s.tls ? `cert=${s.tls.cert}\npkey=${s.tls.key}` : 'no-tls',
    ALLOWED_PEER_LINES: [
      ...s.allowedPeers.map((p) => `allowed-peer-ip=${p}`),
      // An SFU on loopback (the all-in-one on one machine): coturn bans loopback peers
      // outright unless told, whatever the allowed list says.
      ...(s.allowedPeers.some((p) => LOOPBACK_PEER.test(p)) ? ['allow-loopback-peers'] : []),
    ].join('\n'),
    PROCESS_LINES: [
      'log-file=stdout',
      'simple-log',
      ...(s.runDir
        ? [
            `pidfile=${path.join(s.runDir, 'turnserver.pid')}`,
            `userdb=${path.join(s.runDir, 'turndb')}`,
          ]
        : []),
    ].join('\n'),
  };
  return readFileSync(template, 'utf8').replace(/\$\{([A-Z_]+)\}/g, (m, name: string) => {
    const v = values[name];
    if (v === undefined) throw new Error(`coturn template: unknown ${m}`);
    return v;
  });
}
