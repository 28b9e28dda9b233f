import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSchedulerApp, type ApiClient, type SchedulerTestApp } from '../testing/schedulerApp';

describe('admin account tools: list, create, reset password (real redis-server)', () => {
  let app: SchedulerTestApp;
  let admin: ApiClient;
  let others: Record<string, ApiClient>;

  beforeAll(async () => {
    app = await startSchedulerApp();
    admin = await app.as('admin');
    others = {
      member: await app.as('u18904'),
      districtHost: await app.as('host452'),
      provinceHost: await app.as('host44'),
      commander: await app.as('chihuy'),
    };
  });
  afterAll(async () => {
    await app?.close();
  });

  const idOf = async (username: string) =>
    (await app.scheduler.accounts.store.byUsername(username))?.id as string;

  it('refuses every account tool to anyone but an admin, and changes nothing', async () => {
    const target = await idOf('u18853');
    const before = await app.scheduler.accounts.store.get(target);
    for (const [who, client] of Object.entries(others)) {
      expect((await client.call('GET', '/accounts')).status, who).toBe(403);
      const created = await client.call('POST', '/accounts', {
        username: `x-${who.toLowerCase()}`,
        displayName: 'X',
        unitId: '18904',
        role: 'member',
        password: 'mat-khau-moi-123',
      });
      expect(created.status, who).toBe(403);
      expect(created.body.error.code).toBe('FORBIDDEN');
      const reset = await client.call('POST', `/accounts/${target}/password`, {
        newPassword: 'mat-khau-moi-123',
      });
      expect(reset.status, who).toBe(403);
    }
    expect(await app.scheduler.accounts.store.get(target)).toEqual(before);
    expect(await app.scheduler.accounts.store.byUsername('x-member')).toBeUndefined();
  });

  it('lets an admin reset a password: the old sessions end, the new password works, the audit log says so', async () => {
    const user = await app.as('u18853');
    expect((await user.call('GET', '/auth/me')).status).toBe(200);
    const target = await idOf('u18853');
    const res = await admin.call('POST', `/accounts/${target}/password`, {
      newPassword: 'Hai-Thanh-2026!',
    });
    expect(res.status).toBe(200);
    expect(res.body.account).toMatchObject({ username: 'u18853', demoPassword: false });
    expect(res.body.account.passwordHash).toBeUndefined();
    expect((await user.call('GET', '/auth/me')).status).toBe(401);
    const again = await app.as('u18853', 'Hai-Thanh-2026!');
    expect(again.account.unitId).toBe('18853');
    const audit = await admin.call('GET', '/audit?limit=5');
    expect(audit.body.entries[0]).toMatchObject({ action: 'account.passwordReset', target });
    expect(JSON.stringify(audit.body.entries[0])).not.toContain('Hai-Thanh');
  });

  it('refuses a bad reset with a coded error: short, demo, unknown account, own account', async () => {
    const target = await idOf('u18907');
    const short = await admin.call('POST', `/accounts/${target}/password`, { newPassword: 'ngan' });
    expect(short.status).toBe(400);
    expect(short.body.error.code).toBe('BAD_REQUEST');
    const demo = await admin.call('POST', `/accounts/${target}/password`, {
      newPassword: 'GiaoBan@2026',
    });
    expect(demo.body.error.code).toBe('DEMO_PASSWORD');
    const unknown = await admin.call('POST', '/accounts/no-such-id/password', {
      newPassword: 'mat-khau-moi-123',
    });
    expect(unknown.status).toBe(404);
    const own = await admin.call('POST', `/accounts/${admin.account.id}/password`, {
      newPassword: 'mat-khau-moi-123',
    });
    expect(own.status).toBe(400);
    // Still the demo password: nothing changed.
    expect((await app.as('u18907')).account.demoPassword).toBe(true);
  });

  it('lets an admin create an account in a unit, which can then log in', async () => {
    const res = await admin.call('POST', '/accounts', {
      username: 'vanthu.18904',
      displayName: 'Văn thư xã Dân Hóa',
      unitId: '18904',
      role: 'member',
      password: 'Dan-Hoa-2026!',
    });
    expect(res.status).toBe(201);
    const list = await admin.call('GET', '/accounts');
    expect(list.body.accounts.map((a: { username: string }) => a.username)).toContain(
      'vanthu.18904',
    );
    expect((await app.as('vanthu.18904', 'Dan-Hoa-2026!')).account.unitId).toBe('18904');
    const dup = await admin.call('POST', '/accounts', {
      username: 'vanthu.18904',
      displayName: 'Trùng',
      unitId: '18904',
      role: 'member',
      password: 'Dan-Hoa-2026!',
    });
    expect(dup.status).toBe(409);
  });
});
