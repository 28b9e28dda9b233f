import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { connect, login, startMeeting } from '@giaoban/signaling/testing/clients';
import { alive, childrenOf } from '../../test/appProcess';
import { freePort } from '../redisServer';
import { stunPing } from '../turn/coturnServer';

const ROOT = path.resolve(import.meta.dirname, '../../..');
const descendants = (pid: number): number[] =>
  childrenOf(pid).flatMap((c) => [c, ...descendants(c)]);
const cmdline = (pid: number) => {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    return '';
  }
};

/**
 * `TURN=embedded npm run cluster`: the launcher runs one coturn for the whole
 * cluster (not one per signaling node on the same ports), signaling behind
 * HAProxy hands out its credentials, and a kill -9 of the launcher takes
 * coturn with it. Real processes: the launcher, redis-server, an SFU node, two
 * signaling nodes, HAProxy, turnserver.
 */
describe('npm run cluster with TURN=embedded', () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'gb-cluster-turn-'));
  let launcher: ReturnType<typeof spawn> | undefined;
  afterAll(() => {
    if (launcher?.exitCode === null) launcher.kill('SIGTERM');
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('one coturn, its credentials handed out through HAProxy, gone with the launcher', async () => {
    const turnPort = await freePort();
    const base = 20_000 + Math.floor(Math.random() * 80) * 100;
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      ...{ PORT: String(await freePort()), HOST: '127.0.0.1', RTC_PORT: '0' },
      ...{ CLUSTER_SFU_NODES: '1', CLUSTER_SIGNALING_NODES: '2', DATA_DIR: dataDir },
      ...{ TURN: 'embedded', TURN_PORT: String(turnPort), TURN_TLS_PORT: String(await freePort()) },
      ...{ TURN_LISTEN_IP: '127.0.0.1', TURN_RELAY_IP: '127.0.0.1' },
      ...{ TURN_RELAY_PORTS: `${base}-${base + 49}`, LOG_LEVEL: 'warn', SEED_DEMO: 'true' },
    };
    delete env.REDIS_URL;
    delete env.TLS_CERT;
    delete env.TLS_KEY;
    launcher = spawn(process.execPath, ['--import', 'tsx', 'infra/src/cluster/launch.ts'], {
      cwd: ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    launcher.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    const url = await new Promise<string>((resolve, reject) => {
      launcher!.stdout!.on('data', (d: Buffer) => {
        out += d.toString();
        const m = /cụm máy chủ: (http:\/\/\S+)/.exec(out);
        if (m) resolve(m[1]!);
      });
      launcher!.once('exit', (code) => reject(new Error(`launcher exited (${code}):\n${out}`)));
    });

    const turnservers = descendants(launcher.pid!).filter((p) =>
      cmdline(p).startsWith('turnserver'),
    );
    expect(turnservers).toHaveLength(1);
    await stunPing('127.0.0.1', turnPort, 1_000);

    // Through HAProxy, on the meeting's signaling node: the prepare carries this coturn.
    const host = await login(url, 'host450');
    const meetingId = await startMeeting(url, host, ['18853']);
    const c = await connect(url, await login(url, 'u18853'), { query: { meetingId } });
    const prep = await c.request('meeting:prepare', { meetingId });
    c.close();
    if (!prep.ok) throw new Error(JSON.stringify(prep.error));
    expect(prep.data.turn?.iceServers[0]?.urls).toContain(
      `turn:127.0.0.1:${turnPort}?transport=udp`,
    );

    launcher.kill('SIGKILL');
    await expect.poll(() => alive(turnservers[0]!), { timeout: 5_000 }).toBe(false);
  }, 180_000);
});
