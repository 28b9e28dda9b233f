import { readFileSync } from 'node:fs';
import { createServer as createHttpServer, type RequestListener, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { RequestHandler } from 'express';
import express from 'express';
import type { AppConfig } from '../config';
import { caRoutes } from './caRoutes';

/**
 * The node's listening socket: HTTPS when TLS_CERT and TLS_KEY are given, plain
 * HTTP otherwise (localhost, or behind a TLS-terminating proxy with TRUST_PROXY).
 * socket.io and express treat both alike, so the rest of the node does not care.
 */
export function createWebServer(config: AppConfig, app: RequestListener): Server {
  const tls = tlsFiles(config);
  // An https.Server is a tls.Server running the same HTTP machinery: typed as one here so
  // that socket.io, keep-alive settings and closeAllConnections() are written once.
  const server = tls ? (createHttpsServer(tls, app) as unknown as Server) : createHttpServer(app);
  // Keep idle connections long: on EDGE/GPRS a new TCP connection costs seconds (handshake,
  // slow start), and a server closing after Node's 5 s default races the browser reusing it.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 70_000;
  return server;
}

export function tlsFiles(config: AppConfig): { cert: Buffer; key: Buffer } | undefined {
  if (!config.TLS_CERT && !config.TLS_KEY) return undefined;
  if (!config.TLS_CERT || !config.TLS_KEY)
    throw new Error('TLS_CERT and TLS_KEY go together: set both, or neither');
  return { cert: readFileSync(config.TLS_CERT), key: readFileSync(config.TLS_KEY) };
}

/**
 * Strict-Transport-Security on requests that arrived over HTTPS: directly, or through a
 * proxy saying so in X-Forwarded-Proto (express honours it only with `trust proxy`). No
 * includeSubDomains: a province domain may have other sites still on plain HTTP.
 */
export function hsts(maxAgeSeconds: number): RequestHandler {
  return (req, res, next) => {
    if (req.secure && maxAgeSeconds > 0)
      res.setHeader('Strict-Transport-Security', `max-age=${maxAgeSeconds}`);
    next();
  };
}

/** The port the HTTP redirector listens on, or null: explicit, or 80 when HTTPS is on 443. */
export function redirectPort(config: AppConfig): number | null {
  if (!tlsFiles(config)) return null;
  if (config.HTTP_REDIRECT_PORT !== undefined) return config.HTTP_REDIRECT_PORT;
  return config.PORT === 443 ? 80 : null;
}

/**
 * The plain-HTTP listener beside HTTPS: every request is sent to the same path over
 * HTTPS (308 keeps the method), except /ca and /ca.crt, so that a commune PC can fetch
 * the CA certificate before it trusts the HTTPS site.
 */
export function createRedirectServer(config: AppConfig, httpsPort: number): Server {
  const app = express();
  app.disable('x-powered-by');
  if (config.TRUST_PROXY > 0) app.set('trust proxy', config.TRUST_PROXY);
  app.use(caRoutes(config));
  const publicOrigin = config.PUBLIC_URL?.startsWith('https:')
    ? new URL(config.PUBLIC_URL).origin
    : undefined;
  app.use((req, res) => {
    const origin =
      publicOrigin ??
      `https://${bracketed(req.hostname)}${httpsPort === 443 ? '' : `:${httpsPort}`}`;
    res.redirect(308, origin + req.originalUrl);
  });
  return createHttpServer(app);
}

/** IPv6 literals go in brackets in a URL. */
const bracketed = (host: string) =>
  host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;

export function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      const addr = server.address();
      resolve(typeof addr === 'object' && addr ? addr.port : port);
    });
  });
}

export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });
}
