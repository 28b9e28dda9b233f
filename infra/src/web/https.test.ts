import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect } from '@giaoban/signaling/testing/clients';
import { startTestApp } from '../../test/app';
import { loginBody, send } from '../../test/httpsRequest';
import { loadAppConfig } from '../config';
import { freePort } from '../redisServer';
import { issueLocalCertificates, subjectAltNames } from '../tls/localCa';
import { httpsPolicy } from './httpsPolicy';

const json = { 'content-type': 'application/json' };

/**
 * HTTPS on the all-in-one (a real certificate from `npm run cert`'s local CA,
 * node's TLS client trusting only that CA), the plain-HTTP redirect port, the CA
 * download, HSTS and Secure cookies; then the same node behind a TLS-terminating
 * proxy (TRUST_PROXY + X-Forwarded-Proto).
 */
describe('HTTPS with a local CA', () => {
  let app: Awaited<ReturnType<typeof startTestApp>>;
  let dir: string;
  let ca: string;
  let redirectPort: number;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'gb-tls-'));
    const { files } = await issueLocalCertificates(dir, [
      'giaoban.test',
      '10.20.30.40',
      'localhost',
      '127.0.0.1',
    ]);
    ca = readFileSync(files.caCert, 'utf8');
    redirectPort = await freePort();
    app = await startTestApp({
      SFU_WORKERS: '1',
      TLS_CERT: files.cert,
      TLS_KEY: files.key,
      TLS_CA_CERT: files.caCert,
      HTTP_REDIRECT_PORT: String(redirectPort),
    });
  });
  afterAll(async () => {
    await app?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('npm run cert: the server certificate names every address; the CA is kept when re-issuing', async () => {
    const names = subjectAltNames(readFileSync(path.join(dir, 'server.crt')));
    expect(names).toEqual([
      'DNS:giaoban.test',
      'IP Address:10.20.30.40',
      'DNS:localhost',
      'IP Address:127.0.0.1',
    ]);
    const caBefore = new X509Certificate(ca);
    expect(caBefore.ca).toBe(true);
    const again = await issueLocalCertificates(dir, ['other.test']);
    expect(again.caCreated).toBe(false);
    expect(new X509Certificate(readFileSync(again.files.caCert)).fingerprint256).toBe(
      caBefore.fingerprint256,
    );
    expect(new X509Certificate(readFileSync(again.files.cert)).verify(caBefore.publicKey)).toBe(
      true,
    );
  });

  it('serves the app over HTTPS with HSTS, and the session cookie is Secure', async () => {
    expect(app.url).toMatch(/^https:\/\/localhost:\d+$/);
    const health = await send(`${app.url}/healthz`, { ca });
    expect(health.status).toBe(200);
    expect(health.headers['strict-transport-security']).toBe(`max-age=${180 * 24 * 3600}`);

    const login = await send(`${app.url}/api/auth/login`, {
      ca,
      method: 'POST',
      headers: json,
      body: loginBody('u18853'),
    });
    expect(login.status).toBe(200);
    const cookies = login.headers['set-cookie'] ?? [];
    expect(cookies.length).toBe(2);
    for (const c of cookies) expect(c).toMatch(/; Secure/);

    // Signaling over WSS on the same port.
    const token = (JSON.parse(login.body) as { token: string }).token;
    const socket = await connect(app.url, token, { ca });
    expect(socket.socket.connected).toBe(true);
    socket.close();
  });

  it('the plain-HTTP port redirects to HTTPS (308, path kept) but serves the CA and its page', async () => {
    const plain = `http://localhost:${redirectPort}`;
    const port = new URL(app.url).port;
    const r = await send(`${plain}/meeting/abc?x=1`);
    expect(r.status).toBe(308);
    expect(r.headers.location).toBe(`https://localhost:${port}/meeting/abc?x=1`);
    const post = await send(`${plain}/api/auth/login`, {
      method: 'POST',
      headers: json,
      body: '{}',
    });
    expect(post.status).toBe(308);

    const crt = await send(`${plain}/ca.crt`);
    expect(crt.status).toBe(200);
    expect(crt.headers['content-type']).toMatch(/application\/x-x509-ca-cert/);
    expect(crt.body).toBe(ca);
    const page = await send(`${plain}/ca`);
    expect(page.status).toBe(200);
    expect(page.body).toContain(new X509Certificate(ca).fingerprint256);
    expect(page.body).toContain('Tải chứng chỉ CA');
    expect(page.body).toContain('Android');
    // And over HTTPS, for a PC that clicked through the warning.
    expect((await send(`${app.url}/ca.crt`, { ca })).body).toBe(ca);
  });

  it('a client that does not trust the CA is refused by TLS', async () => {
    await expect(send(`${app.url}/healthz`)).rejects.toThrow(/certificate/i);
  });
});

