import { Queue, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from '@giaoban/common/logger';
import type { MeetingService } from '../meetings/meetingService';
import type { StoredMeeting } from '../meetings/meetingStore';
import {
  occurrenceId,
  slotOf,
  slotsInWindow,
  statusOf,
  type OccurrenceSlot,
} from '../meetings/occurrences';
import type { NotifierHub } from '../notify/notifierHub';
import { OccurrenceLog } from './occurrenceLog';
import { watchRedisConnection } from '@giaoban/common/redisWatch';

type JobName = 'reminder' | 'open' | 'close';
interface OccurrenceJobData {
  meetingId: string;
  originalStart: number;
  /** The start the job was planned for: a moved occurrence makes it stale. */
  start: number;
}

const QUEUE = 'gb-meeting-jobs';
const PLAN_JOB = 'plan';

export interface MeetingJobsOptions {
  /** Occurrences starting within this horizon get their delayed jobs now. */
  planHorizonMs: number;
  /** How often every meeting is planned again (unbounded series, restarts). */
  planEveryMs: number;
}

/**
 * Reminder, room opening and closing as delayed BullMQ jobs in Redis, so they
 * survive a restart of the app or of redis-server (AOF). Job ids are derived
 * from occurrence and start time: planning twice adds nothing, and a job for
 * an occurrence that was moved, cancelled or ended finds itself stale and does
 * nothing.
 */
export class MeetingJobs {
  readonly #queue: Queue;
  readonly #worker: Worker;
  readonly #meetings: MeetingService;
  readonly #notifier: NotifierHub;
  readonly #log: Logger;
  readonly #options: MeetingJobsOptions;
  readonly occurrences: OccurrenceLog;
  readonly #connections: Redis[];

  constructor(
    redis: Redis,
    meetings: MeetingService,
    notifier: NotifierHub,
    log: Logger,
    options: MeetingJobsOptions,
  ) {
    // BullMQ needs its own connections; blocking workers must retry forever.
    const connection = redis.duplicate({ maxRetriesPerRequest: null });
    const workerConnection = redis.duplicate({ maxRetriesPerRequest: null });
    this.#connections = [connection, workerConnection];
    for (const c of this.#connections) watchRedisConnection(c, log, 'jobs');
    const prefix = 'gb:bull';
    this.#queue = new Queue(QUEUE, {
      connection,
      prefix,
      defaultJobOptions: {
        // Completed jobs stay a while so that planning the same occurrence again is a no-op.
        removeOnComplete: { age: 3 * 86_400 },
        removeOnFail: { age: 7 * 86_400 },
        attempts: 3,
        backoff: { type: 'exponential', delay: 1000 },
      },
    });
    this.#worker = new Worker(QUEUE, (job) => this.#run(job), {
      connection: workerConnection,
      prefix,
      concurrency: 20,
    });
    this.#worker.on('failed', (job, err) =>
      log.error({ err, jobId: job?.id, job: job?.name }, 'meeting job failed'),
    );
    this.#meetings = meetings;
    this.#notifier = notifier;
    this.#log = log;
    this.#options = options;
    this.occurrences = new OccurrenceLog(redis);
  }

  async start(): Promise<void> {
    await this.#queue.upsertJobScheduler(
      PLAN_JOB,
      { every: this.#options.planEveryMs },
      { name: PLAN_JOB },
    );
    await this.planAll();
  }

  /** Plans every meeting's upcoming occurrences (start-up and periodically). */
  async planAll(now = Date.now()): Promise<number> {
    let planned = 0;
    for (const entry of this.#meetings.store.entries()) {
      planned += await this.plan(entry.meeting, now);
    }
    return planned;
  }

  /** Adds the delayed jobs of one meeting's occurrences within the horizon. */
  async plan(meeting: StoredMeeting, now = Date.now()): Promise<number> {
    const entry = this.#meetings.store.get(meeting.id);
    if (!entry || entry.meeting.status !== 'active') return 0;
    const { reminderLeadMs, openLeadMs, closeGraceMs } = this.#meetings.timing;
    const jobs: {
      name: JobName;
      data: OccurrenceJobData;
      opts: { jobId: string; delay: number };
    }[] = [];
    for (const slot of slotsInWindow(
      entry,
      now - closeGraceMs,
      now + this.#options.planHorizonMs,
    )) {
      if (slot.override?.cancelled || slot.override?.endedAt) continue;
      const occ = occurrenceId(meeting.id, slot.originalStart);
      const data = { meetingId: meeting.id, originalStart: slot.originalStart, start: slot.start };
      const add = (name: JobName, at: number) =>
        jobs.push({
          name,
          data,
          opts: { jobId: `${name}_${occ}_${slot.start}`, delay: Math.max(0, at - now) },
        });
      // A late reminder is still useful until the start; a late opening until the close.
      if (now < slot.start && meeting.kind === 'regular')
        add('reminder', slot.start - reminderLeadMs);
      if (now < slot.end + closeGraceMs) {
        add('open', slot.start - openLeadMs);
        add('close', slot.end + closeGraceMs);
      }
    }
    if (jobs.length) await this.#queue.addBulk(jobs);
    return jobs.length;
  }

  async #run(job: Job): Promise<void> {
    if (job.name === PLAN_JOB) {
      await this.planAll();
      return;
    }
    const data = job.data as OccurrenceJobData;
    const meeting = await this.#meetings.store.fetch(data.meetingId);
    if (!meeting) return;
    const slot = slotOf(meeting, data.originalStart);
    if (slot.start !== data.start) return; // moved since: the jobs of its new time do the work
    // A cancelled occurrence is not reminded of nor opened, but its room is closed all the same:
    // people who were in it when it was cancelled must not stay in it.
    const cancelled = meeting.status !== 'active' || slot.override?.cancelled === true;
    if (cancelled && job.name !== 'close') return;
    const units = unitsOf(slot);
    const ref = {
      meetingId: meeting.id,
      occurrenceId: occurrenceId(meeting.id, slot.originalStart),
      title: slot.override?.title ?? meeting.title,
    };
    const times = {
      startsAt: new Date(slot.start).toISOString(),
      endsAt: new Date(slot.end).toISOString(),
    };
    const log = this.#log.child({ meetingId: meeting.id, occurrenceId: ref.occurrenceId });
    switch (job.name as JobName) {
      case 'reminder':
        if (statusOf(slot, this.#meetings.timing, Date.now()) === 'closed') return;
        this.#notifier.notify(units, 'meeting:reminder', {
          ...ref,
          ...times,
          kind: meeting.kind,
          minutesBefore: Math.max(0, Math.round((slot.start - Date.now()) / 60_000)),
        });
        log.info({ units: units.length }, 'reminder sent');
        break;
      case 'open':
        if (slot.override?.endedAt) return;
        await this.occurrences.opened(ref.occurrenceId, slot.invitedUnitIds);
        this.#notifier.notify(units, 'meeting:opened', { ...ref, ...times, kind: meeting.kind });
        log.info({ units: units.length }, 'meeting room opened');
        break;
      case 'close':
        await this.occurrences.closed(ref.occurrenceId);
        this.#notifier.notify(units, 'meeting:closed', ref);
        log.info('meeting room closed');
        break;
    }
  }

  /** Tells the units of cancelled occurrences (upcoming or open) that they will not take place. */
  cancelled(slots: OccurrenceSlot[]): void {
    for (const slot of slots) {
      this.#notifier.notify(unitsOf(slot), 'meeting:cancelled', {
        meetingId: slot.meeting.id,
        occurrenceId: occurrenceId(slot.meeting.id, slot.originalStart),
        title: slot.override?.title ?? slot.meeting.title,
        startsAt: new Date(slot.start).toISOString(),
      });
    }
  }

  /**
   * An edit changed the open occurrence's invitations: units no longer invited
   * are told, and signaling removes their endpoints that may no longer be in
   * the room (a host above it may stay).
   */
  uninvited(before: OccurrenceSlot | undefined, after: OccurrenceSlot | undefined): void {
    if (!before || !after || before.originalStart !== after.originalStart) return;
    const still = new Set([...after.invitedUnitIds, after.meeting.hostUnitId]);
    const dropped = before.invitedUnitIds.filter((u) => !still.has(u));
    if (dropped.length === 0) return;
    this.#notifier.notify(dropped, 'meeting:uninvited', {
      meetingId: after.meeting.id,
      occurrenceId: occurrenceId(after.meeting.id, after.originalStart),
      title: after.override?.title ?? after.meeting.title,
    });
    this.#log.info(
      { meetingId: after.meeting.id, units: dropped.length },
      'units dropped from the open occurrence',
    );
  }

  /** The host ended an occurrence early: its room closes now. */
  async ended(slot: OccurrenceSlot): Promise<void> {
    const ref = {
      meetingId: slot.meeting.id,
      occurrenceId: occurrenceId(slot.meeting.id, slot.originalStart),
      title: slot.override?.title ?? slot.meeting.title,
    };
    await this.occurrences.closed(ref.occurrenceId);
    this.#notifier.notify(unitsOf(slot), 'meeting:closed', ref);
  }

  async close(): Promise<void> {
    await this.#worker.close();
    await this.#queue.close();
    // BullMQ leaves connections it was given open.
    for (const c of this.#connections) c.disconnect();
  }
}

/** Everyone who should hear about an occurrence: invited units and the organiser. */
export function unitsOf(slot: OccurrenceSlot): string[] {
  return [...new Set([...slot.invitedUnitIds, slot.meeting.hostUnitId])];
}
