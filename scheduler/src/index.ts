import express, { type Router } from 'express';
import type { Redis } from 'ioredis';
import { AppError } from '@giaoban/common/errors';
import type { Logger } from '@giaoban/common/logger';
import { OrgTree } from './orgTree/orgTree';
import { defaultTiers, quangBinhUnits } from './orgTree/seedData';
import type { UnitsResponse } from './api/units';

export interface SchedulerOptions {
  redis: Redis;
  log: Logger;
  /** Seed the Quảng Bình org tree on first start. */
  seed: boolean;
}

export interface Scheduler {
  readonly router: Router;
  readonly orgTree: OrgTree;
  close(): Promise<void>;
}

export async function createScheduler(options: SchedulerOptions): Promise<Scheduler> {
  const { redis, log } = options;
  const orgTree = await OrgTree.load(redis);
  if (options.seed && (await orgTree.seedIfEmpty(defaultTiers, quangBinhUnits()))) {
    log.info({ units: orgTree.size }, 'org tree seeded (Quảng Bình)');
  }

  const router = express.Router();
  router.get('/units', (_req, res) => {
    const tree = orgTree.tree();
    if (!tree) throw new AppError('NOT_FOUND');
    const body: UnitsResponse = { tiers: [...orgTree.tiers], tree, count: orgTree.size };
    res.json(body);
  });

  return {
    router,
    orgTree,
    async close() {},
  };
}
