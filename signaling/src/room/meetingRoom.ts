import type { JoinGrant } from '@giaoban/common/ports';
import type { SessionClaims } from '@giaoban/common/session';
import type {
  ChatMessage,
  EndpointView,
  LinkState,
  MeetingView,
  ProducerView,
  RecordingView,
} from '../protocol/index';
import { deviceKey, unitOfDeviceKey, type DeviceState, type RoomSnapshot } from './roomState';

/** Signaling's view of one endpoint (the SFU holds its media). */
export interface EndpointState {
  readonly id: string;
  readonly meetingId: string;
  readonly deviceId: string;
  readonly session: SessionClaims;
  readonly grant: JoinGrant;
  readonly unitName: string;
  readonly tier: string;
  socketId: string | null;
  handRaised: boolean;
  hostMuted: boolean;
  /** Joined by telephone (the phone role): shown with a phone mark, audio only. */
  readonly phone?: boolean;
  linkState: LinkState;
  /** Audio-only now (link fallback or the user's choice); counted in attendance. */
  audioOnly: boolean;
  /** Set by the first consume; later consumes may omit it. */
  rtpCapabilities: Record<string, unknown> | null;
  readonly producers: Map<string, ProducerView>;
  graceTimer: NodeJS.Timeout | null;
}

/** Where a room writes its state as it changes (RoomStateStore for one meeting). */
export interface RoomStateSink {
  chat(message: ChatMessage): Promise<void>;
  meta(fields: { locked?: boolean; floor?: string | null }): Promise<void>;
  device(key: string, state: DeviceState | null): Promise<void>;
}

/**
 * The state of one meeting as signaling keeps it: who is present, hands,
 * host mutes, the floor, the lock and the chat. The handlers change it and
 * broadcast the change; everything but presence is also written to its sink
 * (Redis), so another signaling node can take the meeting over
 * (`restore`). Presence is never restored: it is rebuilt by the endpoints that
 * join again.
 */
export class MeetingRoom {
  readonly id: string;
  /** The occurrence held in this room (a recurring meeting's next one gets a new room). */
  readonly occurrenceId: string;
  readonly title: string;
  readonly kind: JoinGrant['kind'];
  readonly audioFirst: boolean;
  readonly videoUnitIds: string[];
  /** Locked by a host: the join refuses every unit but hosts and units coming back (`mayReturn`). */
  locked = false;
  floorEndpointId: string | null = null;
  /** The SFU's latest active speaker (a recording starting notes who is speaking). */
  activeSpeakerId: string | null = null;
  /** The recording in progress (signaling/src/recording), shown to everyone. */
  recording: RecordingView | null = null;
  /** Present endpoints by id; a join adds one with `admit()`. */
  readonly endpoints = new Map<string, EndpointState>();
  readonly chat: ChatMessage[] = [];
  /** Called when a restored floor found its device again: the SFU and the others must learn it. */
  onFloorRestored?: (e: EndpointState) => void;
  readonly #chatHistory: number;
  #sink: RoomStateSink | undefined;
  #onSinkError: (err: unknown) => void = () => undefined;
  /** Each device ever in the meeting and not gone on purpose, as last written to the sink. */
  readonly #devices = new Map<string, DeviceState>();
  /** The floor of a restored room, until its device joins again. */
  #pendingFloor: string | null = null;
  /**
   * A restored lock, while the units that were in the meeting come back: it
   * shows as locked and admission (`admits`) refuses newcomers, but not them.
   */
  #reclaimingLock = false;

  constructor(grant: JoinGrant, chatHistory: number) {
    this.id = grant.meetingId;
    this.occurrenceId = grant.occurrenceId;
    this.title = grant.title;
    this.kind = grant.kind;
    this.audioFirst = grant.audioFirst;
    this.videoUnitIds = grant.videoUnitIds;
    this.#chatHistory = chatHistory;
  }

  /**
   * A joined endpoint enters: the room gives it back what it remembers of its
   * unit's device (hand, host mute, the floor) — after a failover or a rejoin.
   */
  admit(e: EndpointState): void {
    this.endpoints.set(e.id, e);
    this.#admitted(e);
  }

  /** The room's socket.io room name. */
  get channel(): string {
    return `meeting:${this.id}`;
  }

  /** Writes from now on go to the sink; write failures go to `onError` (the room goes on). */
  attach(sink: RoomStateSink, onError: (err: unknown) => void): void {
    this.#sink = sink;
    this.#onSinkError = onError;
  }

  /** No more writes (the node shuts down: its rooms close, the meetings do not end). */
  detach(): void {
    this.#sink = undefined;
  }

  /** Takes over what another node (or an earlier room) left: chat, lock, the floor's device, hands, mutes. */
  restore(s: RoomSnapshot): void {
    const kept = this.#chatHistory === 0 ? [] : s.chat.slice(-this.#chatHistory);
    this.chat.splice(0, this.chat.length, ...kept);
    this.#reclaimingLock = s.locked && !this.locked;
    this.#pendingFloor = s.floor;
    for (const [key, d] of s.devices) this.#devices.set(key, d);
    for (const e of this.endpoints.values()) this.#admitted(e);
  }

