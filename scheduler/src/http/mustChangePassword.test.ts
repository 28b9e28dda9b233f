import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp } from '../../../infra/test/app';
import { connect, login } from '../../../signaling/src/testing/clients';
import type { LoginResponse, SessionResponse } from '../api/auth';

/**
 * A password an administrator chose (reset, or the first password of an
 * account the admin created) must be changed at the next sign-in: until then
 * the REST API and the signaling handshake answer PASSWORD_CHANGE_REQUIRED,
 * except the password change, the session probe, /auth/me and logout.
 * Whole all-in-one server (real redis-server, real signaling).
 */
describe('admin-set passwords must be changed (whole app)', () => {
  let app: Awaited<ReturnType<typeof startTestApp>>;
  let adminToken: string;
  const call = async (token: string, method: string, path: string, body?: unknown) => {
    const res = await fetch(`${app.url}/api${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? (JSON.parse(text) as Record<string, any>) : {} }; // eslint-disable-line @typescript-eslint/no-explicit-any
  };
  const loginBody = async (username: string, password: string) => {
    const res = await fetch(`${app.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password }),
    });
    expect(res.status).toBe(200);
    return (await res.json()) as LoginResponse;
  };
  /** The socket handshake's refusal code, or 'connected'. */
  const handshake = async (token: string) => {
    try {
      const client = await connect(app.url, token);
      client.close();
      return 'connected';
    } catch (err) {
      return (err as { data?: { code?: string } }).data?.code ?? String(err);
    }
  };
  const occurrencesOf = (unitId: string) =>
    `/occurrences?unitId=${unitId}&from=${new Date().toISOString()}&to=${new Date(Date.now() + 86_400_000).toISOString()}`;
  const idOf = async (username: string) =>
    (await app.scheduler.accounts.store.byUsername(username))?.id as string;

  beforeAll(async () => {
    app = await startTestApp({ SFU_WORKERS: '1' });
    adminToken = await login(app.url, 'admin');
  });
  afterAll(async () => {
    await app?.close();
  });

  it('after a reset, allows only the change, the probe, me and logout until the password is changed', async () => {
    const target = await idOf('u18853');
    const reset = await call(adminToken, 'POST', `/accounts/${target}/password`, {
      newPassword: 'Admin-chose-2026',
    });
    expect(reset.status).toBe(200);
    expect(reset.body.account.mustChangePassword).toBe(true);

    const session = await loginBody('u18853', 'Admin-chose-2026');
    expect(session.account).toMatchObject({ unitId: '18853', mustChangePassword: true });
    const token = session.token;

    // Anything else is refused with a coded, translated error.
    for (const path of [occurrencesOf('18853'), '/meetings/nope', '/emergencies']) {
      const refused = await call(token, 'GET', path);
      expect(refused.status, path).toBe(403);
      expect(refused.body.error).toMatchObject({
        code: 'PASSWORD_CHANGE_REQUIRED',
        message: expect.stringContaining('đổi mật khẩu') as unknown,
        messageEn: expect.stringContaining('change it') as unknown,
      });
    }
    expect(await handshake(token)).toBe('PASSWORD_CHANGE_REQUIRED');

    // The probe and me still answer, saying the change is pending.
    const probe = await call(token, 'GET', '/auth/session');
    expect(probe.status).toBe(200);
    expect((probe.body as SessionResponse).authenticated).toBe(true);
    expect(probe.body.account.mustChangePassword).toBe(true);
    expect((await call(token, 'GET', '/auth/me')).body.account.mustChangePassword).toBe(true);

    // Keeping the admin's password is no change.
    const same = await call(token, 'POST', '/auth/password', {
      oldPassword: 'Admin-chose-2026',
      newPassword: 'Admin-chose-2026',
    });
    expect(same.status).toBe(400);
    expect(same.body.error.code).toBe('PASSWORD_REUSED');

    const changed = await call(token, 'POST', '/auth/password', {
      oldPassword: 'Admin-chose-2026',
      newPassword: 'Hai-Thanh-rieng-2026',
    });
    expect(changed.status).toBe(200);
    expect(changed.body.account.mustChangePassword).toBe(false);
    const fresh = changed.body.token as string;
    expect((await call(fresh, 'GET', occurrencesOf('18853'))).status).toBe(200);
    expect(await handshake(fresh)).toBe('connected');
    // The forced-change token is void (the epoch moved).
    expect((await call(token, 'GET', '/auth/me')).status).toBe(401);

    const audit = await call(adminToken, 'GET', '/audit?limit=10');
    const entries = audit.body.entries as { action: string; target: string; details?: unknown }[];
    expect(entries.find((e) => e.action === 'account.passwordReset')).toMatchObject({
      target,
      details: { username: 'u18853', mustChangePassword: true },
    });
    expect(entries[0]).toMatchObject({
      action: 'account.passwordChange',
      target,
      details: { required: true },
    });
  });

  it('lets an account that must change its password log out', async () => {
    const target = await idOf('u18907');
    await call(adminToken, 'POST', `/accounts/${target}/password`, {
      newPassword: 'Admin-chose-18907',
    });
    const { token } = await loginBody('u18907', 'Admin-chose-18907');
    expect((await call(token, 'POST', '/auth/logout')).status).toBe(204);
    expect((await call(token, 'GET', '/auth/session')).body).toEqual({ authenticated: false });
  });

  it('marks an account the admin creates, not one created from the command line', async () => {
    const created = await call(adminToken, 'POST', '/accounts', {
      username: 'vanthu.18904',
      displayName: 'Văn thư xã Dân Hóa',
      unitId: '18904',
      role: 'member',
      password: 'Dan-Hoa-admin-2026',
    });
    expect(created.status).toBe(201);
    expect(created.body.account.mustChangePassword).toBe(true);
    const audit = await call(adminToken, 'GET', '/audit?limit=1');
    expect(audit.body.entries[0]).toMatchObject({
      action: 'account.create',
      details: { username: 'vanthu.18904', mustChangePassword: true },
    });
    const first = await loginBody('vanthu.18904', 'Dan-Hoa-admin-2026');
    expect(first.account.mustChangePassword).toBe(true);
    expect((await call(first.token, 'GET', occurrencesOf('18904'))).body.error.code).toBe(
      'PASSWORD_CHANGE_REQUIRED',
    );

    // npm run admin:create: the admin types their own password, nothing to force.
    const cli = await app.scheduler.accounts.create({
      username: 'admin2',
      displayName: 'Quản trị 2',
      unitId: 'VN',
      role: 'admin',
      password: 'Quan-tri-rieng-2026',
    });
    expect(cli.mustChangePassword).toBe(false);
    const own = await loginBody('admin2', 'Quan-tri-rieng-2026');
    expect(own.account.mustChangePassword).toBe(false);
    expect((await call(own.token, 'GET', '/accounts')).status).toBe(200);
    // Seeded accounts (no mark stored) are not forced either: the demo notice handles them.
    expect((await loginBody('host44', 'GiaoBan@2026')).account).toMatchObject({
      demoPassword: true,
      mustChangePassword: false,
    });
  });
});
