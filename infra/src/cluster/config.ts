import os from 'node:os';
import { z } from 'zod';
import { parseEnv } from '@giaoban/common/env';

const nodeId = (role: string) => `${role}-${os.hostname()}-${process.pid}`;

const schema = z.object({
  /** The cluster's shared Redis: registry, placement, RPC, socket.io adapter, scheduler. */
  REDIS_URL: z.string().url(),
  /** This SFU node's id in the registry (unique in the cluster). */
  SFU_NODE_ID: z.string().min(1).max(100).default(nodeId('sfu')),
  /** This signaling node's id in the registry (unique in the cluster). */
  SIGNALING_NODE_ID: z.string().min(1).max(100).default(nodeId('sig')),
  /** Where the balancer reaches this signaling node; default http://127.0.0.1:<its port>. */
  SIGNALING_ADVERTISE_URL: z.string().url().optional(),
  /** Every node renews its registry entry this often… */
  CLUSTER_HEARTBEAT_MS: z.coerce.number().int().min(50).default(1_000),
  /** …and is dead for the others this long after its last heartbeat. */
  CLUSTER_NODE_TTL_MS: z.coerce.number().int().min(100).default(4_000),
  /** An SFU call over Redis that gets no answer within this fails UNAVAILABLE. */
  SFU_RPC_TIMEOUT_MS: z.coerce.number().int().min(100).default(5_000),
});

export type ClusterConfig = z.infer<typeof schema>;

export function loadClusterConfig(env: NodeJS.ProcessEnv = process.env): ClusterConfig {
  const cfg = parseEnv(schema, env);
  if (cfg.CLUSTER_NODE_TTL_MS <= cfg.CLUSTER_HEARTBEAT_MS * 2) {
    throw new Error(
      'Invalid configuration: CLUSTER_NODE_TTL_MS must exceed 2 × CLUSTER_HEARTBEAT_MS',
    );
  }
  return cfg;
}
