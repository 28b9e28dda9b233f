import { severity, type LinkState } from './linkState';

/**
 * What an endpoint sends and receives, decided from its two link states.
 * Pure, shared by the SFU (which applies the receive side to the endpoint's
 * consumers) and the client (which applies the send side to its producers).
 */
export interface ReceivePlan {
  /** 'top' = best simulcast layer the BWE allows, 'low' = lowest layer only. */
  video: 'top' | 'low' | 'none';
  /** Most videos consumed at once (last-N). */
  maxVideos: number;
  /** 'floor' = only the floor holder's audio (critical downlinks). */
  audio: 'all' | 'floor';
}

export interface SendPlan {
  /** Camera producer running (false = paused). */
  video: boolean;
  /** Highest simulcast layer sent: 0 lowest … 2 full. */
  maxVideoLayer: 0 | 1 | 2;
  /** Opus target; ~12 kbit/s + 60 ms packets ≈ 20 kbit/s on the wire. */
  audioMaxKbps: number;
  /** Opus runs at a rate that carries in-band FEC: its stream loses packets at random. */
  audioFec?: boolean;
}

export interface LinkPlan {
  receive: ReceivePlan;
  send: SendPlan;
  /** Shown to the user and the host, counted in attendance. */
  audioOnly: boolean;
}

export interface LinkPlanInput {
  down: LinkState;
  up: LinkState;
  /** The user chose audio-only. */
  forcedAudioOnly: boolean;
  /**
   * The worst downlink among the meeting's receivers: the SFU forwards one
   * Opus stream to everyone, so a speaker must not send more than the weakest
   * listener can take (three speakers at 12 kbit/s fit ~66 kbit/s on the wire).
   */
  weakestDown?: LinkState;
  /**
   * The speaker's stream loses packets at random on an uncongested path
   * (LossRepair) and FEC repair is enabled (AUDIO_REPAIR): Opus rises to
   * `fecAudioKbps` unless its uplink or the weakest downlink is critical.
   */
  lossy?: boolean;
  /** A listener's downlink is congested: no speaker raises its rate for FEC. */
  listenersCongested?: boolean;
}

/**
 * The Opus rate at which libopus really encodes in-band FEC (LBRR) at the losses
 * repaired here. It encodes FEC only when its loss-discounted rate
 * (compute_equiv_rate: rate × (1 − loss/(6·loss + 10)) in SILK) exceeds a
 * threshold that grows with the audio band and shrinks with the expected loss
 * (decide_fec: wideband 17 kbit/s × (1.25 − loss)). At 12 kbit/s it never does
 * (`fecPacketsReceived` 0 on every lossy link, issue 13); at 24 kbit/s and 5 %
 * loss it is 21.0 against 20.4, on and off with every receiver report; at 28 it
 * is 24.5 against 20.4 (5 %) and 24.0 against 19.6 (10 %). The microphone is
 * wideband (senderOptions: maxplaybackrate 16 kHz). With 60 ms packets 28 kbit/s
 * costs ~36 kbit/s on the wire, within a 2G uplink (50) without the camera.
 */
export const fecAudioKbps = 28;

/**
 * Audio bitrate by uplink state: voice must fit 2G's 50 kbit/s with room to
 * spare. A critical uplink (GPRS: 20 kbit/s, flooded by 12 kbit/s Opus plus
 * headers and FEC) speaks at 10 kbit/s so RTCP and the link reports still get through.
 */
export const audioKbpsByState: Record<LinkState, number> = {
  good: 32,
  constrained: 24,
  poor: 12,
  critical: 10,
};

/**
 * What a listener's downlink state allows every speaker to send: a critical
 * downlink receives the floor holder's audio alone, so 12 kbit/s fits it and
 * the meeting need not drop to 10.
 */
export const listenerAudioKbps: Record<LinkState, number> = {
  good: 32,
  constrained: 24,
  poor: 12,
  critical: 12,
};

export function linkPlan(input: LinkPlanInput): LinkPlan {
  const { down, up, forcedAudioOnly, weakestDown, lossy, listenersCongested } = input;
  const d = severity(down);
  const u = severity(up);
  const audioOnly = forcedAudioOnly || d >= 2 || u >= 2;
  const receive: ReceivePlan = {
    video: audioOnly ? 'none' : d === 1 ? 'low' : 'top',
    maxVideos: audioOnly ? 0 : d === 1 ? 2 : 6,
    audio: d >= 3 ? 'floor' : 'all',
  };
  const lean = Math.min(audioKbpsByState[up], listenerAudioKbps[weakestDown ?? 'good']);
  const fec =
    !!lossy && !listenersCongested && up !== 'critical' && (weakestDown ?? 'good') !== 'critical';
  const send: SendPlan = {
    video: !audioOnly,
    maxVideoLayer: u === 0 ? 2 : 0,
    audioMaxKbps: fec ? Math.max(lean, fecAudioKbps) : lean,
    audioFec: fec,
  };
  return { receive, send, audioOnly };
}
