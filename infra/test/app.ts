import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createLogger } from '@giaoban/common/logger';
import { loadAppConfig } from '../src/config';
import { startAllInOne, type AllInOne } from '../src/server';

/**
 * A whole all-in-one server for a test: embedded redis-server in a temp folder,
 * a free HTTP port, mediasoup-chosen RTC ports, seeded demo data.
 */
export async function startTestApp(
  env: Record<string, string> = {},
): Promise<AllInOne & { dataDir: string }> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'gb-app-'));
  const merged: NodeJS.ProcessEnv = { ...process.env, REDIS_URL: undefined };
  Object.assign(merged, { PORT: '0', HOST: '127.0.0.1', RTC_PORT: '0', DATA_DIR: dataDir }, env);
  const app = await startAllInOne(
    loadAppConfig(merged),
    createLogger('test', process.env.LOG_LEVEL ?? 'warn'),
    merged,
  );
  return {
    ...app,
    dataDir,
    async close() {
      await app.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
