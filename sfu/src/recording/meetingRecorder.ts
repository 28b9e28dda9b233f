import { mkdir, statfs } from 'node:fs/promises';
import path from 'node:path';
import type { types as ms } from 'mediasoup';
import { AppError } from '@giaoban/common/errors';
import type { Logger } from '@giaoban/common/logger';
import type { Meeting } from '../meeting';
import type { ProducerAppData } from '../endpoint';
import { finishRecording, writeManifest, type Tools } from './mixdown';
import type {
  RecorderStopReason,
  RecordingResult,
  RecordingStatus,
  RecordingTrack,
  StartRecording,
} from './recordingTypes';
import type { RecorderPool } from './recorderPool';
import type { RecordingEncoding } from './recordingEncoding';
import { TrackRecorder, type TrackEnd } from './trackRecorder';

export interface RecorderOptions extends StartRecording {
  meeting: Meeting;
  /** The recordings folder (RECORDINGS_DIR); this recording writes into `<root>/<recordingId>/`. */
  root: string;
  tools: Tools;
  encoding: RecordingEncoding;
  /** Warm ffmpeg processes (one per track start). */
  pool: RecorderPool;
  /** Below this much free space the recording stops (files finalised). */
  minFreeBytes: number;
  /** How often the free space is checked. */
  diskCheckMs?: number;
  log: Logger;
  /** A new segment began (worker death). */
  onSegment(segment: number): void;
  /** It stopped by itself (disk nearly full, meeting closed). */
  onStopped(reason: RecorderStopReason, result: RecordingResult | null): void;
}

interface Track {
  info: RecordingTrack;
  writer: TrackRecorder | null;
}

/** Free bytes for unprivileged writers on the recordings' file system. */
export async function freeBytes(dir: string): Promise<number> {
  const s = await statfs(dir);
  return s.bavail * s.bsize;
}

/**
 * A meeting's recording on this SFU node: one TrackRecorder per unit
 * microphone (started when the microphone is first live, at its offset on the
 * recording's timeline), a manifest per segment beside the files, a check of
 * the free disk space, and on stop the mixed track. A worker death ends the
 * tracks on its router; the endpoints' new producers start the next segment.
 */
export class MeetingRecorder {
  readonly recordingId: string;
  readonly dir: string;
  readonly #o: RecorderOptions;
  readonly #tracks: Track[] = [];
  /** Segments whose manifest this recorder has written. */
  readonly #written = new Set<number>();
  readonly #watched = new Set<string>();
  readonly #units = new Map<string, number>();
  #segment: number;
  /** A segment is announced (onSegment) with its first track: an empty one never counts. */
  #announced: number;
  #stopped = false;
  #diskTimer: NodeJS.Timeout | undefined;
  #manifest: Promise<void> = Promise.resolve();
  #unsubscribe: () => void = () => undefined;

  private constructor(o: RecorderOptions) {
    this.#o = o;
    this.recordingId = o.recordingId;
    this.dir = path.join(o.root, o.recordingId);
    this.#segment = o.segment;
    this.#announced = o.segment === 0 ? 0 : -1;
  }

