import { AppError } from '@giaoban/common/errors';
import type { Logger } from '@giaoban/common/logger';
import type { AttendanceEvent } from '@giaoban/common/ports';
import type { SessionClaims } from '@giaoban/common/session';
import type {
  StopReason,
  TimelineEntry,
  TimelineEventType,
} from '@giaoban/scheduler/api/recordings';
import type { RecordingEvent, RecordingResult } from '@giaoban/sfu/recording/recordingTypes';
import type { SfuClient } from '@giaoban/sfu/sfuClient';
import type { RecordingView } from '../protocol/recording';
import type { MeetingRoom } from '../room/meetingRoom';

/**
 * Where recordings are kept (implemented by the scheduler's RecordingStore in
 * Redis): signaling begins and finishes them and writes their timeline.
 */
export interface RecordingLedger {
  begin(r: {
    meetingId: string;
    occurrenceId: string;
    title: string;
    startedAt: number;
    startedBy: string | null;
    auto: boolean;
  }): Promise<string>;
  active(
    meetingId: string,
  ): Promise<{ recordingId: string; startedAt: number; segments: number; auto?: boolean } | null>;
  /** Whether this occurrence was ever recorded (an emergency is auto-recorded once). */
  hasAny(occurrenceId: string): Promise<boolean>;
  note(recordingId: string, entry: TimelineEntry): Promise<void>;
  /** One stopper per recording across the cluster (the room's node, an orphan sweep, the SFU). */
  claimStop(recordingId: string): Promise<boolean>;
  segment(recordingId: string, segment: number): Promise<void>;
  finish(
    recordingId: string,
    o: { reason: StopReason; media: RecordingResult | null },
  ): Promise<unknown>;
}

export interface RoomRecordingDeps {
  sfu: SfuClient;
  ledger: RecordingLedger | undefined;
  log: Logger;
  /** RECORD_EMERGENCY: emergency meetings are recorded from their first join. */
  recordEmergency: boolean;
  /** The room's members must see the change (`meeting:updated`). */
  updated(room: MeetingRoom): void;
  stopped(room: MeetingRoom, recordingId: string, reason: StopReason): void;
  rooms: () => ReadonlyMap<string, MeetingRoom>;
}

/**
 * A meeting's recording as signaling runs it: the host starts and stops it
 * (or an emergency starts it by itself), the room shows it, every join makes
 * sure the meeting's SFU node records (so a meeting moved to another node, or
 * taken over by another signaling node, goes on in a new segment), and the
 * timeline (speakers, floor, joins, leaves, audio-only) is written as it happens.
 */
export class RoomRecording {
  readonly #d: RoomRecordingDeps;
  /** Last speaker and floor written per recording: the timeline notes changes only. */
  readonly #lastSpeaker = new Map<string, string>();
  readonly #lastFloor = new Map<string, string | null>();
  readonly #finishing = new Map<string, Promise<void>>();

  constructor(deps: RoomRecordingDeps) {
    this.#d = deps;
  }

  #ledger(): RecordingLedger {
    if (!this.#d.ledger) throw new AppError('UNAVAILABLE', { reason: 'no recording store' });
    return this.#d.ledger;
  }

