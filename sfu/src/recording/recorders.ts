import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { AppError } from '@giaoban/common/errors';
import type { Logger } from '@giaoban/common/logger';
import type { Meeting } from '../meeting';
import { MeetingRecorder } from './meetingRecorder';
import { finishRecording, type Tools } from './mixdown';
import { RecorderPool } from './recorderPool';
import { recordingEncoding, type RecordingEncoding } from './recordingEncoding';
import type {
  RecordingEvent,
  RecordingResult,
  RecordingStatus,
  StartRecording,
} from './recordingTypes';

export interface RecordingSettings {
  /** RECORDINGS_DIR: one folder per recording (shared by the SFU nodes of a cluster). */
  root: string;
  tools: Tools;
  /** RECORDING_MIN_FREE_MB in bytes. */
  minFreeBytes: number;
  diskCheckMs?: number;
  /** RECORDER_WARM: ffmpeg processes kept started, waiting for a track (start ≤ 1 s). */
  warm?: number;
  /** Ogg pages and the mix's Opus (default recordingEncoding; the bench compares another). */
  encoding?: RecordingEncoding;
}

/**
 * The recorders of this SFU node, one per recorded meeting. Starting is
 * idempotent (signaling asks again at every join of a recorded meeting, which
 * is how a meeting moved to this node resumes its recording); stopping works
 * even where the recorder is gone (node moved): the folder has every segment.
 */
export class Recorders {
  readonly #settings: RecordingSettings;
  readonly #log: Logger;
  readonly #emit: (e: RecordingEvent) => void;
  readonly #active = new Map<string, Promise<MeetingRecorder>>();
  /** Start times of recordings stopped here by themselves, for a late stop request. */
  readonly #startedAt = new Map<string, number>();
  #pool: RecorderPool | undefined;

  constructor(settings: RecordingSettings, log: Logger, emit: (e: RecordingEvent) => void) {
    this.#settings = settings;
    this.#log = log;
    this.#emit = emit;
  }

  get settings(): RecordingSettings {
    return this.#settings;
  }

  async start(meeting: Meeting, req: StartRecording): Promise<RecordingStatus> {
    const meetingId = meeting.id;
    // Check and claim without an await between them: endpoints rejoining together each ask
    // to resume the recording, and two recorders would write the same files.
    for (;;) {
      const pending = this.#active.get(meetingId);
      if (!pending) break;
      const current = await pending.catch(() => undefined);
      if (this.#active.get(meetingId) !== pending) continue; // changed while we waited
      if (current && !current.stopped) {
        if (current.recordingId === req.recordingId) return current.status();
        throw new AppError('CONFLICT', { recordingId: current.recordingId });
      }
      this.#forget(meetingId, pending);
      break;
    }
    const pending = MeetingRecorder.start({
      ...req,
      meeting,
      root: this.#settings.root,
      tools: this.#settings.tools,
      encoding: this.#encoding(),
      pool: this.#warmPool(),
      minFreeBytes: this.#settings.minFreeBytes,
      diskCheckMs: this.#settings.diskCheckMs,
      log: this.#log.child({ meetingId, recordingId: req.recordingId }),
      onSegment: (segment) =>
        this.#emit({
          type: 'recording',
          meetingId,
          recordingId: req.recordingId,
          state: 'segment',
          segment,
        }),
      onStopped: (reason, result) => {
        this.#forget(meetingId, pending);
        this.#emit({
          type: 'recording',
          meetingId,
          recordingId: req.recordingId,
          state: 'stopped',
          reason,
          result,
        });
      },
    });
    this.#active.set(meetingId, pending);
    this.#startedAt.set(req.recordingId, req.startedAt);
    pending.catch(() => this.#forget(meetingId, pending));
    return (await pending).status();
  }

  /** Stops the meeting's recording here and mixes every segment found in its folder. */
  async stop(meetingId: string, recordingId: string, startedAt?: number): Promise<RecordingResult> {
    const current = await this.#current(meetingId);
    if (current && current.recordingId === recordingId) {
      this.#active.delete(meetingId);
      return current.stop();
    }
    // Recorded elsewhere (a node that died) or stopped already: finish from the folder.
    const dir = path.join(this.#settings.root, recordingId);
    await mkdir(dir, { recursive: true });
    const since = startedAt ?? this.#startedAt.get(recordingId) ?? Date.now();
    return finishRecording({
      dir,
      recordingId,
      durationMs: Math.max(0, Date.now() - since),
      tools: this.#settings.tools,
      encoding: this.#encoding(),
      log: this.#log,
    });
  }

  status(meetingId: string): Promise<RecordingStatus | null> {
    return this.#current(meetingId).then((r) => (r && !r.stopped ? r.status() : null));
  }

  /** Starts the warm recorder processes now (a node that records: at start-up). */
  warmUp(): void {
    this.#warmPool();
  }

  async close(): Promise<void> {
    for (const [meetingId, pending] of [...this.#active]) {
      this.#active.delete(meetingId);
      const r = await pending.catch(() => undefined);
      await r?.abort('meetingClosed');
    }
    this.#pool?.close();
  }

  #warmPool(): RecorderPool {
    this.#pool ??= new RecorderPool({
      ffmpeg: this.#settings.tools.ffmpeg,
      root: this.#settings.root,
      size: this.#settings.warm ?? 3,
      pageMs: this.#encoding().pageMs,
    });
    return this.#pool;
  }

  #encoding(): RecordingEncoding {
    return this.#settings.encoding ?? recordingEncoding;
  }

  async #current(meetingId: string): Promise<MeetingRecorder | undefined> {
    return this.#active.get(meetingId)?.catch(() => undefined);
  }

  #forget(meetingId: string, pending: Promise<MeetingRecorder>): void {
    if (this.#active.get(meetingId) === pending) this.#active.delete(meetingId);
  }
}
