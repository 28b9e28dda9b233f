import { Queue, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from '@giaoban/common/logger';
import type { RecordingStore } from './recordingStore';

const QUEUE = 'gb-recording-jobs';
const PURGE_JOB = 'purge';

/**
 * The daily purge of recordings older than RECORDING_RETENTION_DAYS, as a
 * BullMQ job scheduler (like the meeting planner): one run a day across the
 * cluster, kept in Redis over restarts. Files and metadata go together.
 */
export class RecordingPurge {
  readonly #queue: Queue;
  readonly #worker: Worker;
  readonly #connections: Redis[];
  readonly #store: RecordingStore;
  readonly #retentionMs: number;
  readonly #log: Logger;

  constructor(redis: Redis, store: RecordingStore, log: Logger, retentionDays: number) {
    const connection = redis.duplicate({ maxRetriesPerRequest: null });
    const workerConnection = redis.duplicate({ maxRetriesPerRequest: null });
    this.#connections = [connection, workerConnection];
    for (const c of this.#connections)
      c.on('error', (err: Error) => log.warn({ err: err.message }, 'purge queue redis error'));
    this.#queue = new Queue(QUEUE, {
      connection,
      prefix: 'gb:bull',
      defaultJobOptions: { removeOnComplete: { count: 30 }, removeOnFail: { count: 30 } },
    });
    this.#worker = new Worker(QUEUE, () => this.purge(), {
      connection: workerConnection,
      prefix: 'gb:bull',
    });
    this.#worker.on('failed', (_job, err) => log.error({ err }, 'recording purge failed'));
    this.#store = store;
    this.#retentionMs = retentionDays * 86_400_000;
    this.#log = log;
  }

  async start(): Promise<void> {
    // 02:30 Vietnam time, every day.
    await this.#queue.upsertJobScheduler(
      PURGE_JOB,
      { pattern: '30 2 * * *', tz: 'Asia/Ho_Chi_Minh' },
      { name: PURGE_JOB },
    );
  }

  /** Deletes what is past retention now; returns how many recordings went. */
  async purge(now = Date.now()): Promise<number> {
    const purged = await this.#store.purge(now - this.#retentionMs);
    if (purged > 0) this.#log.info({ purged }, 'recordings past retention deleted');
    return purged;
  }

  async close(): Promise<void> {
    await this.#worker.close();
    await this.#queue.close();
    for (const c of this.#connections) c.disconnect();
  }
}