  static async start(o: RecorderOptions): Promise<MeetingRecorder> {
    const r = new MeetingRecorder(o);
    await mkdir(r.dir, { recursive: true });
    const free = await freeBytes(r.dir);
    if (free < o.minFreeBytes) throw new AppError('RECORDING_DISK_FULL', { freeBytes: free });
    r.#listen();
    await Promise.all(
      o.meeting.producersWithRouters().map(({ producer, router }) => r.#watch(producer, router)),
    );
    await r.#writeManifest();
    r.#diskTimer = setInterval(() => void r.#checkDisk(), o.diskCheckMs ?? 5_000);
    return r;
  }

  status(): RecordingStatus {
    return {
      recordingId: this.recordingId,
      segment: this.#segment,
      tracks: this.#tracks.map((t) => ({ ...t.info })),
    };
  }

  get stopped(): boolean {
    return this.#stopped;
  }

  /** Ends every track, writes the final manifest and mixes (this node's and earlier nodes' tracks). */
  async stop(): Promise<RecordingResult> {
    const durationMs = Date.now() - this.#o.startedAt;
    await this.#halt();
    return finishRecording({
      dir: this.dir,
      recordingId: this.recordingId,
      durationMs,
      tools: this.#o.tools,
      encoding: this.#o.encoding,
      log: this.#o.log,
    });
  }

  /**
   * Stops by itself. The disk filling up ends the recording: its files are
   * final and mixed. The meeting closing under it (every endpoint lost with
   * its worker or node) only ends this segment: the recording goes on when
   * the meeting's media comes back, so nothing is mixed yet.
   */
  async abort(reason: RecorderStopReason): Promise<void> {
    if (this.#stopped) return;
    const durationMs = Date.now() - this.#o.startedAt;
    await this.#halt();
    let result: RecordingResult | null = null;
    if (reason === 'diskFull') {
      try {
        result = await finishRecording({
          dir: this.dir,
          recordingId: this.recordingId,
          durationMs,
          tools: this.#o.tools,
          encoding: this.#o.encoding,
          log: this.#o.log,
        });
      } catch (err) {
        this.#o.log.error({ err, recordingId: this.recordingId }, 'finishing the recording failed');
      }
    }
    this.#o.onStopped(reason, result);
  }

  async #halt(): Promise<void> {
    this.#stopped = true;
    clearInterval(this.#diskTimer);
    this.#unsubscribe();
    await Promise.all(this.#tracks.map((t) => this.#end(t, 'stopped')));
    await this.#writeManifest();
  }

  #listen(): void {
    const m = this.#o.meeting;
    const onProducer = (p: ms.Producer<ProducerAppData>, router: ms.Router) =>
      void this.#watch(p, router);
    const onRouterLost = () => {
      // Everything on the dead router ends; whatever is produced again belongs to the next segment.
      this.#segment += 1;
      this.#o.log.warn(
        { recordingId: this.recordingId, segment: this.#segment },
        'recording continues in a new segment (worker died)',
      );
    };
    const onClosed = () => void this.abort('meetingClosed');
    m.on('producerAdded', onProducer);
    m.on('routerLost', onRouterLost);
    m.once('closed', onClosed);
    this.#unsubscribe = () => {
      m.off('producerAdded', onProducer);
      m.off('routerLost', onRouterLost);
      m.off('closed', onClosed);
    };
  }

  /** A microphone is recorded from the moment it is live (muted units cost no recorder). */
  async #watch(p: ms.Producer<ProducerAppData>, router: ms.Router): Promise<void> {
    if (p.kind !== 'audio' || p.appData.source !== 'mic' || this.#watched.has(p.id)) return;
    this.#watched.add(p.id);
    if (p.paused) {
      const onResume = () => void this.#record(p, router);
      p.observer.once('resume', onResume);
      p.observer.once('close', () => p.observer.off('resume', onResume));
      return;
    }
    await this.#record(p, router);
  }

  async #record(p: ms.Producer<ProducerAppData>, router: ms.Router): Promise<void> {
    if (this.#stopped || p.closed || router.closed) return;
    const endpointId = p.appData.endpointId;
    let unitId = endpointId;
    try {
      unitId = this.#o.meeting.endpoint(endpointId).unitId;
    } catch {
      return; // left meanwhile
    }
    const n = (this.#units.get(unitId) ?? 0) + 1;
    this.#units.set(unitId, n);
    const segment = this.#segment;
    const name = `s${segment}-${unitId.replace(/[^A-Za-z0-9_-]/g, '_')}-${n}`;
    let writer: TrackRecorder;
    try {
      writer = await TrackRecorder.start({
        router,
        producerId: p.id,
        dir: this.dir,
        name,
        pool: this.#o.pool,
        log: this.#o.log,
      });
    } catch (err) {
      if (!p.closed && !router.closed)
        this.#o.log.error({ err, recordingId: this.recordingId, unitId }, 'track not recorded');
      return;
    }
    const track: Track = {
      info: {
        file: writer.file,
        unitId,
        endpointId,
        segment,
        offsetMs: Math.max(0, writer.startedAt - this.#o.startedAt),
        endMs: null,
        bytes: 0,
        state: 'recording',
      },
      writer,
    };
    this.#tracks.push(track);
    if (segment > this.#announced) {
      this.#announced = segment;
      this.#o.onSegment(segment);
    }
    if (this.#stopped) {
      await this.#end(track, 'stopped');
      return;
    }
    writer.once(
      'ended',
      (reason) => void this.#end(track, reason).then(() => this.#writeManifest()),
    );
    void writer.firstPacketAt.then((at) => {
      if (track.info.state !== 'recording') return;
      track.info.offsetMs = Math.max(0, at - this.#o.startedAt);
      void this.#writeManifest();
    });
    await this.#writeManifest();
    this.#o.log.info(
      { recordingId: this.recordingId, unitId, segment, offsetMs: track.info.offsetMs },
      'track recording',
    );
  }

  async #end(t: Track, reason: TrackEnd): Promise<void> {
    const writer = t.writer;
    if (!writer) return;
    t.writer = null;
    t.info.endMs = Math.max(t.info.offsetMs, Date.now() - this.#o.startedAt);
    const { bytes, finalised, empty } = await writer.finish(reason);
    if (empty) {
      // The unit never sent a packet (never unmuted): no file, and not a lost track either.
      const i = this.#tracks.indexOf(t);
      if (i >= 0) this.#tracks.splice(i, 1);
      return;
    }
    t.info.bytes = bytes;
    t.info.state = finalised ? 'ended' : 'lost';
    if (!finalised) t.info.file = t.info.file.replace(/\.ogg$/, '.part');
  }

  #writeManifest(): Promise<void> {
    // Every segment written before is written again, even if its last track was dropped (empty).
    const bySegment = new Map<number, RecordingTrack[]>([...this.#written].map((n) => [n, []]));
    for (const t of this.#tracks) {
      const list = bySegment.get(t.info.segment) ?? [];
      list.push({ ...t.info });
      bySegment.set(t.info.segment, list);
      this.#written.add(t.info.segment);
    }
    this.#manifest = this.#manifest
      .then(async () => {
        for (const [segment, tracks] of bySegment) await writeManifest(this.dir, segment, tracks);
      })
      .catch((err: unknown) =>
        this.#o.log.error({ err, recordingId: this.recordingId }, 'manifest not written'),
      );
    return this.#manifest;
  }

  async #checkDisk(): Promise<void> {
    if (this.#stopped) return;
    const free = await freeBytes(this.dir).catch(() => Number.POSITIVE_INFINITY);
    if (free >= this.#o.minFreeBytes) return;
    this.#o.log.error(
      { recordingId: this.recordingId, freeBytes: free, minFreeBytes: this.#o.minFreeBytes },
      'recordings disk nearly full: recording stopped',
    );
    await this.abort('diskFull');
  }
}
