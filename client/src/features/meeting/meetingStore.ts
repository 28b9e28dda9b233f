import { create } from 'zustand';
import type { ReconnectReason } from '@giaoban/signaling/protocol/media';
import type {
  ChatMessage,
  EndpointView,
  LinkNotice,
  MeetingView,
} from '@giaoban/signaling/protocol/index';
import type { StopReason } from '@giaoban/scheduler/api/recordings';
import type { JoinLink } from '@giaoban/signaling/protocol/meeting';
import type { ConnectionState, EndedReason, MediaSource, RemoteTrack } from './engineEvents';
import { MeetingEngine } from './mediaEngine';
import { markJoin } from './joinTrace';
import { SignalingError } from './signalingClient';
import { cameraOnByDefault } from './link/audioFirst';
import { reduce } from './meetingReducer';
import type { IcePathInfo } from './icePath';

export interface JoinOptions {
  meetingId: string;
  token: string;
  /** Publish the microphone / camera right after joining (pre-join choices). */
  mic?: boolean;
  camera?: boolean;
  /** Where link adaptation starts: a device measured good starts with video. */
  link?: JoinLink;
  /** Signaling URL; defaults to this page's origin. */
  url?: string;
}

export interface MeetingState {
  connection: ConnectionState;
  /** While reconnecting because the server asked: why (shown to the user). */
  reconnectReason: ReconnectReason | null;
  /** Last error code (translate with the error texts), cleared by the next successful action. */
  error: string | null;
  endedReason: EndedReason | null;
  meeting: MeetingView | null;
  self: EndpointView | null;
  isHost: boolean;
  /** Everyone else present, by endpoint id. */
  endpoints: Record<string, EndpointView>;
  /** Remote tracks received, by consumer id. */
  tracks: Record<string, RemoteTrack>;
  chat: ChatMessage[];
  activeSpeakerId: string | null;
  local: { mic: boolean; camera: boolean; screen: boolean };
  /** A host muted this endpoint: the mic may be turned on again only with the floor. */
  mutedByHost: boolean;
  /** This endpoint's link state from the server (null until the first notice). */
  link: LinkNotice | null;
  /** Last-N: video producer ids the SFU forwards to us (null until the first notice = all). */
  videoSelection: string[] | null;
  /** Units we pinned (their videos come right after the floor holder's). */
  pinnedUnits: string[];
  /** How the media flows: directly or through TURN, and over what (null until connected). */
  icePath: IcePathInfo | null;
  /** Why the meeting's recording last stopped (a disk nearly full is shown to hosts). */
  recordingStopReason: StopReason | null;

  /**
   * Warms a join up before the click (pre-join screen, emergency alert): socket,
   * Device and capabilities are ready, so join() costs one round trip plus ICE/DTLS.
   */
  prepare(o: Omit<JoinOptions, 'mic' | 'camera' | 'link'>): void;
  /** Drops a warmed-up join that will not be used (back to home, another meeting). */
  discardPrepared(): void;
  join(o: JoinOptions): Promise<boolean>;
  leave(): Promise<void>;
  toggleMic(): Promise<boolean>;
  toggleCamera(): Promise<boolean>;
  toggleScreen(): Promise<boolean>;
  raiseHand(): Promise<boolean>;
  lowerHand(): Promise<boolean>;
  sendChat(text: string): Promise<boolean>;
  /** Simulcast layer to receive for one remote video (0 = lowest, 2 = highest). */
  setPreferredLayers(
    consumerId: string,
    spatialLayer: number,
    temporalLayer?: number,
  ): Promise<boolean>;
  // Host-only (the server refuses others with FORBIDDEN).
  muteEndpoint(endpointId: string): Promise<boolean>;
  muteAll(): Promise<boolean>;
  giveFloor(endpointId: string): Promise<boolean>;
  takeFloor(): Promise<boolean>;
  lowerAllHands(): Promise<boolean>;
  removeEndpoint(endpointId: string): Promise<boolean>;
  lockMeeting(locked: boolean): Promise<boolean>;
  startRecording(): Promise<boolean>;
  stopRecording(): Promise<boolean>;
  /** The user forces (true) or releases (false) audio-only. */
  setAudioOnly(audioOnly: boolean): Promise<boolean>;
  /** Pin (or unpin) a unit's video for us; `forAll` (hosts only) pins it for everyone. */
  pinUnit(unitId: string, pinned: boolean, forAll?: boolean): Promise<boolean>;
}

let engine: MeetingEngine | null = null;
/** The running engine (link adaptation attaches to its transports and producers). */
export const getMeetingEngine = (): MeetingEngine | null => engine;

const initial = {
  connection: 'idle' as ConnectionState,
  reconnectReason: null,
  error: null,
  endedReason: null,
  meeting: null,
  self: null,
  isHost: false,
  endpoints: {},
  tracks: {},
  chat: [],
  activeSpeakerId: null,
  local: { mic: false, camera: false, screen: false },
  mutedByHost: false,
  link: null,
  videoSelection: null,
  pinnedUnits: [],
  icePath: null,
  recordingStopReason: null,
};

/** A warmed-up engine waiting for its join; dropped after 10 minutes unused. */
let prepared: {
  meetingId: string;
  engine: MeetingEngine;
  timer: ReturnType<typeof setTimeout>;
} | null = null;
const PREPARED_TTL_MS = 10 * 60_000;

