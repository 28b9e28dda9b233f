import type { AppConfig } from '../config';

/**
 * Plain HTTP is only for localhost: browsers give a page served over plain HTTP
 * from any other address no microphone or camera. What the node does about it,
 * decided at start-up from PUBLIC_URL, TLS_CERT/TLS_KEY and TRUST_PROXY:
 *
 * - `PUBLIC_URL=http://<not localhost>` and no TLS of our own: users would get a
 *   meeting without microphone → refused in production, a loud warning otherwise.
 * - `PUBLIC_URL=https://…`, no TLS of our own and TRUST_PROXY=0: nothing would
 *   terminate TLS in front (or the node would not believe the proxy's
 *   X-Forwarded-Proto, so no Secure cookies, no HSTS) → refused in production,
 *   warning otherwise.
 * - no PUBLIC_URL, no TLS, listening beyond loopback: a note in the log (the node cannot
 *   tell a proxy in front from users reaching it directly).
 */
export interface HttpsVerdict {
  /** Why the node must not start (production only). */
  refuse?: string;
  /** Said loudly at start-up (a banner on stderr and the log). */
  warnings: string[];
  /** Logged once. */
  notes: string[];
}

const LOOPBACK = /^(localhost|127\.\d+\.\d+\.\d+|\[::1\]|::1)$/i;

export function isLoopbackHost(host: string): boolean {
  return LOOPBACK.test(host);
}

export function httpsPolicy(config: AppConfig): HttpsVerdict {
  const tls = !!(config.TLS_CERT && config.TLS_KEY);
  const production = config.NODE_ENV === 'production';
  const problems: string[] = [];
  if (!tls && config.PUBLIC_URL) {
    const url = new URL(config.PUBLIC_URL);
    if (url.protocol === 'http:' && !isLoopbackHost(url.hostname))
      problems.push(
        `PUBLIC_URL ${url.origin} is plain HTTP on a non-localhost address: browsers will give ` +
          'no microphone or camera there. Set TLS_CERT/TLS_KEY (`npm run cert`) or put a ' +
          'TLS-terminating proxy in front (PUBLIC_URL=https://…, TRUST_PROXY=1).',
      );
    if (url.protocol === 'https:' && config.TRUST_PROXY === 0)
      problems.push(
        `PUBLIC_URL ${url.origin} is HTTPS but this node has no TLS_CERT/TLS_KEY and ` +
          'TRUST_PROXY=0: set TLS_CERT/TLS_KEY, or TRUST_PROXY to the number of ' +
          'TLS-terminating proxies in front (HAProxy: 1).',
      );
  }
  if (problems.length > 0)
    return production
      ? { refuse: problems.join(' '), warnings: [], notes: [] }
      : { warnings: problems, notes: [] };
  if (!tls && !config.PUBLIC_URL && config.TRUST_PROXY === 0 && !isLoopbackHost(config.HOST))
    return {
      warnings: [],
      notes: [
        `Serving plain HTTP on ${config.HOST}:${config.PORT}: only browsers on this machine ` +
          '(localhost) get microphone and camera. For other machines set TLS_CERT/TLS_KEY ' +
          '(`npm run cert`) or a TLS-terminating proxy (PUBLIC_URL=https://…, TRUST_PROXY=1).',
      ],
    };
  return { warnings: [], notes: [] };
}
