import type { Server, Socket } from 'socket.io';
import { AppError } from '@giaoban/common/errors';
import type { Logger } from '@giaoban/common/logger';
import type { AttendanceRecorder, MeetingGate, SessionVerifier } from '@giaoban/common/ports';
import type { SessionClaims } from '@giaoban/common/session';
import type { SfuClient, SfuEvent } from '@giaoban/sfu/sfuClient';
import type { SignalingConfig } from './config';
import type { NotificationName, NotificationOf } from './protocol/index';
import { MeetingRoom, type EndpointState } from './room/meetingRoom';
import { RoomKeeper } from './room/roomKeeper';
import type { RoomStateStore } from './room/roomState';
import { onLinkState } from './handlers/linkHandlers';
import { RoomRecording, type RecordingLedger } from './recording/roomRecording';

export interface UnitDescription {
  name: string;
  /** 'poor': the unit's endpoints start audio-only (mountain communes). */
  linkProfile?: 'good' | 'poor';
  tier: string;
  /** The parent unit (a commune's district): the SFU keeps siblings on one router. */
  parentId?: string | null;
}

/** Where privileged actions are recorded (the scheduler's audit log). */
export interface ModerationAudit {
  record(
    actor: Pick<SessionClaims, 'accountId' | 'username' | 'unitId'>,
    action: string,
    target: string,
    details?: Record<string, unknown>,
  ): Promise<void>;
}

export interface SignalingDeps {
  sfu: SfuClient;
  sessions: SessionVerifier;
  gate: MeetingGate;
  attendance: AttendanceRecorder;
  log: Logger;
  config: SignalingConfig;
  /** Unit name and tier for presence (the scheduler's org tree). */
  describeUnit?: (unitId: string) => UnitDescription | undefined;
  audit?: ModerationAudit;
  /** Where room state (chat, hands, mutes, floor, lock) outlives this node: Redis. */
  roomState: RoomStateStore;
  /** Where recordings and their timelines are kept (the scheduler's RecordingStore). */
  recordings?: RecordingLedger;
}

/** What socket.io keeps per socket (and restores on connection state recovery). */
export interface SocketData {
  session: SessionClaims;
  meetingId?: string;
  endpointId?: string;
  /** Receive capabilities told before joining (`media:capabilities`). */
  rtpCapabilities?: Record<string, unknown>;
}

export type GbSocket = Socket<
  Record<string, never>,
  Record<string, never>,
  Record<string, never>,
  SocketData
>;

export type LeaveReason =
  | 'left'
  | 'removed'
  | 'replaced'
  | 'disconnected'
  | 'workerDied'
  | 'sfuNodeLost'
  | 'closed'
  | 'uninvited';

/**
 * The state and the side effects every handler shares: meeting rooms, typed
 * notifications, and the one way an endpoint leaves (so SFU media, presence
 * and attendance never disagree).
 */
export class SignalingCore {
  readonly io: Server;
  readonly deps: SignalingDeps;
  /** The meeting rooms held here; a new one comes in with `addRoom()`. */
  readonly rooms = new Map<string, MeetingRoom>();
  /** Joins in flight per meeting: an emptied meeting keeps its media while one is under way. */
  readonly joining = new Map<string, number>();
  /**
   * Meetings whose emptied room is closing its media: a join waits for it, or its new
   * endpoint would be made in the SFU meeting being closed and die with it, unnoticed.
   */
  readonly #closingMedia = new Map<string, Promise<void>>();
  /** Endpoints the SFU lost (worker death) while their join was still under way: not admitted. */
  readonly #lostBeforeAdmit = new Map<string, number>();
  readonly #log: Logger;
  readonly #keeper: RoomKeeper;
  /** Recording the meetings held here (start/stop, resume after failures, the timeline). */
  readonly recording: RoomRecording;
  #closing = false;

