import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { RequestHandler } from 'express';
import helmet from 'helmet';

/**
 * Headers on every answer (helmet): no framing (X-Frame-Options DENY), no MIME
 * sniffing, no Referer leaving the app, same-origin opener and resources.
 * HSTS is left to the HTTPS proxy in front, which knows the domain's policy.
 */
export function securityHeaders(): RequestHandler {
  return helmet({
    contentSecurityPolicy: false, // the app shell's own below; API answers are JSON
    frameguard: { action: 'deny' },
    referrerPolicy: { policy: 'no-referrer' },
    strictTransportSecurity: false,
  });
}

/** 'sha256-…' sources of the inline scripts of the built index.html (the slow-link loader). */
export function inlineScriptHashes(html: string): string[] {
  const hashes: string[] = [];
  for (const m of html.matchAll(/<script(?![^>]*\bsrc=)[^>]*>([\s\S]*?)<\/script>/g)) {
    const body = m[1] ?? '';
    if (body.trim()) hashes.push(`'sha256-${createHash('sha256').update(body).digest('base64')}'`);
  }
  return hashes;
}

/**
 * The client's Content-Security-Policy: its own scripts (and the built page's
 * inline loader by hash), media from getUserMedia/blob URLs, signaling over
 * WebSocket to the same host, and never inside another site's frame.
 */
export function contentSecurityPolicy(clientDist: string): RequestHandler {
  let html = '';
  try {
    html = readFileSync(path.join(clientDist, 'index.html'), 'utf8');
  } catch {
    // not built: the shell is not served either
  }
  return helmet.contentSecurityPolicy({
    useDefaults: false,
    directives: {
      defaultSrc: ["'self'"],
      scriptSrc: ["'self'", ...inlineScriptHashes(html)],
      // React and the loader set style attributes; styles cannot run code.
      styleSrc: ["'self'", "'unsafe-inline'"],
      imgSrc: ["'self'", 'data:', 'blob:'],
      mediaSrc: ["'self'", 'blob:', 'mediastream:'],
      fontSrc: ["'self'", 'data:'],
      // 'self' covers ws:/wss: to the same host (socket.io) and the link test's fetches.
      connectSrc: ["'self'"],
      workerSrc: ["'self'", 'blob:'],
      objectSrc: ["'none'"],
      baseUri: ["'self'"],
      formAction: ["'self'"],
      frameAncestors: ["'none'"],
    },
  });
}
