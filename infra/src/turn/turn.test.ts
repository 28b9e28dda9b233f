import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '@giaoban/common/logger';
import { connect, login, startMeeting, type TestClient } from '@giaoban/signaling/testing/clients';
import { turnPassword } from '@giaoban/signaling/turn/turnCredentials';
import { startTestApp } from '../../test/app';
import { turnTlsAllocate } from '../../test/turnAllocate';
import { uclient } from '../../test/turnClient';
import { freePort } from '../redisServer';
import { issueLocalCertificates } from '../tls/localCa';
import { coturnSettingsFromEnv, renderCoturnConfig } from './coturnConfig';
import { loadCoturnEnv } from './coturnEnv';
import { startCoturn, stunPing } from './coturnServer';

const log = createLogger('test', process.env.LOG_LEVEL ?? 'warn');
/** Relay ports of this file, away from mediasoup's and other files' (RTC_PORT=0 picks ephemeral ones). */
const relayRange = () => {
  const base = 20_000 + Math.floor(Math.random() * 80) * 100;
  return `${base}-${base + 49}`;
};

/**
 * TURN end to end without a browser: the all-in-one starts coturn (TURN=embedded)
 * from the template, signaling hands out time-limited credentials with the
 * prepare, the join and `media:iceServers`, and coturn's own client
 * (turnutils_uclient) allocates with them over UDP and TCP and relays
 * messages; an Allocate over TLS (infra/test/turnAllocate.ts) gets a relay too. Wrong and expired credentials are refused by the same coturn.
 */
