import { Queue, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { AppError } from '@giaoban/common/errors';
import type { Logger } from '@giaoban/common/logger';
import { watchRedisConnection } from '@giaoban/common/redisWatch';
import type { Emergency } from '../api/emergency';
import type { AuditLog } from '../audit/auditLog';
import type { EmergencyService } from '../emergency/emergencyService';
import type { PhonePins } from '../phone/phonePins';
import { maskPhone, type UnitEscalationDelays, type UnitPhoneBook } from '../phone/unitPhones';
import type { SmsSender } from './smsSender';
import { alertSmsText } from './smsText';

const QUEUE = 'gb-sms-escalation';
interface EscalationJob {
  emergencyId: string;
  unitId: string;
}
const jobIdOf = (emergencyId: string, unitId: string) => `sms_${emergencyId}_${unitId}`;
/** Per number: "sending" while a submit is in flight (expires), "sent" once accepted (kept). */
const CLAIM_KEY = (j: EscalationJob, slot: number) =>
  `gb:sms:claim:${j.emergencyId}:${j.unitId}:${slot}`;
const CLAIM_SENDING_S = 120;
const KEEP_S = 7 * 86_400;

export interface SmsEscalationOptions {
  /** Minutes without acknowledgement or join before a unit is texted (admin may set per unit). */
  defaultAfterMin: number;
  /** Job attempts when the SMSC is down or refuses, exponential backoff from retryBaseMs. */
  attempts: number;
  retryBaseMs: number;
  /** The number callers dial (PHONE_SIP_NUMBER). */
  dialIn: string | null;
}

/**
 * Alert escalation: when an emergency is convened every unit gets a delayed BullMQ job
 * (in Redis: survives a restart; job id per emergency and unit: added twice, run once,
 * whichever scheduler process holds it). When it runs, a unit that has neither
 * acknowledged nor joined — and an emergency not ended — gets the SMS on each of its
 * numbers: the title, the dial-in number and its PIN. An acknowledgement, a join or
 * the end removes the job (and the job checks again when it runs). A number is texted
 * once: a claim per number in Redis is taken before the submit and kept once the SMSC
 * accepted; retries (SMSC down) text only the numbers not yet accepted.
 */
export class SmsEscalation {
  readonly #queue: Queue;
  readonly #worker: Worker;
  readonly #connections: Redis[];
  readonly #redis: Redis;
  readonly #emergencies: EmergencyService;
  readonly #phones: UnitPhoneBook;
  readonly #delays: UnitEscalationDelays;
  readonly #pins: PhonePins;
  readonly #sender: SmsSender;
  readonly #audit: AuditLog;
  readonly #log: Logger;
  readonly #o: SmsEscalationOptions;

  constructor(
    deps: {
      redis: Redis;
      emergencies: EmergencyService;
      phones: UnitPhoneBook;
      delays: UnitEscalationDelays;
      pins: PhonePins;
      sender: SmsSender;
      audit: AuditLog;
      log: Logger;
    },
    options: SmsEscalationOptions,
  ) {
    const connection = deps.redis.duplicate({ maxRetriesPerRequest: null });
    const workerConnection = deps.redis.duplicate({ maxRetriesPerRequest: null });
    this.#connections = [connection, workerConnection];
    for (const c of this.#connections) watchRedisConnection(c, deps.log, 'sms');
    const prefix = 'gb:bull';
    this.#queue = new Queue(QUEUE, {
      connection,
      prefix,
      defaultJobOptions: {
        removeOnComplete: { age: KEEP_S },
        removeOnFail: { age: KEEP_S },
        attempts: options.attempts,
        backoff: { type: 'exponential', delay: options.retryBaseMs },
      },
    });
    this.#worker = new Worker(QUEUE, (job: Job<EscalationJob>) => this.#run(job.data), {
      connection: workerConnection,
      prefix,
      concurrency: 10,
    });
    this.#worker.on('failed', (job, err) =>
      deps.log.warn(
        { err: err.message, jobId: job?.id, attempt: job?.attemptsMade, of: options.attempts },
        'SMS escalation attempt failed',
      ),
    );
    this.#redis = deps.redis;
    this.#emergencies = deps.emergencies;
    this.#phones = deps.phones;
    this.#delays = deps.delays;
    this.#pins = deps.pins;
    this.#sender = deps.sender;
    this.#audit = deps.audit;
    this.#log = deps.log;
    this.#o = options;
  }

  /** A new emergency: one delayed job per unit, after its own delay or the default. */
  async convened(e: Emergency): Promise<void> {
    const own = await this.#delays.getMany(e.unitIds);
    const started = Date.parse(e.startedAt);
    await this.#queue.addBulk(
      e.unitIds.map((unitId) => {
        const min = own.get(unitId) ?? this.#o.defaultAfterMin;
        return {
          name: 'sms',
          data: { emergencyId: e.id, unitId } satisfies EscalationJob,
          opts: {
            jobId: jobIdOf(e.id, unitId),
            delay: Math.max(0, started + min * 60_000 - Date.now()),
          },
        };
      }),
    );
  }

  /** The unit acknowledged or joined: no SMS (a job already running checks again). */
  async settled(emergencyId: string, unitId: string): Promise<void> {
    await this.#remove(jobIdOf(emergencyId, unitId));
  }

  async ended(e: Emergency): Promise<void> {
    for (const u of e.unitIds) await this.#remove(jobIdOf(e.id, u));
  }

  async #remove(jobId: string): Promise<void> {
    const job = await this.#queue.getJob(jobId);
    if (job && (await job.isDelayed())) await job.remove().catch(() => undefined);
  }

  async #run(j: EscalationJob): Promise<void> {
    const log = this.#log.child({ emergencyId: j.emergencyId, unitId: j.unitId });
    const e = await this.#emergencies.get(j.emergencyId).catch((err: unknown) => {
      if (err instanceof AppError && err.code === 'NOT_FOUND') return null;
      throw err;
    });
    if (!e || e.endedAt) return;
    const unit = (await this.#emergencies.rollCall(e.id)).units.find((u) => u.unitId === j.unitId);
    if (!unit || unit.acknowledgedAt || unit.joinedAt) return;
    const numbers = await this.#phones.get(j.unitId);
    if (numbers.length === 0) {
      log.info('unit silent but has no phone number: no SMS');
      return;
    }
    const pin = await this.#pins.pinFor(e.meetingId, j.unitId);
    const text = alertSmsText({ title: e.title, dialIn: this.#o.dialIn, pin });
    let failed: unknown = null;
    for (const [slot, number] of numbers.entries()) {
      const claim = CLAIM_KEY(j, slot);
      const taken = await this.#redis.set(claim, 'sending', 'EX', CLAIM_SENDING_S, 'NX');
      if (taken !== 'OK') {
        // Sent already; or being sent by another process (or one that died mid-send):
        // then this job tries again later rather than count it as done.
        if ((await this.#redis.get(claim)) !== 'sent')
          failed = new Error('SMS being sent elsewhere');
        continue;
      }
      const to = maskPhone(number);
      try {
        const { parts } = await this.#sender.send({ ...j, slot }, number, text);
        await this.#redis.set(claim, 'sent', 'EX', KEEP_S);
        await this.#emergencies.markEscalation(e.id, j.unitId, 'smsSentAt');
        log.warn({ to, parts }, 'alert SMS accepted by the SMSC');
        await this.#audit.record(SYSTEM, 'emergency.sms', e.id, { unitId: j.unitId, slot, parts });
      } catch (err) {
        await this.#redis.del(claim);
        log.warn(
          { to, err: err instanceof Error ? err.message : String(err) },
          'alert SMS not sent',
        );
        failed = err;
      }
    }
    if (failed) throw failed instanceof Error ? failed : new Error(String(failed));
  }

  async close(): Promise<void> {
    await this.#worker.close();
    await this.#queue.close();
    for (const c of this.#connections) c.disconnect();
  }
}

/** The audit's actor for what the scheduler does on its own. */
const SYSTEM = { accountId: 'system', username: 'system:sms', unitId: '' };
