import { createHmac } from 'node:crypto';
import type { TurnGrant } from '../protocol/ice';

/**
 * Time-limited TURN credentials from a secret shared with coturn (`use-auth-secret`,
 * `static-auth-secret`; the "TURN REST API" scheme): username `<expiry unix s>:<unit id>`,
 * password base64(HMAC-SHA1(secret, username)). coturn checks them itself, so no
 * per-user state anywhere; the unit id in the name lets coturn's per-user quota and
 * logs tell communes apart.
 */
export interface TurnSettings {
  /** `turn:host:3478?transport=udp`, `turns:turn.example:443?transport=tcp` … */
  urls: string[];
  secret: string;
  ttlSeconds: number;
}

export function turnPassword(secret: string, username: string): string {
  return createHmac('sha1', secret).update(username).digest('base64');
}

export function issueTurnGrant(
  settings: TurnSettings,
  unitId: string,
  now: number = Date.now(),
): TurnGrant {
  const expiry = Math.floor(now / 1000) + settings.ttlSeconds;
  const username = `${expiry}:${unitId}`;
  return {
    iceServers: [
      { urls: settings.urls, username, credential: turnPassword(settings.secret, username) },
    ],
    expiresAt: expiry * 1000,
  };
}