describe('TURN: embedded coturn, credentials from signaling', () => {
  let app: Awaited<ReturnType<typeof startTestApp>>;
  let tlsDir: string;
  let ports: { turn: number; tls: number };
  let ca: string;
  const sockets: TestClient[] = [];

  beforeAll(async () => {
    tlsDir = mkdtempSync(path.join(tmpdir(), 'gb-turn-tls-'));
    const { files } = await issueLocalCertificates(tlsDir, ['localhost', '127.0.0.1']);
    ca = readFileSync(files.caCert, 'utf8');
    ports = { turn: await freePort(), tls: await freePort() };
    app = await startTestApp({
      SFU_WORKERS: '1',
      TURN: 'embedded',
      TURN_PORT: String(ports.turn),
      TURN_TLS_PORT: String(ports.tls),
      TURN_TLS_CERT: files.cert,
      TURN_TLS_KEY: files.key,
      TURN_LISTEN_IP: '127.0.0.1',
      TURN_RELAY_IP: '127.0.0.1',
      TURN_RELAY_PORTS: relayRange(),
      TURN_TTL_SECONDS: '120',
    });
  });
  afterAll(async () => {
    for (const s of sockets) s.close();
    await app?.close();
    rmSync(tlsDir, { recursive: true, force: true });
  });

  const member = async (who: string) => {
    const c = await connect(app.url, await login(app.url, who));
    sockets.push(c);
    return c;
  };

  it(
    'hands out credentials with prepare and join that coturn accepts (UDP, TCP, TLS)',
    {
      timeout: 60_000,
    },
    async () => {
      const host = await login(app.url, 'host450');
      const meetingId = await startMeeting(app.url, host, ['18853']);
      const a = await member('u18853');
      const prep = await a.request('meeting:prepare', { meetingId });
      if (!prep.ok) throw new Error(JSON.stringify(prep.error));
      const join = await a.request('meeting:join', { meetingId, deviceId: 'dev-turn' });
      if (!join.ok) throw new Error(JSON.stringify(join.error));

      for (const turn of [prep.data.turn, join.data.turn]) {
        expect(turn).toBeDefined();
        const server = turn!.iceServers[0]!;
        expect(server.urls).toEqual([
          `turn:127.0.0.1:${ports.turn}?transport=udp`,
          `turn:127.0.0.1:${ports.turn}?transport=tcp`,
          `turns:127.0.0.1:${ports.tls}?transport=tcp`,
        ]);
        // username "<expiry>:<unit>", password base64(HMAC-SHA1(secret, username)).
        const [expiry, unit] = server.username.split(':');
        expect(unit).toBe('18853');
        expect(Number(expiry) * 1000).toBe(turn!.expiresAt);
        expect(turn!.expiresAt - Date.now()).toBeGreaterThan(110_000);
        expect(turn!.expiresAt - Date.now()).toBeLessThanOrEqual(120_000);
        const secret = readFileSync(path.join(app.dataDir, 'turn', 'secret'), 'utf8').trim();
        expect(server.credential).toBe(turnPassword(secret, server.username));
      }

      const { username, credential } = join.data.turn!.iceServers[0]!;
      // coturn's client: two allocations relaying 3 messages each way, over UDP and over TCP.
      for (const transport of ['udp', 'tcp'] as const) {
        const r = await uclient({ port: ports.turn, username, password: credential, transport });
        expect(r.allocated, `${transport}: ${r.output.slice(-400)}`).toBe(true);
        expect(r.received, `${transport}: ${r.output.slice(-600)}`).toBe(6);
      }
      // TURN over TLS: the TLS listener (certificate from the local CA) accepts them too.
      const tls = { host: '127.0.0.1', port: ports.tls, ca, servername: 'localhost' };
      const allocated = await turnTlsAllocate({ ...tls, username, password: credential });
      expect(allocated).toMatchObject({ ok: true, relayed: { address: '127.0.0.1' } });
      const refused = await turnTlsAllocate({ ...tls, username, password: 'wrong' });
      expect(refused).toEqual({ ok: false, errorCode: 401 });
    },
  );

  it('refreshes: media:iceServers gives a later expiry; coturn refuses a wrong or expired password', async () => {
    const a = await member('u18856');
    // Only an endpoint in a meeting gets a refresh.
    const outside = await a.request('media:iceServers', {});
    expect(outside.ok ? 'ok' : outside.error.code).toBe('MEETING_NOT_OPEN');
    const host = await login(app.url, 'host450');
    const meetingId = await startMeeting(app.url, host, ['18856']);
    const joined = await a.request('meeting:join', { meetingId, deviceId: 'dev-refresh' });
    if (!joined.ok) throw new Error(JSON.stringify(joined.error));
    const first = await a.request('media:iceServers', {});
    if (!first.ok) throw new Error(JSON.stringify(first.error));
    await new Promise((r) => setTimeout(r, 1_100));
    const second = await a.request('media:iceServers', {});
    if (!second.ok) throw new Error(JSON.stringify(second.error));
    expect(second.data.turn!.expiresAt).toBeGreaterThan(first.data.turn!.expiresAt);
    const { username, credential } = second.data.turn!.iceServers[0]!;
    expect((await uclient({ port: ports.turn, username, password: credential })).received).toBe(6);

    const wrong = await uclient({ port: ports.turn, username, password: 'not-the-password' });
    expect(wrong.allocated).toBe(false);
    const secret = readFileSync(path.join(app.dataDir, 'turn', 'secret'), 'utf8').trim();
    const expired = `${Math.floor(Date.now() / 1000) - 5}:18856`;
    const old = await uclient({
      port: ports.turn,
      username: expired,
      password: turnPassword(secret, expired),
    });
    expect(old.allocated).toBe(false);
  });

  it('the generated configuration carries the hardening', () => {
    const conf = readFileSync(path.join(app.dataDir, 'turn', 'turnserver.conf'), 'utf8');
    for (const line of [
      'use-auth-secret',
      'fingerprint',
      'no-cli',
      'no-multicast-peers',
      'no-tcp-relay',
      'user-quota=16',
      'total-quota=1200',
      'denied-peer-ip=10.0.0.0-10.255.255.255',
      'denied-peer-ip=192.168.0.0-192.168.255.255',
      // The SFU announces 127.0.0.1 here: the one private peer allowed.
      'allowed-peer-ip=127.0.0.1',
      'realm=giaoban',
    ])
      expect(conf.split('\n')).toContain(line);
  });
});

describe('coturn child: supervision and the private-range ban', () => {
  it('relays nothing to a private peer that is not an SFU address, and restarts a killed child', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'gb-coturn-'));
    const port = await freePort();
    const secret = 'a-secret-for-this-test-only';
    const env = loadCoturnEnv({
      TURN_PORT: String(port),
      TURN_TLS_PORT: String(await freePort()),
      TURN_LISTEN_IP: '127.0.0.1',
      TURN_RELAY_IP: '127.0.0.1',
      TURN_RELAY_PORTS: relayRange(),
    });
    // No allowed peers: loopback (the peers' relay addresses here) is denied like any private range.
    const settings = { ...coturnSettingsFromEnv(env, secret), runDir: dir };
    expect(renderCoturnConfig(settings)).not.toContain('allow-loopback-peers');
    const child = await startCoturn(settings, log);
    try {
      const username = `${Math.floor(Date.now() / 1000) + 60}:18853`;
      const r = await uclient({ port, username, password: turnPassword(secret, username) });
      expect(r.allocated).toBe(true);
      expect(r.received).toBe(0);

      const before = child.pid()!;
      process.kill(before, 'SIGKILL');
      await expect
        .poll(
          async () =>
            child.pid() !== before &&
            (await stunPing('127.0.0.1', port, 300).then(
              () => true,
              () => false,
            )),
          { timeout: 10_000, interval: 200 },
        )
        .toBe(true);
    } finally {
      await child.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
