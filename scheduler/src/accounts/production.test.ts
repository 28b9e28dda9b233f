import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '@giaoban/common/logger';
import { startTestRedis, type TestRedis } from '../../../infra/test/redis';
import { createScheduler } from '../index';
import { OrgTree } from '../orgTree/orgTree';
import { defaultTiers, quangBinhUnits } from '../orgTree/seedData';
import { AccountService } from './accountService';
import { AccountStore } from './accountStore';

describe('production start-up guard', () => {
  let redis: TestRedis;
  const log = createLogger('test', 'silent');
  beforeAll(async () => {
    redis = await startTestRedis();
  });
  afterAll(async () => {
    await redis?.destroy();
  });

  it('refuses to start in production while a demo password remains, starts once it is gone', async () => {
    const db = redis.client();
    const demo = await createScheduler({ redis: db, log, seed: true, env: {} });
    await demo.close();
    await expect(
      createScheduler({ redis: db, log, seed: false, env: { NODE_ENV: 'production' } }),
    ).rejects.toThrow(/demo password/);

    // A fresh production store: no demo seed, first admin created the CLI way.
    const prodDb = redis.client();
    await prodDb.select(2);
    const tree = await OrgTree.load(prodDb);
    await tree.seedIfEmpty(defaultTiers, quangBinhUnits());
    await new AccountService(new AccountStore(prodDb), tree).create({
      username: 'boss',
      displayName: 'Boss',
      unitId: 'VN',
      role: 'admin',
      password: 'a-long-secret',
    });
    const again = await createScheduler({
      redis: prodDb,
      log,
      seed: false,
      env: { NODE_ENV: 'production' },
    });
    expect(await again.accounts.store.anyDemoPassword()).toEqual([]);
    expect((await again.accounts.authenticate('boss', 'a-long-secret')).role).toBe('admin');
    await again.close();
  });
});