function discardPrepared(): void {
  if (!prepared) return;
  markJoin('store: prepared discarded');
  clearTimeout(prepared.timer);
  prepared.engine.ended('left');
  prepared = null;
}

function takePrepared(meetingId: string): MeetingEngine | null {
  if (prepared?.meetingId !== meetingId) return null;
  clearTimeout(prepared.timer);
  const e = prepared.engine;
  prepared = null;
  return e;
}

const deviceKey = 'giaoban.deviceId';
function deviceId(): string {
  try {
    let id = localStorage.getItem(deviceKey);
    if (!id) localStorage.setItem(deviceKey, (id = crypto.randomUUID()));
    return id;
  } catch {
    return crypto.randomUUID();
  }
}

export const useMeeting = create<MeetingState>((set, get) => {
  /** Runs an engine action; failures become `error` (a code), never an exception in the UI. */
  const act = async (fn: (e: MeetingEngine) => Promise<unknown>): Promise<boolean> => {
    if (!engine) return false;
    try {
      await fn(engine);
      set({ error: null });
      return true;
    } catch (err) {
      set({ error: err instanceof SignalingError ? err.code : 'INTERNAL' });
      return false;
    }
  };
  const req = (fn: (e: MeetingEngine) => Promise<unknown>) => act(fn);
  // Events of an engine that was since replaced, left, or not yet joined are ignored.
  const newEngine = (o: Omit<JoinOptions, 'mic' | 'camera' | 'link'>): MeetingEngine => {
    const e: MeetingEngine = new MeetingEngine({
      token: o.token,
      meetingId: o.meetingId,
      deviceId: deviceId(),
      url: o.url,
      onEvent: (ev) => {
        if (engine === e)
          reduce(ev, set, get, () => {
            engine = null;
          });
      },
    });
    return e;
  };
  const toggle = (source: MediaSource) =>
    act(async (e) => {
      const on = get().local[source];
      if (source === 'screen') return on ? e.stop('screen') : e.start('screen');
      return e.setEnabled(source, !on);
    });

  return {
    ...initial,

    prepare(o) {
      markJoin('store prepare');
      if (prepared?.meetingId === o.meetingId) return;
      discardPrepared();
      const e = newEngine(o);
      prepared = {
        meetingId: o.meetingId,
        engine: e,
        timer: setTimeout(discardPrepared, PREPARED_TTL_MS),
      };
      // A refusal here (not invited, not open yet) is shown by join(), which prepares again.
      e.prepare().catch(() => undefined);
    },

    discardPrepared,

    async join(o) {
      if (engine) await get().leave();
      set({ ...initial, connection: 'connecting' });
      const warm = takePrepared(o.meetingId);
      markJoin(warm ? 'store: prepared engine taken' : 'store: nothing prepared');
      const e = warm ?? newEngine(o);
      engine = e;
      (globalThis as { giaobanMeeting?: MeetingEngine }).giaobanMeeting = e; // diagnostics, e2e
      try {
        await e.join(o.link);
      } catch (err) {
        if (engine === e) engine = null;
        e.ended('left');
        set({ connection: 'ended', error: err instanceof SignalingError ? err.code : 'INTERNAL' });
        return false;
      }
      // Media failures (no camera, denied permission) do not undo the join.
      if (o.mic) await act((x) => x.start('mic'));
      // Emergency meetings are audio-first: only the commander's camera starts by itself.
      if (cameraOnByDefault(get().meeting, get().self?.unitId, !!o.camera))
        await act((x) => x.start('camera'));
      return true;
    },

    async leave() {
      const e = engine;
      engine = null;
      await e?.leave();
      if (e) set({ connection: 'ended', endedReason: 'left' });
    },

    setAudioOnly: (audioOnly) => req((e) => e.setAudioOnly(audioOnly)),
    pinUnit: (unitId, pinned, forAll = false) =>
      req(async (e) => {
        const pins = await e.pin(unitId, pinned, forAll);
        if (!forAll) set({ pinnedUnits: pins });
      }),
    toggleMic: () => toggle('mic'),
    toggleCamera: () => toggle('camera'),
    toggleScreen: () => toggle('screen'),
    raiseHand: () => req((e) => e.signaling.request('hand:raise', {})),
    lowerHand: () => req((e) => e.signaling.request('hand:lower', {})),
    sendChat: (text) =>
      req(async (e) => {
        const { message } = await e.signaling.request('chat:send', { text });
        set((s) => ({ chat: [...s.chat, message] }));
      }),
    setPreferredLayers: (consumerId, spatialLayer, temporalLayer) =>
      req((e) => e.setPreferredLayers(consumerId, spatialLayer, temporalLayer)),
    muteEndpoint: (endpointId) =>
      req((e) => e.signaling.request('moderation:mute', { endpointId })),
    muteAll: () => req((e) => e.signaling.request('moderation:muteAll', {})),
    giveFloor: (endpointId) =>
      req((e) => e.signaling.request('moderation:giveFloor', { endpointId })),
    takeFloor: () => req((e) => e.signaling.request('moderation:takeFloor', {})),
    lowerAllHands: () => req((e) => e.signaling.request('moderation:lowerAllHands', {})),
    removeEndpoint: (endpointId) =>
      req((e) => e.signaling.request('moderation:remove', { endpointId })),
    lockMeeting: (locked) => req((e) => e.signaling.request('moderation:lock', { locked })),
    startRecording: () => req((e) => e.signaling.request('recording:start', {})),
    stopRecording: () => req((e) => e.signaling.request('recording:stop', {})),
  };
});
