import { randomUUID } from 'node:crypto';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Redis } from 'ioredis';
import { z } from 'zod';
import { AppError } from '@giaoban/common/errors';
import type { Logger } from '@giaoban/common/logger';
import {
  speakerTurns,
  recordingTrackViewSchema,
  stopReasonSchema,
  timelineEntrySchema,
  type StopReason,
  type TimelineEntry,
} from '../api/recordings';

/** A stored track: what the view shows, minus the unit's name (looked up), plus its endpoint. */
const trackSchema = recordingTrackViewSchema
  .omit({ unitName: true })
  .extend({ endpointId: z.string() });

export const storedRecordingSchema = z.object({
  id: z.string(),
  meetingId: z.string(),
  occurrenceId: z.string(),
  title: z.string(),
  hostUnitId: z.string(),
  startedAt: z.number().int(),
  stoppedAt: z.number().int().nullable(),
  status: z.enum(['recording', 'done', 'failed']),
  stopReason: stopReasonSchema.nullable(),
  segments: z.number().int().min(1),
  auto: z.boolean(),
  startedBy: z.string().nullable(),
  mix: z
    .object({ file: z.string(), bytes: z.number().int(), durationMs: z.number().int() })
    .nullable(),
  tracks: z.array(trackSchema),
  durationMs: z.number().int().min(0),
});
export type StoredRecording = z.infer<typeof storedRecordingSchema>;

/** What the SFU hands back when a recording stops (sfu/src/recording, same shape). */
export interface FinishedMedia {
  tracks: z.infer<typeof trackSchema>[];
  segments: number;
  mix: StoredRecording['mix'];
  durationMs: number;
}

const key = {
  rec: (id: string) => `gb:rec:${id}`,
  timeline: (id: string) => `gb:rec:${id}:timeline`,
  occurrence: (occ: string) => `gb:rec:occ:${occ}`,
  active: (meetingId: string) => `gb:rec:active:${meetingId}`,
  index: 'gb:rec:index',
};

/**
 * Recordings' metadata in Redis (the files are in RECORDINGS_DIR/<id>/):
 * one JSON document per recording, its timeline as a list, the recordings of
 * each occurrence, the one active recording of a meeting (SET NX: two hosts
 * starting at once get one recording) and an index by start for the purge.
 * Signaling writes through it (the RecordingLedger port), the REST API reads.
 */
export class RecordingStore {
  readonly #redis: Redis;
  readonly #log: Logger;
  readonly root: string;
  readonly #hostOf: (meetingId: string) => string | undefined;
  readonly #queues = new Map<string, Promise<unknown>>();

  constructor(o: {
    redis: Redis;
    log: Logger;
    root: string;
    /** The organising unit of a meeting (rights: its tier and above may play). */
    hostOf: (meetingId: string) => string | undefined;
  }) {
    this.#redis = o.redis;
    this.#log = o.log;
    this.root = o.root;
    this.#hostOf = o.hostOf;
  }

  async begin(r: {
    meetingId: string;
    occurrenceId: string;
    title: string;
    startedAt: number;
    startedBy: string | null;
    auto: boolean;
  }): Promise<string> {
    const id = randomUUID();
    const won = await this.#redis.set(key.active(r.meetingId), id, 'NX');
    if (won !== 'OK') throw new AppError('CONFLICT', { reason: 'already recording' });
    const rec: StoredRecording = {
      id,
      meetingId: r.meetingId,
      occurrenceId: r.occurrenceId,
      title: r.title,
      hostUnitId: this.#hostOf(r.meetingId) ?? '',
      startedAt: r.startedAt,
      stoppedAt: null,
      status: 'recording',
      stopReason: null,
      segments: 1,
      auto: r.auto,
      startedBy: r.startedBy,
      mix: null,
      tracks: [],
      durationMs: 0,
    };
    await this.#redis
      .multi()
      .set(key.rec(id), JSON.stringify(rec))
      .sadd(key.occurrence(r.occurrenceId), id)
      .zadd(key.index, r.startedAt, id)
      .exec();
    return id;
  }

  /** The meeting's recording in progress, if any. */
  async active(
    meetingId: string,
  ): Promise<{ recordingId: string; startedAt: number; segments: number; auto: boolean } | null> {
    const id = await this.#redis.get(key.active(meetingId));
    const rec = id ? await this.get(id) : undefined;
    if (!rec || rec.status !== 'recording') return null;
    return {
      recordingId: rec.id,
      startedAt: rec.startedAt,
      segments: rec.segments,
      auto: rec.auto,
    };
  }

