import { Queue, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from '@giaoban/common/logger';
import { watchRedisConnection } from '@giaoban/common/redisWatch';
import type { Emergency } from '../api/emergency';
import type { EmergencyService } from '../emergency/emergencyService';
import type { DialOutService } from './dialOut';
import { BULL_PREFIX, jobIdOf } from './dialQueue';
import type { UnitPhoneBook } from './unitPhones';

const QUEUE = 'gb-phone-escalate';

/**
 * The emergency's automatic call (docs/phone.md "Dial-out"): a delayed job per
 * emergency, `PHONE_ESCALATE_CALL_AFTER_MIN` after it was convened, calls every
 * unit that has neither acknowledged nor joined and has numbers. In Redis
 * (bullmq): survives restarts, runs once (job id of the emergency); an
 * emergency ended by then calls nobody, and each call stops before its next
 * number once its unit acknowledged or joined (DialOutService.report).
 */
export class CallEscalation {
  readonly #queue: Queue;
  readonly #worker: Worker;
  readonly #connections: Redis[];
  readonly #afterMs: number;

  constructor(deps: {
    redis: Redis;
    emergencies: EmergencyService;
    dialOut: DialOutService;
    phones: UnitPhoneBook;
    log: Logger;
    afterMinutes: number;
  }) {
    const connection = deps.redis.duplicate({ maxRetriesPerRequest: null });
    const workerConnection = deps.redis.duplicate({ maxRetriesPerRequest: null });
    this.#connections = [connection, workerConnection];
    for (const c of this.#connections) watchRedisConnection(c, deps.log, 'phone-escalate');
    this.#afterMs = deps.afterMinutes * 60_000;
    this.#queue = new Queue(QUEUE, {
      connection,
      prefix: BULL_PREFIX,
      defaultJobOptions: {
        removeOnComplete: { age: 3 * 86_400 },
        removeOnFail: { age: 7 * 86_400 },
        attempts: 3,
        backoff: { type: 'exponential', delay: 1000 },
      },
    });
    const run = async (job: Job) => {
      const { emergencyId } = job.data as { emergencyId: string };
      const e = await deps.emergencies.get(emergencyId).catch(() => undefined);
      if (!e || e.endedAt) return;
      const rc = await deps.emergencies.rollCall(emergencyId);
      const silent = rc.units.filter((u) => !u.acknowledgedAt && !u.joinedAt).map((u) => u.unitId);
      const withNumbers = await deps.phones.getMany(silent);
      for (const unitId of withNumbers.keys())
        await deps.dialOut.request({
          meetingId: e.meetingId,
          unitId,
          reason: 'emergency',
          emergencyId,
        });
      deps.log.warn(
        { meetingId: e.meetingId, silent: silent.length, called: withNumbers.size },
        'emergency: silent units called by phone',
      );
    };
    this.#worker = new Worker(QUEUE, run, {
      connection: workerConnection,
      prefix: BULL_PREFIX,
      concurrency: 4,
    });
    this.#worker.on('failed', (job, err) =>
      deps.log.error({ err, jobId: job?.id }, 'emergency call escalation failed'),
    );
    deps.emergencies.onEvent(async (event) => {
      if (event.type === 'convened') await this.schedule(event.emergency);
    });
  }

  /** Plans the automatic call of a newly convened emergency (idempotent: one job per emergency). */
  async schedule(e: Emergency): Promise<void> {
    await this.#queue.add(
      'call',
      { emergencyId: e.id },
      { jobId: jobIdOf(`call_${e.id}`), delay: this.#afterMs },
    );
  }

  async close(): Promise<void> {
    await this.#worker.close();
    await this.#queue.close();
    for (const c of this.#connections) c.disconnect();
  }
}
