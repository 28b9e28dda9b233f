import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { startTestApp } from '../../../infra/test/app';
import type { LoginResponse, MeResponse, SessionResponse } from '../api/auth';

describe('accounts and sessions (whole app, real redis-server)', () => {
  let app: Awaited<ReturnType<typeof startTestApp>>;
  const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${app.url}/api${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });
  const login = async (username: string, password = 'GiaoBan@2026') => {
    const res = await post('/auth/login', { username, password });
    return { res, body: (await res.json()) as LoginResponse };
  };

  beforeAll(async () => {
    app = await startTestApp({ SFU_WORKERS: '1', LOGIN_MAX_FAILURES: '3' });
  });
  afterAll(async () => {
    await app?.close();
  });

  it('seeds the demo accounts with the documented roles and units', async () => {
    const cases: [string, string, string][] = [
      ['u18853', 'member', '18853'],
      ['host44', 'host', '44'],
      ['host452', 'host', '452'],
      ['chihuy', 'commander', '44'],
      ['admin', 'admin', 'VN'],
    ];
    for (const [username, role, unitId] of cases) {
      const { res, body } = await login(username);
      expect(res.status).toBe(200);
      expect(body.account).toMatchObject({ username, role, unitId, demoPassword: true });
    }
    const all = await app.scheduler.accounts.store.all();
    expect(all.filter((a) => a.role === 'member')).toHaveLength(161);
    expect(
      all
        .filter((a) => a.role === 'host')
        .map((a) => a.username)
        .sort(),
    ).toEqual(
      [
        'host44',
        'host450',
        'host452',
        'host453',
        'host454',
        'host455',
        'host456',
        'host457',
        'host458',
      ].sort(),
    );
    // Passwords are argon2id hashes, never the password itself.
    expect(all[0]?.passwordHash).toMatch(/^\$argon2id\$/);
  });

  it('answers the session probe with 200 whether logged in, logged out or revoked', async () => {
    const probe = (cookie?: string) =>
      fetch(`${app.url}/api/auth/session`, { headers: cookie ? { cookie } : {} });
    const anonymous = await probe();
    expect(anonymous.status).toBe(200);
    expect(await anonymous.json()).toEqual({ authenticated: false });

    const { res } = await login('u18853');
    const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0] as string;
    const live = await probe(cookie);
    expect(live.status).toBe(200);
    const body = (await live.json()) as SessionResponse;
    expect(body).toMatchObject({ authenticated: true, account: { unitId: '18853' } });
    expect(body.authenticated && body.token).toBe(cookie.replace('gb_session=', ''));

    // A cookie-authenticated call from the app carries its CSRF header.
    await post('/auth/logout', {}, { cookie, 'x-giaoban-csrf': '1' });
    const revoked = await probe(cookie);
    expect(revoked.status).toBe(200);
    expect(await revoked.json()).toEqual({ authenticated: false });
    // The dead cookie is cleared so the next load does not carry it.
    expect(revoked.headers.get('set-cookie')).toMatch(/gb_session=;/);
    const garbage = await probe('gb_session=not-a-token');
    expect(garbage.status).toBe(200);
    // /auth/me still says 401 to API callers without a session.
    expect((await fetch(`${app.url}/api/auth/me`)).status).toBe(401);
  });

  it('sets an httpOnly cookie and accepts cookie or bearer; logout revokes the token', async () => {
    const { res, body } = await login('u18853');
    const cookie = res.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/gb_session=/);
    expect(cookie).toMatch(/HttpOnly/i);
    const viaCookie = await fetch(`${app.url}/api/auth/me`, {
      headers: { cookie: cookie.split(';')[0] as string },
    });
    expect(viaCookie.status).toBe(200);
    expect(((await viaCookie.json()) as MeResponse).account.unitId).toBe('18853');
    const now = Date.now();
    const window = `from=${new Date(now).toISOString()}&to=${new Date(now + 86_400_000).toISOString()}`;
    const occurrencesViaCookie = await fetch(`${app.url}/api/occurrences?${window}`, {
      headers: { cookie: cookie.split(';')[0] as string },
    });
    expect(occurrencesViaCookie.status).toBe(200);
    const bearer = { authorization: `Bearer ${body.token}` };
    expect((await fetch(`${app.url}/api/auth/me`, { headers: bearer })).status).toBe(200);
    expect(await app.scheduler.sessions.verify(body.token)).toMatchObject({
      unitId: '18853',
      role: 'member',
    });

    expect((await post('/auth/logout', {}, bearer)).status).toBe(204);
    const after = await fetch(`${app.url}/api/auth/me`, { headers: bearer });
    expect(after.status).toBe(401);
    expect(((await after.json()) as { error: { code: string } }).error.code).toBe(
      'UNAUTHENTICATED',
    );
    await expect(app.scheduler.sessions.verify(body.token)).rejects.toMatchObject({
      code: 'UNAUTHENTICATED',
    });
    await expect(app.scheduler.sessions.verify('garbage')).rejects.toMatchObject({
      code: 'UNAUTHENTICATED',
    });
  });

  it('rejects wrong passwords with INVALID_CREDENTIALS and then rate-limits', async () => {
    for (let i = 0; i < 3; i++) {
      const { res, body } = await login('u450', 'wrong-password');
      expect(res.status).toBe(401);
      expect((body as unknown as { error: { code: string } }).error.code).toBe(
        'INVALID_CREDENTIALS',
      );
    }
    const { res, body } = await login('u450');
    expect(res.status).toBe(429);
    expect((body as unknown as { error: { code: string } }).error.code).toBe('RATE_LIMITED');
    // Another username from the same IP is not blocked.
    expect((await login('u458')).res.status).toBe(200);
  });

  it('changes a password: old tokens die, the demo password is refused', async () => {
    const { body } = await login('u18856');
    const bearer = { authorization: `Bearer ${body.token}` };
    const demo = await post(
      '/auth/password',
      { oldPassword: 'GiaoBan@2026', newPassword: 'GiaoBan@2026' },
      bearer,
    );
    expect(demo.status).toBe(400);
    const badOld = await post(
      '/auth/password',
      { oldPassword: 'nope', newPassword: 'new-secret-123' },
      bearer,
    );
    expect(badOld.status).toBe(401);
    const ok = await post(
      '/auth/password',
      { oldPassword: 'GiaoBan@2026', newPassword: 'new-secret-123' },
      bearer,
    );
    expect(ok.status).toBe(200);
    const fresh = (await ok.json()) as LoginResponse;
    expect(fresh.account.demoPassword).toBe(false);
    expect((await fetch(`${app.url}/api/auth/me`, { headers: bearer })).status).toBe(401);
    expect((await login('u18856', 'GiaoBan@2026')).res.status).toBe(401);
    expect((await login('u18856', 'new-secret-123')).res.status).toBe(200);
  });

  it('validates bodies with a coded error and lets only admins create accounts', async () => {
    const bad = await post('/auth/login', { username: 'x' });
    expect(bad.status).toBe(400);
    const err = (
      (await bad.json()) as { error: { code: string; message: string; messageEn: string } }
    ).error;
    expect(err).toMatchObject({ code: 'BAD_REQUEST' });
    expect(err.message).toMatch(/không hợp lệ/);

    const admin = { authorization: `Bearer ${(await login('admin')).body.token}` };
    const host = { authorization: `Bearer ${(await login('host44')).body.token}` };
    const req = {
      username: 'nguyenvana',
      displayName: 'Nguyễn Văn A',
      unitId: '452',
      role: 'host',
      password: 'a-strong-pass-1',
    };
    expect((await post('/accounts', req, host)).status).toBe(403);
    const before = await app.scheduler.accounts.store.count();
    expect((await post('/accounts', { ...req, unitId: 'NOPE' }, admin)).status).toBe(400);
    expect(await app.scheduler.accounts.store.count()).toBe(before);
    expect((await post('/accounts', req, admin)).status).toBe(201);
    expect((await post('/accounts', req, admin)).status).toBe(409);
    expect((await login('nguyenvana', 'a-strong-pass-1')).body.account.role).toBe('host');
  });

  it('sets a readable session hint (no secret) with the session and clears it with it', async () => {
    const { res } = await login('host455');
    expect(res.status).toBe(200);
    const set = res.headers.getSetCookie();
    const hint = set.find((c) => c.startsWith('gb_signed_in='));
    expect(hint).toMatch(/^gb_signed_in=1;/);
    // The app reads it to skip the session probe on a first visit: not httpOnly, not the token.
    expect(hint).not.toMatch(/HttpOnly/i);
    const session = (set.find((c) => c.startsWith('gb_session=')) ?? '').split(';')[0] as string;
    const out = await post('/auth/logout', {}, { cookie: session, 'x-giaoban-csrf': '1' });
    expect(out.headers.getSetCookie().map((c) => c.split(';')[0])).toEqual([
      'gb_session=',
      'gb_signed_in=',
    ]);
    // A dead session found by the probe forgets the hint too.
    const probe = await fetch(`${app.url}/api/auth/session`, { headers: { cookie: session } });
    expect(probe.headers.getSetCookie().map((c) => c.split(';')[0])).toContain('gb_signed_in=');
  });

  it('keeps the JWT secret in Redis so sessions survive an app restart', async () => {
    const redis = new Redis(app.redisUrl);
    try {
      expect((await redis.get('gb:secret:jwt'))?.length).toBeGreaterThan(40);
    } finally {
      redis.disconnect();
    }
  });
});
