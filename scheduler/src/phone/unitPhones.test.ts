import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp } from '../../../infra/test/app';
import type { LoginResponse } from '../api/auth';
import { maskPhone } from './unitPhones';

describe('unit phone numbers (whole app, real redis-server)', () => {
  let app: Awaited<ReturnType<typeof startTestApp>>;
  const tokenOf = async (username: string) => {
    const res = await fetch(`${app.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password: 'GiaoBan@2026' }),
    });
    return ((await res.json()) as LoginResponse).token;
  };
  const call = (method: string, path: string, token: string, body?: unknown) =>
    fetch(`${app.url}/api${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });

  beforeAll(async () => {
    app = await startTestApp({ SFU_WORKERS: '1' });
  });
  afterAll(async () => {
    await app?.close();
  });

  it('the admin sets a unit list of numbers, kept as digits; others may not read or set them', async () => {
    const admin = await tokenOf('admin');
    const put = await call('PUT', '/units/18853/phones', admin, {
      numbers: ['0912 345 678', '+84-232.3822.111'],
    });
    expect(put.status).toBe(200);
    const got = await call('GET', '/units/18853/phones', admin);
    expect(await got.json()).toEqual({
      unitId: '18853',
      numbers: ['0912345678', '+842323822111'],
      escalateAfterMin: null,
      defaultEscalateAfterMin: 3,
      smsEnabled: false,
    });
    for (const who of ['host44', 'chihuy', 'u18853']) {
      const token = await tokenOf(who);
      expect((await call('GET', '/units/18853/phones', token)).status).toBe(403);
      expect(
        (await call('PUT', '/units/18853/phones', token, { numbers: ['0912345679'] })).status,
      ).toBe(403);
    }
  });

  it('refuses what is not a phone number, duplicates and more than 5; unknown units', async () => {
    const admin = await tokenOf('admin');
    for (const numbers of [['abc'], ['12'], ['0912345678', '0912 345 678'], Array(6).fill('0')]) {
      const res = await call('PUT', '/units/18853/phones', admin, { numbers });
      expect(res.status).toBe(400);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe(
        'PHONE_NUMBER_INVALID',
      );
    }
    // The escalation delay: 0.05 min (3 s) up to a day; null goes back to the default.
    for (const escalateAfterMin of [0, -1, 2000])
      expect(
        (await call('PUT', '/units/18853/phones', admin, { numbers: [], escalateAfterMin })).status,
      ).toBe(400);
    const own = await call('PUT', '/units/18853/phones', admin, {
      numbers: [],
      escalateAfterMin: 5,
    });
    expect(await own.json()).toMatchObject({ escalateAfterMin: 5, defaultEscalateAfterMin: 3 });
    const back = await call('PUT', '/units/18853/phones', admin, {
      numbers: [],
      escalateAfterMin: null,
    });
    expect(await back.json()).toMatchObject({ escalateAfterMin: null });
    expect((await call('GET', '/units/NOPE/phones', admin)).status).toBe(404);
    // An empty list clears them.
    expect((await call('PUT', '/units/18856/phones', admin, { numbers: [] })).status).toBe(200);
    expect(await (await call('GET', '/units/18856/phones', admin)).json()).toMatchObject({
      unitId: '18856',
      numbers: [],
    });
  });

  it('the audit log says how many numbers, never which', async () => {
    const admin = await tokenOf('admin');
    await call('PUT', '/units/18853/phones', admin, { numbers: ['0987654321'] });
    const audit = await (await call('GET', '/audit?limit=20', admin)).text();
    expect(audit).toContain('unit.phones');
    expect(audit).not.toContain('0987654321');
  });

  it('masks a number for logs', () => {
    expect(maskPhone('0912345678')).toBe('091*****78');
    expect(maskPhone('+842323822111')).toBe('+84********11');
  });
});