  constructor(io: Server, deps: SignalingDeps) {
    this.io = io;
    this.#log = deps.log;
    this.#keeper = new RoomKeeper({
      store: deps.roomState,
      log: deps.log,
      reclaimMs: deps.config.SIGNALING_GRACE_MS,
      touchMs: Math.max(1_000, deps.config.SIGNALING_ROOM_STATE_TTL_MS / 3),
      held: (id) => this.rooms.get(id),
      heldIds: () => [...this.rooms.keys()],
      onFloorRestored: (room, e) => {
        void deps.sfu.setFloor(room.id, e.id).catch((err: unknown) => {
          this.#log.error({ err, meetingId: room.id, endpointId: e.id }, 'sfu setFloor failed');
        });
        this.broadcast(room, 'meeting:updated', { meeting: room.view() });
      },
    });
    this.recording = new RoomRecording({
      sfu: deps.sfu,
      ledger: deps.recordings,
      log: deps.log,
      recordEmergency: deps.config.RECORD_EMERGENCY,
      updated: (room) => this.broadcast(room, 'meeting:updated', { meeting: room.view() }),
      stopped: (room, recordingId, reason) =>
        this.broadcast(room, 'recording:stopped', { recordingId, reason }),
      rooms: () => this.rooms,
    });
    const attendance = deps.attendance;
    // Every join passes the gate: a meeting taken over here loads its room state there.
    // Joins, leaves and audio-only changes also go into a recording's timeline.
    this.deps = {
      ...deps,
      gate: this.#keeper.gate(deps.gate),
      attendance: {
        record: (ev) => {
          attendance.record(ev);
          this.recording.attendance(ev);
        },
      },
    };
  }

  /** A room new here: it takes over the meeting's state from Redis and writes its changes back. */
  addRoom(room: MeetingRoom): void {
    this.rooms.set(room.id, room);
    this.#keeper.adopt(room);
  }

  notify<N extends NotificationName>(
    socketId: string | null,
    name: N,
    payload: NotificationOf<N>,
  ): void {
    if (socketId) this.io.to(socketId).emit(name, payload);
  }

  /** To everyone in the meeting, except one endpoint's socket. */
  broadcast<N extends NotificationName>(
    room: MeetingRoom,
    name: N,
    payload: NotificationOf<N>,
    except?: EndpointState,
  ): void {
    const target = except?.socketId
      ? this.io.to(room.channel).except(except.socketId)
      : this.io.to(room.channel);
    target.emit(name, payload);
    // Every change of the floor is followed by this broadcast: the recording's timeline notes it.
    if (name === 'meeting:updated') this.recording.floor(room);
  }

  presenceUpdated(room: MeetingRoom, e: EndpointState): void {
    room.remember(e);
    this.broadcast(room, 'presence:updated', { endpoint: room.endpointView(e) });
  }

  endpointOf(socket: GbSocket): { room: MeetingRoom; endpoint: EndpointState } | undefined {
    const { meetingId, endpointId } = socket.data;
    if (!meetingId || !endpointId) return undefined;
    const room = this.rooms.get(meetingId);
    const endpoint = room?.endpoints.get(endpointId);
    if (!room || !endpoint || endpoint.socketId !== socket.id) return undefined;
    return { room, endpoint };
  }

  /** Removes an endpoint from its meeting: media, presence, attendance; closes an empty meeting. */
  async leave(room: MeetingRoom, e: EndpointState, reason: LeaveReason): Promise<void> {
    if (room.endpoints.get(e.id) !== e) return;
    room.endpoints.delete(e.id);
    if (e.graceTimer) clearTimeout(e.graceTimer);
    if (room.floorEndpointId === e.id) {
      void room.setFloor(null).catch(() => undefined);
      void this.deps.sfu.setFloor(room.id, null).catch(() => undefined);
      this.broadcast(room, 'meeting:updated', { meeting: room.view() });
    }
    if (e.socketId) {
      const socket = this.io.sockets.sockets.get(e.socketId) as GbSocket | undefined;
      if (socket) {
        void socket.leave(room.channel);
        if (socket.data.endpointId === e.id) {
          socket.data.meetingId = undefined;
          socket.data.endpointId = undefined;
        }
      }
    }
    this.broadcast(room, 'presence:left', { endpointId: e.id, unitId: e.session.unitId, reason });
    this.deps.attendance.record({
      type: 'left',
      meetingId: room.id,
      occurrenceId: e.grant.occurrenceId,
      unitId: e.session.unitId,
      endpointId: e.id,
      at: Date.now(),
    });
    this.#log.info(
      { meetingId: room.id, unitId: e.session.unitId, endpointId: e.id, reason },
      'endpoint left',
    );
    try {
      await this.deps.sfu.leave(room.id, e.id);
    } catch (err) {
      this.#log.error({ err, meetingId: room.id, endpointId: e.id }, 'sfu leave failed');
    }
    const emptied =
      room.endpoints.size === 0 && this.rooms.get(room.id) === room && !this.joining.get(room.id);
    this.#keeper.left(room, e, reason, emptied);
    if (emptied) {
      this.rooms.delete(room.id);
      const closed = (async () => {
        // Everyone lost with a worker or an SFU node comes back: the recording goes on then.
        if (reason !== 'workerDied' && reason !== 'sfuNodeLost' && !this.#closing)
          await this.recording.stop(room, reason === 'closed' ? 'meetingEnded' : 'meetingClosed');
        await this.deps.sfu.closeMeeting(room.id).catch((err: unknown) => {
          this.#log.error({ err, meetingId: room.id }, 'sfu closeMeeting failed');
        });
      })();
      this.#closingMedia.set(room.id, closed);
      try {
        await closed;
      } finally {
        if (this.#closingMedia.get(room.id) === closed) this.#closingMedia.delete(room.id);
      }
    }
  }

  #noteLostBeforeAdmit(endpointId: string): void {
    const now = Date.now();
    for (const [id, at] of this.#lostBeforeAdmit)
      if (now - at > 60_000) this.#lostBeforeAdmit.delete(id);
    this.#lostBeforeAdmit.set(endpointId, now);
  }

  /**
   * Whether the SFU lost this endpoint's media before the join admitted it into
   * the room (its `endpointLost` found no endpoint to tell): admitted, it would
   * sit in the room without media, unnoticed.
   */
  lostBeforeAdmit(endpointId: string): boolean {
    return this.#lostBeforeAdmit.delete(endpointId);
  }

  /** Resolves once no emptied room of this meeting is closing its media any more. */
  async mediaClosed(meetingId: string): Promise<void> {
    for (let p = this.#closingMedia.get(meetingId); p; p = this.#closingMedia.get(meetingId))
      await p.catch(() => undefined);
  }

  /** A socket dropped without leaving: keep its endpoint for the grace period (it may recover). */
  disconnected(socket: GbSocket, explicit: boolean): void {
    const found = this.endpointOf(socket);
    if (!found) return;
    const { room, endpoint } = found;
    if (explicit || this.deps.config.SIGNALING_GRACE_MS === 0) {
      void this.leave(room, endpoint, explicit ? 'left' : 'disconnected');
      return;
    }
    endpoint.socketId = null;
    this.presenceUpdated(room, endpoint);
    endpoint.graceTimer = setTimeout(
      () => void this.leave(room, endpoint, 'disconnected'),
      this.deps.config.SIGNALING_GRACE_MS,
    );
  }

  /** A socket came back with its state recovered: rebind it to its endpoint. */
  recovered(socket: GbSocket): void {
    const { meetingId, endpointId } = socket.data;
    const room = meetingId ? this.rooms.get(meetingId) : undefined;
    const endpoint = endpointId ? room?.endpoints.get(endpointId) : undefined;
    if (!room || !endpoint || endpoint.socketId !== null) {
      socket.data.meetingId = undefined;
      socket.data.endpointId = undefined;
      return;
    }
    if (endpoint.graceTimer) clearTimeout(endpoint.graceTimer);
    endpoint.graceTimer = null;
    endpoint.socketId = socket.id;
    void socket.join(room.channel);
    this.presenceUpdated(room, endpoint);
  }

  /** Routes SFU media events to the endpoints they concern. */
  onSfuEvent(event: SfuEvent): void {
    if (event.type === 'recording') {
      this.recording.onSfuEvent(event);
      return;
    }
    const room = this.rooms.get(event.meetingId);
    const e = room?.endpoints.get(event.endpointId);
    if (event.type === 'endpointLost' && !e) this.#noteLostBeforeAdmit(event.endpointId);
    if (!room) return;
    switch (event.type) {
      case 'consumerClosed':
        if (e)
          this.notify(e.socketId, 'media:consumerClosed', {
            consumerId: event.consumerId,
            producerId: event.producerId,
          });
        break;
      case 'consumerLayersChanged':
        if (e)
          this.notify(e.socketId, 'media:consumerLayers', {
            consumerId: event.consumerId,
            spatialLayer: event.layers?.spatialLayer ?? null,
          });
        break;
      case 'activeSpeaker':
        this.broadcast(room, 'media:activeSpeaker', { endpointId: event.endpointId });
        room.activeSpeakerId = event.endpointId;
        this.recording.speaker(room, event.endpointId);
        break;
      case 'endpointLost':
        if (e) {
          this.notify(e.socketId, 'media:reconnect', { reason: event.reason });
          void this.leave(room, e, event.reason);
        }
        break;
      case 'consumerScore':
        break;
      case 'linkState':
        if (e) onLinkState(this, room, e, event);
        break;
      case 'videoSelection':
        if (e) this.notify(e.socketId, 'media:videoSelection', { producerIds: event.producerIds });
        break;
    }
  }

  endpointIn(room: MeetingRoom, endpointId: string): EndpointState {
    const e = room.endpoints.get(endpointId);
    if (!e) throw new AppError('NOT_FOUND', { endpointId });
    return e;
  }

  /**
   * The meeting was ended, closed by the schedule or cancelled: everyone in its
   * room is told why and leaves. `occurrenceId`: only if the room holds that
   * occurrence (a recurring meeting's other occurrence is left alone).
   */
  async closeRoom(
    meetingId: string,
    opts: { occurrenceId?: string; reason?: 'closed' | 'cancelled' } = {},
  ): Promise<void> {
    const room = this.rooms.get(meetingId);
    if (room && opts.occurrenceId && room.occurrenceId !== opts.occurrenceId) return;
    this.#keeper.ended(meetingId);
    if (this.#closing) {
      if (!room) return;
    } else if (!room) {
      await this.recording.stopOrphan(meetingId, 'meetingEnded');
      return;
    } else await this.recording.stop(room, 'meetingEnded');
    this.#log.info(
      { meetingId, occurrenceId: room.occurrenceId, reason: opts.reason ?? 'closed' },
      'closing the room',
    );
    for (const e of [...room.endpoints.values()]) {
      this.notify(e.socketId, 'meeting:ended', { reason: opts.reason ?? 'closed' });
      await this.leave(room, e, 'closed');
    }
  }

  /**
   * These units were dropped from the occurrence held in the room: each of
   * their endpoints that the gate no longer admits (a host above the meeting
   * still is) is told and leaves.
   */
  async dropUninvited(meetingId: string, occurrenceId: string, unitIds: string[]): Promise<void> {
    const room = this.rooms.get(meetingId);
    if (!room || room.occurrenceId !== occurrenceId) return;
    const units = new Set(unitIds);
    for (const e of [...room.endpoints.values()]) {
      if (!units.has(e.session.unitId)) continue;
      try {
        await this.deps.gate.authorizeJoin(meetingId, e.session);
        continue;
      } catch (err) {
        if (!(err instanceof AppError) || err.code === 'UNAVAILABLE') throw err;
      }
      this.notify(e.socketId, 'meeting:ended', { reason: 'uninvited' });
      await this.leave(room, e, 'uninvited');
    }
  }

  /** This node stops: its rooms close here, their state stays for whichever node takes them over. */
  async close(): Promise<void> {
    // A node stopping hands its rooms over: their recordings go on (the SFU finalises its files).
    this.#closing = true;
    this.#keeper.close(this.rooms.values());
    for (const id of [...this.rooms.keys()]) await this.closeRoom(id);
  }
}
