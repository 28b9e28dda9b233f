import { AppError } from '@giaoban/common/errors';
import type { Logger } from '@giaoban/common/logger';
import type { MeetingGate } from '@giaoban/common/ports';
import type { EndpointState, MeetingRoom } from './meetingRoom';
import {
  emptySnapshot,
  unitOfDeviceKey,
  type RoomSnapshot,
  type RoomStateStore,
} from './roomState';

export interface RoomKeeperOptions {
  store: RoomStateStore;
  log: Logger;
  /** How long the units that were in a restored locked meeting may still come back. */
  reclaimMs: number;
  /** How often the rooms held here push their state's expiry back. */
  touchMs: number;
  /** The room of a meeting held here. */
  held(meetingId: string): MeetingRoom | undefined;
  heldIds(): string[];
  /** A restored floor found its device again (tell the SFU and the room). */
  onFloorRestored(room: MeetingRoom, e: EndpointState): void;
}

/** A snapshot is used by the join that loaded it, a few seconds later at most. */
const PENDING_MS = 15_000;

/**
 * Keeps the rooms of this signaling node in step with their state in Redis:
 * a join of a meeting this node does not hold loads the meeting's state
 * first (in the gate, before the join builds the room), the new room takes
 * it over (`adopt`) and writes every change back; the state is dropped when
 * the meeting ends or everyone left it on purpose, and kept when the node
 * itself shuts down or dies (another node takes the meeting over).
 */
export class RoomKeeper {
  readonly #o: RoomKeeperOptions;
  readonly #pending = new Map<
    string,
    { snapshot: RoomSnapshot; occurrenceId: string; at: number }
  >();
  readonly #reclaims = new Set<NodeJS.Timeout>();
  readonly #touch: NodeJS.Timeout;
  #closing = false;

  constructor(o: RoomKeeperOptions) {
    this.#o = o;
    this.#touch = setInterval(() => {
      // Snapshots loaded by a prepare or a join that never built its room.
      for (const [id, p] of this.#pending)
        if (Date.now() - p.at > PENDING_MS) this.#pending.delete(id);
      this.#o.store.touch(this.#o.heldIds()).catch((err: unknown) => {
        this.#o.log.warn({ err }, 'room state: expiry refresh failed');
      });
    }, o.touchMs);
    this.#touch.unref();
  }

  /**
   * The scheduler's gate, plus the room state: a meeting not held here has its
   * state loaded before the join goes on; a restored lock refuses units that
   * were not in the meeting (the room's own lock is checked by the join).
   */
  gate(inner: MeetingGate): MeetingGate {
    return {
      authorizeJoin: async (meetingId, session) => {
        const grant = await inner.authorizeJoin(meetingId, session);
        const room = this.#o.held(meetingId);
        if (room) {
          if (!room.admits(session.unitId, grant.isHost)) throw new AppError('MEETING_LOCKED');
          return grant;
        }
        const snapshot = await this.#load(meetingId, grant.occurrenceId);
        const wasIn = [...snapshot.devices.keys()].some(
          (k) => unitOfDeviceKey(k) === session.unitId,
        );
        if (snapshot.locked && !grant.isHost && !wasIn) throw new AppError('MEETING_LOCKED');
        // Another join of this meeting built its room meanwhile: that room has the state.
        if (!this.#o.held(meetingId))
          this.#pending.set(meetingId, {
            snapshot,
            occurrenceId: grant.occurrenceId,
            at: Date.now(),
          });
        return grant;
      },
    };
  }

  /** A room was built here: it takes over the state its join loaded and writes to Redis. */
  adopt(room: MeetingRoom): void {
    const { store, log } = this.#o;
    const pending = this.#pending.get(room.id);
    this.#pending.delete(room.id);
    room.onFloorRestored = (e) => this.#o.onFloorRestored(room, e);
    room.attach(
      {
        chat: (m) => store.appendChat(room.id, m),
        meta: (fields) => store.setMeta(room.id, fields),
        device: (key, state) => store.setDevice(room.id, key, state),
      },
      (err) => log.warn({ err, meetingId: room.id }, 'room state: write failed'),
    );
    if (!pending || Date.now() - pending.at > PENDING_MS) {
      log.warn({ meetingId: room.id }, 'room state: no fresh state loaded for a new room');
      return;
    }
    room.restore(pending.snapshot);
    const { snapshot } = pending;
    if (snapshot.chat.length || snapshot.devices.size || snapshot.locked || snapshot.floor)
      log.info(
        {
          meetingId: room.id,
          chat: snapshot.chat.length,
          devices: snapshot.devices.size,
          locked: snapshot.locked,
          floor: snapshot.floor !== null,
        },
        'room state taken over',
      );
    store.setMeta(room.id, { occurrenceId: pending.occurrenceId }).catch((err: unknown) => {
      log.warn({ err, meetingId: room.id }, 'room state: write failed');
    });
    if (room.view().locked && !room.locked) {
      const t = setTimeout(() => {
        this.#reclaims.delete(t);
        room.endReclaim();
      }, this.#o.reclaimMs);
      t.unref();
      this.#reclaims.add(t);
    }
  }

  /** An endpoint left: on purpose, its device is forgotten; the last one out on purpose drops the state. */
  left(room: MeetingRoom, e: EndpointState, reason: string, emptied: boolean): void {
    if (this.#closing) return;
    const gone = reason === 'left' || reason === 'removed' || reason === 'uninvited';
    const onPurpose = gone || reason === 'closed';
    if (gone) room.forget(e);
    if (emptied && onPurpose) this.ended(room.id);
  }

  /** The meeting is over: its state goes (from any node; dropping twice is harmless). */
  ended(meetingId: string): void {
    if (this.#closing) return;
    this.#o.store.drop(meetingId).catch((err: unknown) => {
      this.#o.log.warn({ err, meetingId }, 'room state: drop failed');
    });
  }

  /** This node stops: its rooms close, but their meetings (and state) go on elsewhere. */
  close(rooms: Iterable<MeetingRoom>): void {
    this.#closing = true;
    clearInterval(this.#touch);
    for (const t of this.#reclaims) clearTimeout(t);
    this.#reclaims.clear();
    for (const room of rooms) room.detach();
  }

  async #load(meetingId: string, occurrenceId: string): Promise<RoomSnapshot> {
    try {
      const snapshot = await this.#o.store.load(meetingId);
      if (snapshot.occurrenceId === null || snapshot.occurrenceId === occurrenceId) return snapshot;
      // Left from an earlier occurrence of a recurring meeting.
      await this.#o.store.drop(meetingId);
      return emptySnapshot();
    } catch (err) {
      // Without Redis the meeting still runs; it starts with an empty room.
      this.#o.log.warn({ err, meetingId }, 'room state: load failed');
      return emptySnapshot();
    }
  }
}