  /** The restored lock becomes the room's own (the units that were in had their time to return). */
  endReclaim(): void {
    if (!this.#reclaimingLock) return;
    this.#reclaimingLock = false;
    this.locked = true;
  }

  /**
   * While a restored lock is reclaimed, may this unit join? Hosts and the
   * units that were in (the room's own lock is the join's to check).
   */
  admits(unitId: string, isHost: boolean): boolean {
    if (isHost || !this.#reclaimingLock) return true;
    for (const key of this.#devices.keys()) if (unitOfDeviceKey(key) === unitId) return true;
    return false;
  }

  view(): MeetingView {
    return {
      id: this.id,
      title: this.title,
      kind: this.kind,
      locked: this.locked || this.#reclaimingLock,
      floorEndpointId: this.floorEndpointId,
      audioFirst: this.audioFirst,
      videoUnitIds: this.videoUnitIds,
      recording: this.recording,
    };
  }

  endpointView(e: EndpointState): EndpointView {
    return {
      id: e.id,
      unitId: e.session.unitId,
      unitName: e.unitName,
      tier: e.tier,
      displayName: e.session.displayName,
      isHost: e.grant.isHost,
      handRaised: e.handRaised,
      hostMuted: e.hostMuted,
      linkState: e.linkState,
      audioOnly: e.audioOnly,
      ...(e.phone ? { phone: true } : {}),
      connected: e.socketId !== null,
      producers: [...e.producers.values()],
    };
  }

  /**
   * May this device join the locked room? Yes if it is one of the meeting's
   * devices — in, or lost by the server (its link down past the grace, its
   * worker or SFU node gone) — rather than gone on purpose (`forget`): the
   * lock keeps newcomers out, not the units already in.
   */
  mayReturn(session: SessionClaims, deviceId: string): boolean {
    return this.#devices.has(deviceKey(session.unitId, session.accountId, deviceId));
  }

  /** The endpoint of this account's device, if it is in (a rejoin replaces it). */
  byDevice(session: SessionClaims, deviceId: string): EndpointState | undefined {
    for (const e of this.endpoints.values()) {
      if (e.session.accountId === session.accountId && e.deviceId === deviceId) return e;
    }
    return undefined;
  }

  /** May this endpoint's microphone be on? Hosts always; others unless a host muted them. */
  maySpeak(e: EndpointState): boolean {
    return e.grant.isHost || !e.hostMuted || this.floorEndpointId === e.id;
  }

  /** Written first: a message Redis refused is refused (the sender may send it again). */
  async addChat(message: ChatMessage): Promise<void> {
    await this.#sink?.chat(message);
    this.chat.push(message);
    if (this.chat.length > this.#chatHistory)
      this.chat.splice(0, this.chat.length - this.#chatHistory);
  }

  async setLocked(locked: boolean): Promise<void> {
    await this.#sink?.meta({ locked });
    this.locked = locked;
    this.#reclaimingLock = false;
  }

  /**
   * The floor goes to this endpoint (null: to nobody); it is remembered by the
   * endpoint's device. The room changes first: a holder that left has no floor,
   * written or not.
   */
  async setFloor(e: EndpointState | null): Promise<void> {
    this.floorEndpointId = e?.id ?? null;
    this.#pendingFloor = null;
    await this.#sink?.meta({ floor: e ? keyOf(e) : null });
  }

  /** Writes the endpoint's hand and host mute when they changed. */
  remember(e: EndpointState): void {
    const key = keyOf(e);
    const before = this.#devices.get(key);
    if (before?.handRaised === e.handRaised && before.hostMuted === e.hostMuted) return;
    const state = { handRaised: e.handRaised, hostMuted: e.hostMuted };
    this.#devices.set(key, state);
    this.#write(this.#sink?.device(key, state));
  }

  /** The endpoint left on purpose: its device is no longer one of the meeting's. */
  forget(e: EndpointState): void {
    const key = keyOf(e);
    if ([...this.endpoints.values()].some((o) => o !== e && keyOf(o) === key)) return;
    if (!this.#devices.delete(key)) return;
    this.#write(this.#sink?.device(key, null));
  }

  /** An endpoint came in: it gets back its device's hand, host mute and floor. */
  #admitted(e: EndpointState): void {
    const key = keyOf(e);
    const known = this.#devices.get(key);
    if (known) {
      e.handRaised = e.handRaised || known.handRaised;
      e.hostMuted = e.hostMuted || known.hostMuted;
    }
    const holder = this.floorEndpointId ? this.endpoints.get(this.floorEndpointId) : undefined;
    // The floor follows its device: a restored one, or the holder rejoining from the same device.
    if (this.#pendingFloor === key || (holder && holder !== e && keyOf(holder) === key)) {
      this.#pendingFloor = null;
      this.floorEndpointId = e.id;
      this.onFloorRestored?.(e);
    }
    this.remember(e);
  }

  #write(p: Promise<void> | undefined): void {
    p?.catch((err: unknown) => this.#onSinkError(err));
  }
}

const keyOf = (e: EndpointState) => deviceKey(e.session.unitId, e.session.accountId, e.deviceId);
