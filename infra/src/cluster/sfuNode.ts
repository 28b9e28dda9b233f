import type { Logger } from '@giaoban/common/logger';
import { loadSfuConfig, recordingSettings } from '@giaoban/sfu/config';
import { LocalSfuClient } from '@giaoban/sfu/localSfuClient';
import { SfuNodeServer } from '@giaoban/sfu/remote/sfuNodeServer';
import { WorkerPool } from '@giaoban/sfu/workerPool';
import { loadClusterConfig } from './config';

export interface SfuNode {
  readonly nodeId: string;
  readonly workers: WorkerPool;
  readonly sfu: LocalSfuClient;
  readonly server: SfuNodeServer;
  close(): Promise<void>;
}

/**
 * A cluster SFU node: the mediasoup worker pool and its LocalSfuClient, served
 * to signaling nodes over Redis and announced (address, load) in the registry.
 * Browsers reach its WebRtcServers directly on RTC_ANNOUNCED_ADDRESS.
 */
export async function startSfuNode(
  log: Logger,
  env: NodeJS.ProcessEnv = process.env,
): Promise<SfuNode> {
  const cluster = loadClusterConfig(env);
  const sfuConfig = loadSfuConfig(env);
  const nodeLog = log.child({ role: 'sfu', nodeId: cluster.SFU_NODE_ID });
  const workers = await WorkerPool.create(sfuConfig, nodeLog);
  const sfu = new LocalSfuClient(workers, {
    consumerBudget: sfuConfig.SFU_ROUTER_CONSUMER_BUDGET,
    lastN: sfuConfig.LAST_N_VIDEOS,
    h264: sfuConfig.SFU_H264,
    recording: recordingSettings(sfuConfig),
    audioRepair: sfuConfig.AUDIO_REPAIR,
    linkTraceDir: sfuConfig.LINK_TRACE_DIR,
    log: nodeLog,
  });
  let server: SfuNodeServer;
  try {
    server = await SfuNodeServer.start({
      redisUrl: cluster.REDIS_URL,
      nodeId: cluster.SFU_NODE_ID,
      sfu,
      rtcAddress: sfuConfig.RTC_ANNOUNCED_ADDRESS ?? sfuConfig.RTC_LISTEN_IP,
      rtcPorts:
        sfuConfig.RTC_PORT === 0 ? [] : workers.workers.map((w) => sfuConfig.RTC_PORT + w.index),
      workers: workers.workers.length,
      heartbeatMs: cluster.CLUSTER_HEARTBEAT_MS,
      ttlMs: cluster.CLUSTER_NODE_TTL_MS,
      log: nodeLog,
    });
  } catch (err) {
    await sfu.close();
    workers.close();
    throw err;
  }
  sfu.recorders.warmUp();
  nodeLog.info({ workers: workers.workers.length }, 'sfu node registered');
  return {
    nodeId: cluster.SFU_NODE_ID,
    workers,
    sfu,
    server,
    async close() {
      // Out of the registry first: signaling nodes move its meetings at once.
      await server.close();
      await sfu.close();
      workers.close();
    },
  };
}
