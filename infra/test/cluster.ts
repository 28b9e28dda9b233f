import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createLogger } from '@giaoban/common/logger';
import { spawnNode, type ChildNode } from '../src/cluster/childNode';
import { startSignalingNode, type SignalingNode } from '../src/cluster/signalingNode';
import { loadAppConfig } from '../src/config';
import { startLocalEdge, type LocalEdge } from '../src/edge/localEdge';
import { freePort } from '../src/redisServer';
import { startTestRedis, type TestRedis } from './redis';

export interface TestCluster {
  readonly redis: TestRedis;
  /** SFU node processes by id (sfu-1, sfu-2…): real mediasoup workers. */
  readonly sfuNodes: Map<string, ChildNode>;
  /** Signaling nodes in this process, so a test can look inside them. */
  readonly signaling: SignalingNode[];
  /** HAProxy in front of the signaling nodes, rendered from infra/deploy/haproxy. */
  readonly edge: LocalEdge;
  readonly url: string;
  close(): Promise<void>;
}

/**
 * The cluster layout for a test, all real: one redis-server, SFU node
 * processes, signaling nodes (SFU_MODE=remote) and HAProxy on free ports.
 * Heartbeats are fast (250 ms; dead after 3 s, a margin for a loaded CI machine),
 * HAProxy checks every 500 ms.
 */
export async function startTestCluster(
  o: { sfuNodes?: number; signalingNodes?: number; env?: Record<string, string> } = {},
): Promise<TestCluster> {
  const log = createLogger('test', process.env.LOG_LEVEL ?? 'silent');
  const redis = await startTestRedis();
  const dataDir = mkdtempSync(path.join(tmpdir(), 'gb-cluster-'));
  const base = {
    ...process.env,
    CLUSTER_HEARTBEAT_MS: '250',
    CLUSTER_NODE_TTL_MS: '3000',
    REDIS_URL: redis.url,
    ...o.env,
  };
  const sfuNodes = new Map<string, ChildNode>();
  const signaling: SignalingNode[] = [];
  let edge: LocalEdge | undefined;
  const close = async () => {
    await edge?.stop();
    for (const s of signaling) await s.close();
    for (const n of sfuNodes.values()) await n.stop();
    await redis.destroy();
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    for (let i = 1; i <= (o.sfuNodes ?? 2); i++) {
      const id = `sfu-${i}`;
      const env = { ...base, SFU_NODE_ID: id, SFU_WORKERS: '1', RTC_PORT: '0', LOG_LEVEL: 'warn' };
      sfuNodes.set(id, await spawnNode(id, 'sfu', env, { stdio: 'ignore' }));
    }
    for (let i = 1; i <= (o.signalingNodes ?? 2); i++) {
      const env: NodeJS.ProcessEnv = {
        ...base,
        SFU_MODE: 'remote',
        SIGNALING_NODE_ID: `sig-${i}`,
        PORT: '0',
        HOST: '127.0.0.1',
        DATA_DIR: dataDir,
        SEED_DEMO: String(i === 1),
      };
      signaling.push(await startSignalingNode(loadAppConfig(env), log, env));
    }
    edge = await startLocalEdge({
      nodes: signaling.map((s) => ({ name: s.nodeId, url: s.url })),
      dir: dataDir,
      httpPort: await freePort(),
      checkMs: 500,
    });
  } catch (err) {
    await close();
    throw err;
  }
  return { redis, sfuNodes, signaling, edge, url: edge.url, close };
}