describe('behind a TLS-terminating proxy (TRUST_PROXY=1)', () => {
  let app: Awaited<ReturnType<typeof startTestApp>>;

  beforeAll(async () => {
    app = await startTestApp({
      SFU_WORKERS: '1',
      TRUST_PROXY: '1',
      PUBLIC_URL: 'https://giaoban.test',
    });
  });
  afterAll(async () => {
    await app?.close();
  });

  const loginVia = (proto: string | undefined) =>
    send(`${app.url}/api/auth/login`, {
      method: 'POST',
      headers: { ...json, ...(proto ? { 'x-forwarded-proto': proto } : {}) },
      body: loginBody('u18856'),
    });

  it('X-Forwarded-Proto: https counts as HTTPS: HSTS and Secure cookies', async () => {
    const r = await loginVia('https');
    expect(r.status).toBe(200);
    expect(r.headers['strict-transport-security']).toMatch(/^max-age=\d+$/);
    for (const c of r.headers['set-cookie'] ?? []) expect(c).toMatch(/; Secure/);
  });

  it('a plain request (no header) gets neither', async () => {
    const r = await loginVia(undefined);
    expect(r.status).toBe(200);
    expect(r.headers['strict-transport-security']).toBeUndefined();
    for (const c of r.headers['set-cookie'] ?? []) expect(c).not.toMatch(/Secure/);
  });
});

describe('plain HTTP only for localhost', () => {
  const cfg = (env: Record<string, string>) => loadAppConfig({ ...env });

  it('refuses a non-localhost http:// PUBLIC_URL without TLS in production, warns otherwise', () => {
    const env = { PUBLIC_URL: 'http://10.20.30.40:8080' };
    expect(httpsPolicy(cfg({ ...env, NODE_ENV: 'production' })).refuse).toMatch(/microphone/);
    const dev = httpsPolicy(cfg(env));
    expect(dev.refuse).toBeUndefined();
    expect(dev.warnings[0]).toMatch(/plain HTTP/);
  });

  it('refuses https:// PUBLIC_URL with neither a certificate nor a trusted proxy in production', () => {
    const env = { PUBLIC_URL: 'https://giaoban.test', NODE_ENV: 'production' };
    expect(httpsPolicy(cfg(env)).refuse).toMatch(/TRUST_PROXY/);
    expect(httpsPolicy(cfg({ ...env, TRUST_PROXY: '1' }))).toEqual({ warnings: [], notes: [] });
    expect(
      httpsPolicy(cfg({ ...env, TLS_CERT: '/c.pem', TLS_KEY: '/k.pem' })).refuse,
    ).toBeUndefined();
  });

  it('localhost stays plain HTTP without a word', () => {
    expect(
      httpsPolicy(cfg({ PUBLIC_URL: 'http://localhost:8080', NODE_ENV: 'production' })),
    ).toEqual({ warnings: [], notes: [] });
    expect(httpsPolicy(cfg({ HOST: '127.0.0.1' }))).toEqual({ warnings: [], notes: [] });
    expect(httpsPolicy(cfg({})).notes).toHaveLength(1);
  });
});
