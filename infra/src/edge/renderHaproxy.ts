import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { loadEdgeConfig, type EdgeConfig } from './edgeConfig';
import { renderHaproxyConfig } from './haproxyConfig';

/**
 * Writes HAProxy's configuration (and, with TLS, the certificate + key as the
 * one PEM file HAProxy reads, mode 0600) into `outFile`'s folder. Returns the
 * config's path.
 */
export function writeHaproxyConfig(cfg: EdgeConfig, outFile: string): string {
  const dir = path.dirname(outFile);
  mkdirSync(dir, { recursive: true });
  let pem: string | undefined;
  if (cfg.TLS_CERT && cfg.TLS_KEY) {
    pem = path.join(dir, 'edge.pem');
    const cert = readFileSync(cfg.TLS_CERT, 'utf8').trimEnd();
    const key = readFileSync(cfg.TLS_KEY, 'utf8').trimEnd();
    writeFileSync(pem, `${cert}\n${key}\n`, { mode: 0o600 });
    chmodSync(pem, 0o600);
  }
  writeFileSync(outFile, `${renderHaproxyConfig(cfg, pem)}\n`);
  return outFile;
}

// `node --import tsx infra/src/edge/renderHaproxy.ts /run/giaoban-edge/haproxy.cfg`
// (the edge unit's ExecStartPre), with the EDGE_* variables in the environment.
if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) {
  const out = process.argv[2];
  if (!out) {
    console.error('usage: renderHaproxy.ts <output haproxy.cfg>');
    process.exit(2);
  }
  try {
    process.stdout.write(
      `HAProxy configuration written: ${writeHaproxyConfig(loadEdgeConfig(), out)}\n`,
    );
  } catch (err) {
    console.error((err as Error).message);
    process.exit(1);
  }
}
