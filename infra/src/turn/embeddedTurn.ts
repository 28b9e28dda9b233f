import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { isIP } from 'node:net';
import path from 'node:path';
import type { Logger } from '@giaoban/common/logger';
import { loadSfuConfig } from '@giaoban/sfu/config';
import type { AppConfig } from '../config';
import { coturnSettingsFromEnv } from './coturnConfig';
import { loadCoturnEnv } from './coturnEnv';
import { startCoturn, type CoturnChild } from './coturnServer';

/**
 * TURN=embedded: the all-in-one starts coturn as a child, as it does redis-server.
 * The secret is TURN_SECRET or one generated once into DATA_DIR/turn/secret; the
 * relay may reach this node's own SFU address (RTC_ANNOUNCED_ADDRESS) and nothing
 * else private. Returns the variables signaling needs to hand out credentials.
 */
export async function startEmbeddedTurn(
  config: AppConfig,
  env: NodeJS.ProcessEnv,
  log: Logger,
): Promise<{ child: CoturnChild; signalingEnv: { TURN_URLS: string; TURN_SECRET: string } }> {
  const turnEnv = loadCoturnEnv(env);
  const runDir = path.join(config.DATA_DIR, 'turn');
  mkdirSync(runDir, { recursive: true, mode: 0o700 });
  const secret = turnEnv.TURN_SECRET ?? keptSecret(path.join(runDir, 'secret'));
  const announced = loadSfuConfig(env).RTC_ANNOUNCED_ADDRESS;
  const settings = coturnSettingsFromEnv(turnEnv, secret, {
    allowedPeers: announced && isIP(announced) ? [announced] : [],
    runDir,
  });
  const child = await startCoturn({ ...settings, runDir }, log.child({ role: 'turn' }));
  const host =
    turnEnv.TURN_HOST ??
    (config.PUBLIC_URL ? new URL(config.PUBLIC_URL).hostname : undefined) ??
    '127.0.0.1';
  const urls =
    env.TURN_URLS ??
    [
      `turn:${host}:${settings.port}?transport=udp`,
      `turn:${host}:${settings.port}?transport=tcp`,
      ...(settings.tls ? [`turns:${host}:${settings.tlsPort}?transport=tcp`] : []),
    ].join(',');
  log.info(
    { urls, allowedPeers: settings.allowedPeers, config: child.configFile },
    'embedded coturn started',
  );
  return { child, signalingEnv: { TURN_URLS: urls, TURN_SECRET: secret } };
}

function keptSecret(file: string): string {
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const secret = randomBytes(32).toString('hex');
  writeFileSync(file, secret, { mode: 0o600 });
  return secret;
}
