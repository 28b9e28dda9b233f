import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestRedis, type TestRedis } from '../../../infra/test/redis';
import { OrgTree } from './orgTree';
import { defaultTiers, quangBinhUnits } from './seedData';
import type { Tier, Unit } from '../api/units';

describe('OrgTree', () => {
  let redis: TestRedis;
  beforeAll(async () => {
    redis = await startTestRedis();
  });
  afterAll(async () => {
    await redis?.destroy();
  });

  it('seeds once and answers subtree and ancestor queries', async () => {
    const tree = await OrgTree.load(redis.client());
    expect(await tree.seedIfEmpty(defaultTiers, quangBinhUnits())).toBe(true);
    expect(await tree.seedIfEmpty(defaultTiers, quangBinhUnits())).toBe(false);
    expect(tree.size).toBe(161);
    expect(tree.subtree('452').filter((u) => u.tier === 'commune')).toHaveLength(15);
    expect(tree.ancestors('18853').map((u) => u.id)).toEqual(['18853', '450', '44', 'VN']);
    expect(tree.isInSubtree('450', '18853')).toBe(true);
    expect(tree.isInSubtree('452', '18853')).toBe(false);
  });

  it('holds a three-tier tree (no district tier) without code changes', async () => {
    const db = redis.client();
    await db.select(1);
    const tiers: Tier[] = [
      { id: 'central', name: 'Trung ương', level: 0 },
      { id: 'province', name: 'Tỉnh', level: 1 },
      { id: 'commune', name: 'Xã', level: 2 },
    ];
    const units: Unit[] = [
      {
        id: 'VN',
        name: 'Chính phủ',
        type: 'Trung ương',
        tier: 'central',
        parentId: null,
        linkProfile: 'good',
      },
      {
        id: '44',
        name: 'Tỉnh Quảng Trị',
        type: 'Tỉnh',
        tier: 'province',
        parentId: 'VN',
        linkProfile: 'good',
      },
      {
        id: '1001',
        name: 'Xã A',
        type: 'Xã',
        tier: 'commune',
        parentId: '44',
        linkProfile: 'poor',
      },
    ];
    const tree = await OrgTree.load(db);
    await tree.seedIfEmpty(tiers, units);
    expect(tree.tree()?.children[0]?.children.map((u) => u.name)).toEqual(['Xã A']);
    expect(tree.tiers.map((t) => t.id)).toEqual(['central', 'province', 'commune']);
  });

  it('persists across a redis-server restart (AOF)', async () => {
    const restarted = await redis.restart();
    redis = restarted;
    const tree = await OrgTree.load(restarted.client());
    expect(tree.size).toBe(161);
    expect(tree.get('18853')?.name).toBe('Phường Hải Thành');
  });
});
