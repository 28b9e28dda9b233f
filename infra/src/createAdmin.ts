import path from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';
import { AppError } from '@giaoban/common/errors';
import { createAccountRequestSchema } from '@giaoban/scheduler/api/auth';
import { AccountStore } from '@giaoban/scheduler/accounts/accountStore';
import { AccountService } from '@giaoban/scheduler/accounts/accountService';
import { OrgTree } from '@giaoban/scheduler/orgTree/orgTree';
import { defaultTiers, quangBinhUnits } from '@giaoban/scheduler/orgTree/seedData';
import { loadAppConfig } from './config';
import { startRedisServer, type RedisChild } from './redisServer';

/**
 * Creates the first admin account (or any account) directly in the store:
 *   ADMIN_PASSWORD='…' npm run admin:create -- --username admin2 [--unit VN] [--role admin]
 * Without ADMIN_PASSWORD the password is read from the first line of stdin.
 * Uses REDIS_URL, or the embedded redis data folder (DATA_DIR) — stop the server first then.
 * Seeds the org tree if the store has none (a production install with SEED_DEMO=false).
 */
const { values } = parseArgs({
  options: {
    username: { type: 'string', default: 'admin' },
    'display-name': { type: 'string', default: 'Quản trị hệ thống' },
    unit: { type: 'string' },
    role: { type: 'string', default: 'admin' },
  },
});

async function readPassword(): Promise<string> {
  if (process.env.ADMIN_PASSWORD) return process.env.ADMIN_PASSWORD;
  process.stderr.write('Mật khẩu / password (≥ 10 ký tự): ');
  const rl = createInterface({ input: process.stdin });
  for await (const line of rl) {
    rl.close();
    return line.trim();
  }
  return '';
}

const config = loadAppConfig();
let child: RedisChild | undefined;
let redisUrl = config.REDIS_URL;
if (!redisUrl) {
  child = await startRedisServer({ dataDir: path.join(config.DATA_DIR, 'redis') });
  redisUrl = child.url;
}
const redis = new Redis(redisUrl, { maxRetriesPerRequest: 2 });
let exitCode = 0;
try {
  const tree = await OrgTree.load(redis);
  await tree.seedIfEmpty(defaultTiers, quangBinhUnits());
  const request = createAccountRequestSchema.parse({
    username: values.username,
    displayName: values['display-name'],
    unitId: values.unit ?? tree.root()?.id,
    role: values.role,
    password: await readPassword(),
  });
  const account = await new AccountService(new AccountStore(redis), tree).create(request);
  process.stdout.write(
    `Đã tạo tài khoản / account created: ${account.username} (${account.role}, unit ${account.unitId})\n`,
  );
} catch (err) {
  exitCode = 1;
  if (err instanceof AppError) console.error(`${err.code}: ${err.message}`, err.details ?? '');
  else console.error(err instanceof Error ? err.message : err);
} finally {
  redis.disconnect();
  await child?.stop();
}
process.exit(exitCode);
