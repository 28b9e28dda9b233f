import { existsSync, readFileSync } from 'node:fs';
import { X509Certificate } from 'node:crypto';
import path from 'node:path';
import express, { type Router } from 'express';
import type { AppConfig } from '../config';
import { caPage } from './caPage';

/** The CA certificate commune PCs should trust: TLS_CA_CERT, else the local CA of `npm run cert`. */
export function caCertFile(config: AppConfig): string | undefined {
  if (config.TLS_CA_CERT) return config.TLS_CA_CERT;
  const local = path.join(config.DATA_DIR, 'tls', 'ca.crt');
  return existsSync(local) ? local : undefined;
}

export interface CaInfo {
  pem: string;
  subject: string;
  fingerprint256: string;
  validTo: string;
}

export function readCa(file: string): CaInfo {
  const pem = readFileSync(file, 'utf8');
  const cert = new X509Certificate(pem);
  return {
    pem,
    subject: cert.subject.replace(/\n/g, ', '),
    fingerprint256: cert.fingerprint256,
    validTo: cert.validTo,
  };
}

/**
 * GET /ca: how to trust the server's CA on a commune PC (Windows, Android), in
 * Vietnamese and English, with the SHA-256 fingerprint to check by phone;
 * GET /ca.crt: the certificate itself. Served on the HTTPS port and on the
 * plain-HTTP redirect port (a PC needs it before it trusts the HTTPS site).
 */
export function caRoutes(config: AppConfig): Router {
  const router = express.Router();
  const file = caCertFile(config);
  // Read per request: `npm run cert` may renew the CA while the server runs.
  const ca = () => (file && existsSync(file) ? readCa(file) : undefined);
  router.get('/ca', (_req, res) => {
    res.setHeader('Cache-Control', 'no-cache');
    res.type('html').send(caPage(ca()));
  });
  router.get('/ca.crt', (_req, res) => {
    const info = ca();
    if (!info) return void res.status(404).type('text').send('no CA certificate configured');
    res.setHeader('Cache-Control', 'no-cache');
    res.setHeader('Content-Disposition', 'attachment; filename="giaoban-ca.crt"');
    res.type('application/x-x509-ca-cert').send(info.pem);
  });
  return router;
}
