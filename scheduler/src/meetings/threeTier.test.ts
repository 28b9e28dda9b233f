import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '@giaoban/common/logger';
import type { SessionClaims } from '@giaoban/common/session';
import { startTestRedis, type TestRedis } from '../../../infra/test/redis';
import { createScheduler, type Scheduler } from '../index';
import { AccountStore } from '../accounts/accountStore';
import { seedDemoAccounts } from '../accounts/demoSeed';
import { OrgTree } from '../orgTree/orgTree';
import type { Tier, Unit } from '../api/units';

/** After the 2025 reform: central → province → commune, no district tier. Same code. */
const tiers: Tier[] = [
  { id: 'central', name: 'Trung ương', level: 0 },
  { id: 'province', name: 'Tỉnh', level: 1 },
  { id: 'commune', name: 'Xã', level: 2 },
];
const unit = (id: string, tier: string, parentId: string | null): Unit => ({
  id,
  name: `Đơn vị ${id}`,
  type: tier,
  tier,
  parentId,
  linkProfile: 'good',
});
const units: Unit[] = [
  unit('VN', 'central', null),
  unit('44', 'province', 'VN'),
  unit('1001', 'commune', '44'),
  unit('1002', 'commune', '44'),
  unit('45', 'province', 'VN'),
  unit('2001', 'commune', '45'),
];

describe('three-tier tree (no districts): rights, selectors and convene unchanged', () => {
  let redis: TestRedis;
  let scheduler: Scheduler;
  const as = async (username: string): Promise<SessionClaims> => {
    const account = await scheduler.accounts.authenticate(username, 'GiaoBan@2026');
    return scheduler.sessions.verify((await scheduler.sessions.issue(account)).token);
  };
  beforeAll(async () => {
    redis = await startTestRedis();
    const db = redis.client();
    const tree = await OrgTree.load(db);
    await tree.seedIfEmpty(tiers, units);
    await seedDemoAccounts(tree, new AccountStore(db));
    scheduler = await createScheduler({
      redis: db,
      log: createLogger('test', 'silent'),
      seed: false,
      env: {},
    });
  });
  afterAll(async () => {
    await scheduler?.close();
    await redis?.destroy();
  });

  it('a province host addresses its communes, not another province; members see only their own', async () => {
    const host44 = await as('host44');
    expect((await scheduler.accounts.store.all()).map((a) => a.username).sort()).toEqual(
      [
        'admin',
        'chihuy',
        'host44',
        'host45',
        'u1001',
        'u1002',
        'u2001',
        'u44',
        'u45',
        'uvn',
      ].sort(),
    );
    const { meeting } = await scheduler.meetings.startNow(host44, {
      title: 'Giao ban xã',
      selectors: [{ type: 'tier', unitId: '44', tier: 'commune' }],
    });
    expect(meeting.invitedUnitIds).toEqual(['1001', '1002']);
    await expect(
      scheduler.meetings.startNow(host44, {
        title: 'x',
        selectors: [{ type: 'unit', unitId: '2001' }],
      }),
    ).rejects.toMatchObject({ code: 'UNIT_OUT_OF_SCOPE' });

    const grant = await scheduler.gate.authorizeJoin(meeting.id, await as('u1001'));
    expect(grant.isHost).toBe(false);
    await expect(scheduler.gate.authorizeJoin(meeting.id, await as('u2001'))).rejects.toMatchObject(
      {
        code: 'NOT_INVITED',
      },
    );
    const window = {
      from: new Date(Date.now() - 3600_000).toISOString(),
      to: new Date(Date.now() + 3600_000).toISOString(),
    };
    expect(await scheduler.views.list(await as('u1002'), window)).toHaveLength(1);
    expect(await scheduler.views.list(await as('u2001'), window)).toHaveLength(0);

    // A province host is at the top tier below central: it may convene.
    const { emergency } = await scheduler.emergencies.convene(host44, {
      selectors: [{ type: 'children', unitId: '44' }],
    });
    expect(emergency.unitIds).toEqual(['1001', '1002']);
  });
});
