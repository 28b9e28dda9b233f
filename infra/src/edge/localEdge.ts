import path from 'node:path';
import { freePort } from '../redisServer';
import { loadEdgeConfig } from './edgeConfig';
import { startHaproxy, type HaproxyProcess } from './haproxyProcess';
import { writeHaproxyConfig } from './renderHaproxy';

export interface LocalEdge extends HaproxyProcess {
  /** What users open: https://… with a certificate, else http://… */
  readonly url: string;
  readonly port: number;
  readonly cfgPath: string;
}

/**
 * HAProxy on this machine in front of signaling nodes given by URL (the
 * cluster launcher, the tests and the benches): the configuration is rendered
 * from the deployment's template, as the edge unit does, into `dir`.
 */
export async function startLocalEdge(o: {
  nodes: readonly { name: string; url: string }[];
  dir: string;
  httpPort: number;
  host?: string;
  /** With a certificate: HTTPS on httpsPort, httpPort only redirects. */
  tls?: { cert: string; key: string; httpsPort: number };
  /** coturn's TLS listener (host:port): httpsPort passes TLS without ALPN to it. */
  turnTls?: string;
  /** Faster health checks for tests (ms). */
  checkMs?: number;
  stdio?: 'inherit' | 'ignore';
  logLevel?: string;
}): Promise<LocalEdge> {
  const host = o.host ?? '127.0.0.1';
  const env: NodeJS.ProcessEnv = {
    // HAProxy resolves names once at start: localhost might be ::1, the nodes listen on 127.0.0.1.
    EDGE_SIGNALING_NODES: o.nodes
      .map((n) => `${n.name}=${new URL(n.url).host.replace(/^localhost(?=:)/, '127.0.0.1')}`)
      .join(','),
    EDGE_BIND_ADDRESS: host === '0.0.0.0' ? '*' : host,
    EDGE_HTTP_PORT: String(o.httpPort),
    EDGE_LOG_LEVEL: o.logLevel ?? 'warning',
    // Several edges on one machine (tests): each its own stick-table peer port.
    EDGE_PEERS_PORT: String(await freePort()),
  };
  if (o.tls)
    Object.assign(env, {
      TLS_CERT: o.tls.cert,
      TLS_KEY: o.tls.key,
      EDGE_HTTPS_PORT: String(o.tls.httpsPort),
      EDGE_TURN_TLS: o.turnTls ?? '',
    });
  if (o.checkMs)
    Object.assign(env, {
      EDGE_CHECK_INTERVAL_MS: String(o.checkMs),
      EDGE_CHECK_FAST_MS: String(Math.max(50, Math.round(o.checkMs / 4))),
    });
  const cfgPath = writeHaproxyConfig(loadEdgeConfig(env), path.join(o.dir, 'haproxy.cfg'));
  const port = o.tls ? o.tls.httpsPort : o.httpPort;
  const probeHost = host === '0.0.0.0' ? '127.0.0.1' : host;
  const proc = await startHaproxy({ cfgPath, probe: { host: probeHost, port }, stdio: o.stdio });
  return { ...proc, cfgPath, port, url: `${o.tls ? 'https' : 'http'}://${probeHost}:${port}` };
}
