import type { JoinGrant } from '@giaoban/common/ports';
import type { SessionClaims } from '@giaoban/common/session';
import type {
  ChatMessage,
  EndpointView,
  LinkState,
  MeetingView,
  ProducerView,
} from '../protocol/index';

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
  linkState: LinkState;
  /** Audio-only now (link fallback or the user's choice); counted in attendance. */
  audioOnly: boolean;
  /** Set by the first consume; later consumes may omit it. */
  rtpCapabilities: Record<string, unknown> | null;
  readonly producers: Map<string, ProducerView>;
  graceTimer: NodeJS.Timeout | null;
}

/**
 * The state of one meeting as signaling keeps it: who is present, hands,
 * host mutes, the floor, the lock and the chat. Plain data; the handlers
 * change it and broadcast the change.
 */
export class MeetingRoom {
  readonly id: string;
  readonly title: string;
  readonly kind: JoinGrant['kind'];
  readonly audioFirst: boolean;
  readonly videoUnitIds: string[];
  locked = false;
  floorEndpointId: string | null = null;
  readonly endpoints = new Map<string, EndpointState>();
  readonly chat: ChatMessage[] = [];
  readonly #chatHistory: number;

  constructor(grant: JoinGrant, chatHistory: number) {
    this.id = grant.meetingId;
    this.title = grant.title;
    this.kind = grant.kind;
    this.audioFirst = grant.audioFirst;
    this.videoUnitIds = grant.videoUnitIds;
    this.#chatHistory = chatHistory;
  }

  /** The room's socket.io room name. */
  get channel(): string {
    return `meeting:${this.id}`;
  }

  view(): MeetingView {
    return {
      id: this.id,
      title: this.title,
      kind: this.kind,
      locked: this.locked,
      floorEndpointId: this.floorEndpointId,
      audioFirst: this.audioFirst,
      videoUnitIds: this.videoUnitIds,
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
      connected: e.socketId !== null,
      producers: [...e.producers.values()],
    };
  }

  byDevice(unitId: string, deviceId: string): EndpointState | undefined {
    for (const e of this.endpoints.values()) {
      if (e.session.unitId === unitId && e.deviceId === deviceId) return e;
    }
    return undefined;
  }

  /** May this endpoint's microphone be on? Hosts always; others unless a host muted them. */
  maySpeak(e: EndpointState): boolean {
    return e.grant.isHost || !e.hostMuted || this.floorEndpointId === e.id;
  }

  addChat(message: ChatMessage): void {
    this.chat.push(message);
    if (this.chat.length > this.#chatHistory)
      this.chat.splice(0, this.chat.length - this.#chatHistory);
  }
}
