import { Queue, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { dialJobSchema, type DialJob } from '../api/phone';

/**
 * The dial-out queue (docs/phone.md "Dial-out"): the scheduler adds one job per
 * call, the phone role(s) consume them. BullMQ in Redis: a request survives a
 * restart of either side, and one job runs on one phone process only (a
 * process that dies mid-call leaves a stalled job another one takes up).
 * Shared here so that both sides name the queue alike.
 */
export const DIAL_QUEUE = 'gb-phone-dialout';
export const BULL_PREFIX = 'gb:bull';

export function dialQueue(redis: Redis): { queue: Queue; connection: Redis } {
  const connection = redis.duplicate({ maxRetriesPerRequest: null, lazyConnect: false });
  const queue = new Queue(DIAL_QUEUE, {
    connection,
    prefix: BULL_PREFIX,
    defaultJobOptions: {
      // A call is placed once: a failed job is not retried (the host may call again).
      attempts: 1,
      removeOnComplete: { age: 86_400 },
      removeOnFail: { age: 7 * 86_400 },
    },
  });
  return { queue, connection };
}

/** The phone role's consumer: `run` places the call (resolves when it is over or joined). */
export function dialWorker(
  redis: Redis,
  run: (job: DialJob) => Promise<void>,
  concurrency: number,
): { worker: Worker; connection: Redis } {
  const connection = redis.duplicate({ maxRetriesPerRequest: null, lazyConnect: false });
  const worker = new Worker(DIAL_QUEUE, (job: Job) => run(dialJobSchema.parse(job.data)), {
    connection,
    prefix: BULL_PREFIX,
    concurrency,
  });
  return { worker, connection };
}

/** BullMQ job ids may not hold ':'. */
export const jobIdOf = (s: string) => s.replace(/:/g, '_');