  /**
   * One stopper per recording across the cluster; the winner frees the meeting
   * at once (a new recording may start while this one is being mixed).
   */
  async claimStop(recordingId: string): Promise<boolean> {
    const won =
      (await this.#redis.set(`${key.rec(recordingId)}:stopping`, '1', 'EX', 3600, 'NX')) === 'OK';
    const rec = won ? await this.get(recordingId) : undefined;
    if (rec) await this.#release(rec.meetingId, recordingId);
    return won;
  }

  async #release(meetingId: string, recordingId: string): Promise<void> {
    await this.#redis.eval(
      `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`,
      1,
      key.active(meetingId),
      recordingId,
    );
  }

  async hasAny(occurrenceId: string): Promise<boolean> {
    return (await this.#redis.scard(key.occurrence(occurrenceId))) > 0;
  }

  async note(recordingId: string, entry: TimelineEntry): Promise<void> {
    await this.#redis.rpush(key.timeline(recordingId), JSON.stringify(entry));
  }

  /** A new segment began (worker death, node move): counted so a later node continues after it. */
  async segment(recordingId: string, segment: number): Promise<void> {
    await this.#update(recordingId, (r) => ({ ...r, segments: Math.max(r.segments, segment + 1) }));
  }

  /** Stopped: what the SFU wrote, why, and the minutes written beside the files. */
  async finish(
    recordingId: string,
    o: { reason: StopReason; media: FinishedMedia | null; at?: number },
  ): Promise<StoredRecording | undefined> {
    const stoppedAt = o.at ?? Date.now();
    const rec = await this.#update(recordingId, (r) => ({
      ...r,
      stoppedAt: r.stoppedAt ?? stoppedAt,
      status: o.media ? 'done' : 'failed',
      stopReason: r.stopReason ?? o.reason,
      segments: Math.max(r.segments, o.media?.segments ?? 1),
      mix: o.media?.mix ?? r.mix,
      tracks: o.media?.tracks ?? r.tracks,
      durationMs: o.media?.durationMs ?? stoppedAt - r.startedAt,
    }));
    if (!rec) return undefined;
    await this.#release(rec.meetingId, recordingId);
    await this.#writeMinutes(rec).catch((err: unknown) =>
      this.#log.error({ err, recordingId }, 'minutes not written'),
    );
    return rec;
  }

  async get(id: string): Promise<StoredRecording | undefined> {
    const raw = await this.#redis.get(key.rec(id));
    if (!raw) return undefined;
    const parsed = storedRecordingSchema.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : undefined;
  }

  async timeline(id: string): Promise<TimelineEntry[]> {
    const raws = await this.#redis.lrange(key.timeline(id), 0, -1);
    return raws.flatMap((r) => {
      const p = timelineEntrySchema.safeParse(JSON.parse(r));
      return p.success ? [p.data] : [];
    });
  }

  async ofOccurrence(occurrenceId: string): Promise<StoredRecording[]> {
    const ids = await this.#redis.smembers(key.occurrence(occurrenceId));
    const recs = await Promise.all(ids.map((id) => this.get(id)));
    return recs
      .filter((r): r is StoredRecording => r !== undefined)
      .sort((a, b) => a.startedAt - b.startedAt);
  }

  /** Deletes recordings started before `before` (files, metadata, timeline); returns how many. */
  async purge(before: number): Promise<number> {
    const ids = await this.#redis.zrangebyscore(key.index, 0, before);
    let purged = 0;
    for (const id of ids) {
      const rec = await this.get(id);
      if (rec?.status === 'recording') continue;
      await rm(path.join(this.root, id), { recursive: true, force: true });
      const m = this.#redis
        .multi()
        .del(key.rec(id), key.timeline(id), `${key.rec(id)}:stopping`)
        .zrem(key.index, id);
      if (rec) m.srem(key.occurrence(rec.occurrenceId), id);
      await m.exec();
      purged++;
    }
    return purged;
  }

  /** The minutes (metadata, timeline, speaker turns) as a file beside the audio. */
  async minutes(rec: StoredRecording) {
    const timeline = await this.timeline(rec.id);
    const endMs = rec.durationMs || (rec.stoppedAt ?? Date.now()) - rec.startedAt;
    return { recording: rec, timeline, speakers: speakerTurns(timeline, endMs) };
  }

  async #writeMinutes(rec: StoredRecording): Promise<void> {
    const dir = path.join(this.root, rec.id);
    await mkdir(dir, { recursive: true });
    const file = path.join(dir, 'minutes.json');
    await writeFile(`${file}.part`, JSON.stringify(await this.minutes(rec), null, 1));
    await rename(`${file}.part`, file);
  }

  /** Read-modify-write, one at a time per recording in this process (its room's node writes it). */
  #update(
    id: string,
    fn: (r: StoredRecording) => StoredRecording,
  ): Promise<StoredRecording | undefined> {
    const run = async () => {
      const rec = await this.get(id);
      if (!rec) return undefined;
      const next = fn(rec);
      await this.#redis.set(key.rec(id), JSON.stringify(next));
      return next;
    };
    const queued = (this.#queues.get(id) ?? Promise.resolve()).then(run, run);
    const tail = queued.catch(() => undefined);
    this.#queues.set(id, tail);
    void tail.then(() => {
      if (this.#queues.get(id) === tail) this.#queues.delete(id);
    });
    return queued;
  }
}
