import { createAdapter } from '@socket.io/redis-streams-adapter';
import { Redis } from 'ioredis';
import { z } from 'zod';
import type { Logger } from '@giaoban/common/logger';
import { NodeRegistry } from '@giaoban/sfu/remote/nodeRegistry';
import { sfuNodeInfoSchema } from '@giaoban/sfu/remote/protocol';
import { RemoteSfuClient } from '@giaoban/sfu/remote/remoteSfuClient';
import type { AppConfig } from '../config';
import { startNode, type GiaoBanNode } from '../server';
import { loadClusterConfig } from './config';
import { watchRedisConnection } from '@giaoban/common/redisWatch';

/** What a signaling node announces for the balancer. */
export const signalingNodeInfoSchema = z.object({
  id: z.string().min(1),
  url: z.string().url(),
  sockets: z.number().int(),
  startedAt: z.number(),
  pid: z.number().int(),
});
export type SignalingNodeInfo = z.infer<typeof signalingNodeInfoSchema>;

/** Longer than a balancer's node refresh (500 ms) plus its meeting route cache (1 s). */
const HANDOVER_WAIT_MS = 1_700;

export type SignalingNode = GiaoBanNode & {
  readonly nodeId: string;
  readonly sfu: RemoteSfuClient;
};

/**
 * A cluster signaling node (SFU_MODE=remote): scheduler + signaling + REST +
 * client like the all-in-one, but its media lives on SFU nodes reached through
 * Redis, its socket.io broadcasts cross nodes through the Redis streams adapter
 * (which also keeps connection state recovery working), and it announces
 * itself for the balancer.
 */
export async function startSignalingNode(
  config: AppConfig,
  log: Logger,
  env: NodeJS.ProcessEnv = process.env,
): Promise<SignalingNode> {
  if (!config.REDIS_URL)
    throw new Error('SFU_MODE=remote needs REDIS_URL: the cluster shares one Redis');
  const cluster = loadClusterConfig(env);
  const nodeLog = log.child({ nodeId: cluster.SIGNALING_NODE_ID });
  let sfu: RemoteSfuClient | undefined;
  let adapterRedis: Redis | undefined;
  const node = await startNode(config, nodeLog, env, async ({ redisUrl, cleanups }) => {
    const remote = await RemoteSfuClient.create({
      redisUrl,
      log: nodeLog.child({ role: 'sfu-remote' }),
      timeoutMs: cluster.SFU_RPC_TIMEOUT_MS,
      checkMs: cluster.CLUSTER_HEARTBEAT_MS,
      ttlMs: cluster.CLUSTER_NODE_TTL_MS,
    });
    sfu = remote;
    cleanups.push(() => remote.close());
    const registryRedis = new Redis(redisUrl, { maxRetriesPerRequest: 2 });
    watchRedisConnection(registryRedis, nodeLog, 'sfu-registry');
    cleanups.push(() => registryRedis.disconnect());
    const sfuNodes = new NodeRegistry(registryRedis, 'sfu', sfuNodeInfoSchema, nodeLog);
    adapterRedis = new Redis(redisUrl, { maxRetriesPerRequest: 2 });
    watchRedisConnection(adapterRedis, nodeLog, 'socket.io-adapter');
    return {
      sfu: remote,
      async health() {
        const nodes = await sfuNodes.live().catch(() => []);
        return {
          ok: nodes.length > 0,
          report: {
            nodeId: cluster.SIGNALING_NODE_ID,
            sfuNodes: nodes.map(({ id, load }) => ({ id, load })),
          },
        };
      },
      // Short XREAD blocks: the adapter's reader notices a shutdown within a second.
      signalingAdapter: createAdapter(adapterRedis, { blockTimeInMs: 1_000 }),
    };
  });
  if (!sfu || !adapterRedis) throw new Error('the remote media factory did not run');

  const addr = node.http.address();
  const port = typeof addr === 'object' && addr ? addr.port : config.PORT;
  const url = cluster.SIGNALING_ADVERTISE_URL ?? `http://127.0.0.1:${port}`;
  const registryRedis = new Redis(node.redisUrl, { maxRetriesPerRequest: 2 });
  watchRedisConnection(registryRedis, nodeLog, 'signaling-registry');
  const registry = new NodeRegistry(registryRedis, 'signaling', signalingNodeInfoSchema, nodeLog);
  const startedAt = Date.now();
  const beat = () =>
    registry.beat(
      {
        id: cluster.SIGNALING_NODE_ID,
        url,
        sockets: node.signaling.io.engine.clientsCount,
        startedAt,
        pid: process.pid,
      },
      cluster.CLUSTER_NODE_TTL_MS,
    );
  await beat();
  const timer = setInterval(() => {
    beat().catch((err: unknown) => nodeLog.warn({ err }, 'signaling heartbeat failed'));
  }, cluster.CLUSTER_HEARTBEAT_MS);
  nodeLog.info({ url }, 'signaling node registered');

  const adapterClient = adapterRedis;
  const remote = sfu;
  return {
    ...node,
    nodeId: cluster.SIGNALING_NODE_ID,
    sfu,
    async close() {
      clearInterval(timer);
      // Hand the meetings over: out of the balancers' list, and once they have
      // noticed (their refresh + route cache), drop every transport. Clients
      // reconnect through a balancer to another node and rejoin there, on the
      // same SFU meetings, which closing the rooms here must not touch.
      await registry.remove(cluster.SIGNALING_NODE_ID).catch(() => undefined);
      registryRedis.disconnect();
      if (node.signaling.io.engine.clientsCount > 0) {
        await new Promise((r) => setTimeout(r, HANDOVER_WAIT_MS));
        remote.detach();
        node.signaling.io.engine.close();
      }
      await node.close();
      node.signaling.io.of('/').adapter.close();
      adapterClient.disconnect();
    },
  };
}