  async start(room: MeetingRoom, by: SessionClaims | null): Promise<RecordingView> {
    if (room.recording) throw new AppError('CONFLICT', { recordingId: room.recording.id });
    const ledger = this.#ledger();
    const startedAt = Date.now();
    const any = [...room.endpoints.values()][0];
    const id = await ledger.begin({
      meetingId: room.id,
      occurrenceId: any?.grant.occurrenceId ?? room.id,
      title: room.title,
      startedAt,
      startedBy: by?.username ?? null,
      auto: by === null,
    });
    try {
      await this.#d.sfu.startRecording(room.id, { recordingId: id, startedAt, segment: 0 });
    } catch (err) {
      await ledger.finish(id, { reason: 'failed', media: null }).catch(() => undefined);
      if (err instanceof AppError && err.code === 'RECORDING_DISK_FULL') throw err;
      this.#d.log.error({ err, meetingId: room.id }, 'recording did not start');
      throw new AppError('RECORDING_FAILED');
    }
    room.recording = { id, startedAt, auto: by === null };
    this.#note(room, 'started', {});
    for (const e of room.endpoints.values())
      this.#note(room, 'joined', { unitId: e.session.unitId, unitName: e.unitName });
    this.floor(room);
    // Whoever is speaking already is the first speaker (the SFU reports changes only).
    if (room.activeSpeakerId) this.speaker(room, room.activeSpeakerId);
    this.#d.updated(room);
    this.#d.log.info(
      { meetingId: room.id, recordingId: id, auto: by === null },
      'recording started',
    );
    return room.recording;
  }

  /**
   * The meeting has no room anywhere any more (its occurrence closed): a
   * recording left running in Redis (its room emptied by a failure and never
   * rejoined) is finished from the files in its folder.
   */
  async stopOrphan(meetingId: string, reason: StopReason): Promise<void> {
    const ledger = this.#d.ledger;
    const active = await ledger?.active(meetingId).catch(() => null);
    if (!ledger || !active || !(await ledger.claimStop(active.recordingId))) return;
    let media: RecordingResult | null = null;
    try {
      media = await this.#d.sfu.stopRecording(meetingId, {
        recordingId: active.recordingId,
        startedAt: active.startedAt,
      });
    } catch (err) {
      this.#d.log.warn({ err, meetingId }, 'orphan recording not finalised by an SFU node');
    }
    await ledger.finish(active.recordingId, { reason, media }).catch(() => undefined);
  }

  /**
   * Stops the room's recording (if any): the room shows it at once; the SFU
   * finalises the files and mixes them behind (seconds per hour recorded),
   * then the ledger keeps the result (`finished` resolves then).
   */
  async stop(room: MeetingRoom, reason: StopReason): Promise<string | undefined> {
    const rec = room.recording;
    if (!rec) return undefined;
    room.recording = null;
    if (!(await this.#ledger().claimStop(rec.id))) {
      this.#d.updated(room);
      return undefined;
    }
    this.#note(room, 'stopped', { value: reason }, rec);
    this.#d.updated(room);
    this.#d.stopped(room, rec.id, reason);
    const finished = this.#finish(room.id, rec, reason);
    this.#finishing.set(rec.id, finished);
    void finished.finally(() => this.#finishing.delete(rec.id));
    this.#d.log.info({ meetingId: room.id, recordingId: rec.id, reason }, 'recording stopped');
    return rec.id;
  }

  /** Resolves when the recording's files are final and the ledger has them (tests, shutdown). */
  finished(recordingId: string): Promise<void> {
    return this.#finishing.get(recordingId) ?? Promise.resolve();
  }

  async #finish(meetingId: string, rec: RecordingView, reason: StopReason): Promise<void> {
    let media: RecordingResult | null = null;
    try {
      media = await this.#d.sfu.stopRecording(meetingId, {
        recordingId: rec.id,
        startedAt: rec.startedAt,
      });
    } catch (err) {
      this.#d.log.error({ err, meetingId, recordingId: rec.id }, 'recording stop failed');
    }
    await this.#ledger()
      .finish(rec.id, { reason, media })
      .catch((err: unknown) => this.#d.log.error({ err, recordingId: rec.id }, 'ledger finish'));
    this.#forget(rec.id);
  }

  /**
   * After every join: a recording in progress (here or in Redis) is carried on
   * by the meeting's SFU node — a no-op where it already records, a new
   * segment on a node the meeting moved to. A new room of an emergency is
   * recorded from its first join.
   */
  async joined(room: MeetingRoom, newRoom: boolean): Promise<void> {
    const ledger = this.#d.ledger;
    if (!ledger) return;
    const active = await ledger.active(room.id);
    if (active) {
      room.recording ??= {
        id: active.recordingId,
        startedAt: active.startedAt,
        auto: active.auto ?? false,
      };
      await this.#d.sfu
        .startRecording(room.id, {
          recordingId: active.recordingId,
          startedAt: active.startedAt,
          segment: active.segments,
        })
        .catch((err: unknown) =>
          this.#d.log.error({ err, meetingId: room.id }, 'recording not resumed'),
        );
      if (newRoom) this.#d.updated(room);
      return;
    }
    if (!newRoom || room.kind !== 'emergency' || !this.#d.recordEmergency) return;
    const any = [...room.endpoints.values()][0];
    if (!any || (await ledger.hasAny(any.grant.occurrenceId))) return;
    await this.start(room, null).catch((err: unknown) => {
      // Two first joins at once: the other one started it.
      if (!(err instanceof AppError && err.code === 'CONFLICT'))
        this.#d.log.error({ err, meetingId: room.id }, 'emergency recording did not start');
    });
  }

  /** The SFU's recorder: a new segment, or it stopped by itself (disk nearly full). */
  onSfuEvent(e: RecordingEvent): void {
    const ledger = this.#d.ledger;
    if (!ledger) return;
    const room = this.#d.rooms().get(e.meetingId);
    if (e.state === 'segment') {
      void ledger.segment(e.recordingId, e.segment).catch(() => undefined);
      if (room?.recording?.id === e.recordingId) this.#note(room, 'segment', { value: e.segment });
      return;
    }
    // The meeting's media closed under the recorder (every endpoint lost with its worker or
    // node): the recording goes on, in a new segment, when they join again (`joined`).
    if (e.reason === 'meetingClosed') return;
    const reason: StopReason = e.reason;
    const rec = room?.recording;
    if (room && rec?.id === e.recordingId) {
      room.recording = null;
      this.#note(room, 'stopped', { value: reason }, rec);
      this.#d.updated(room);
      this.#d.stopped(room, e.recordingId, reason);
    }
    void ledger
      .claimStop(e.recordingId)
      .then((won) => (won ? ledger.finish(e.recordingId, { reason, media: e.result }) : undefined))
      .catch(() => undefined);
    this.#forget(e.recordingId);
  }

  speaker(room: MeetingRoom, endpointId: string): void {
    const rec = room.recording;
    const e = room.endpoints.get(endpointId);
    if (!rec || !e || this.#lastSpeaker.get(rec.id) === e.session.unitId) return;
    this.#lastSpeaker.set(rec.id, e.session.unitId);
    this.#note(room, 'speaker', { unitId: e.session.unitId, unitName: e.unitName });
  }

  /** Notes the floor holder if it changed (called with every `meeting:updated`). */
  floor(room: MeetingRoom): void {
    const rec = room.recording;
    if (!rec) return;
    const holder = room.floorEndpointId ? room.endpoints.get(room.floorEndpointId) : undefined;
    const unitId = holder?.session.unitId ?? null;
    if (this.#lastFloor.has(rec.id) && this.#lastFloor.get(rec.id) === unitId) return;
    this.#lastFloor.set(rec.id, unitId);
    this.#note(
      room,
      'floor',
      holder ? { unitId: holder.session.unitId, unitName: holder.unitName } : {},
    );
  }

  /** Joins, leaves and audio-only changes, as attendance sees them. */
  attendance(ev: AttendanceEvent): void {
    const room = this.#d.rooms().get(ev.meetingId);
    if (!room?.recording) return;
    const e = room.endpoints.get(ev.endpointId);
    const unitName = e?.unitName;
    const base = { unitId: ev.unitId, ...(unitName ? { unitName } : {}) };
    if (ev.type === 'audioOnly') this.#note(room, 'audioOnly', { ...base, value: ev.audioOnly });
    else this.#note(room, ev.type, base);
  }

  #note(
    room: MeetingRoom,
    type: TimelineEventType,
    fields: Partial<Pick<TimelineEntry, 'unitId' | 'unitName' | 'value'>>,
    rec: Pick<RecordingView, 'id' | 'startedAt'> | null = room.recording,
  ): void {
    if (!rec || !this.#d.ledger) return;
    const at = Date.now();
    const entry: TimelineEntry = {
      t: Math.max(0, at - rec.startedAt),
      at,
      type,
      ...(fields.unitId ? { unitId: fields.unitId } : {}),
      ...(fields.unitName ? { unitName: fields.unitName } : {}),
      ...(fields.value !== undefined ? { value: fields.value } : {}),
    };
    void this.#d.ledger.note(rec.id, entry).catch((err: unknown) => {
      this.#d.log.warn({ err, recordingId: rec.id }, 'timeline entry not written');
    });
  }

  #forget(recordingId: string): void {
    this.#lastSpeaker.delete(recordingId);
    this.#lastFloor.delete(recordingId);
  }
}
