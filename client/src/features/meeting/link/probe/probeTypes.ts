import type { LinkNotice } from '@giaoban/signaling/protocol/link';

/** What the probe client (probeClient.ts) exposes to the Node side of the tests and bench. DOM-free. */
export interface ProbeJoinOptions {
  token: string;
  meetingId: string;
  deviceId: string;
  /** The user wants the camera: the engine publishes it once the link allows video. */
  video: boolean;
  /** What the device measured of its link (the pre-join test): 'good' starts with video. */
  measured?: 'good' | 'weak';
}

export interface ProbeConsumerStats {
  kind: string;
  endpointId: string;
  paused: boolean;
  packetsReceived: number;
  packetsLost: number;
  bytesReceived: number;
  framesDecoded: number;
  totalSamplesReceived: number;
  concealedSamples: number;
  fecPacketsReceived: number;
  nackCount: number;
  /** Seconds in the jitter buffer summed over the samples played, and their count. */
  jitterBufferDelay: number;
  jitterBufferEmittedCount: number;
}

/** Times are ms since the probe started (prepare(), or join() when nothing was prepared). */
export interface ProbeSnapshot {
  /** prepare() done: socket open, Device loaded, capabilities told (null if never prepared). */
  preparedAt: number | null;
  /** join() called: the user's click. */
  clickAt: number | null;
  /** join() resolved and the microphone is published. */
  joinedAt: number | null;
  firstAudioAt: number | null;
  now: number;
  /** `at`: ms since the probe started; `wallAt`: the page's clock (epoch ms), to line up with the bench's. */
  notices: (LinkNotice & { at: number; wallAt: number })[];
  consumers: ProbeConsumerStats[];
  /** Bytes on the wire (payload + RTP headers) per kind. */
  bytesSent: { audio: number; video: number };
  packetsSent: { audio: number; video: number };
  /** Audio packets sent again on a NACK (retransmittedPacketsSent of the microphone). */
  audioRetransmitted: number;
  /** The microphone's fraction lost in the SFU's last receiver report (remote-inbound-rtp), 0..1. */
  micFractionLost: number | null;
  /** The microphone's live Opus cap (RTCRtpSender maxBitrate), kbit/s. */
  audioMaxKbps: number | null;
  /** PLIs + FIRs this browser sent for the videos it receives (the probation receiver's too). */
  keyframeRequestsSent: number;
  cameraProduced: boolean;
  cameraPaused: boolean | null;
  /** Epoch ms (the browser's clock) of each time the camera went from sending to paused (watched every 20 ms). */
  cameraPausedAt: number[];
  endpointId: string | null;
  /** The send and receive transports of the last join, on their way to connected. */
  ice: { send: IceTimeline; recv: IceTimeline } | null;
}

/** A transport's way to connected, ms since the probe started (iceTimeline.ts). */
export interface IceTimeline {
  /** ICE gathering started (setLocalDescription). */
  gatheringAt: number | null;
  /** First local candidate of each type: host, srflx, relay (the TURN allocation done). */
  firstCandidateAt: Record<string, number>;
  /** A candidate pair answered a check. */
  iceConnectedAt: number | null;
  /** DTLS done too (what mediasoup-client calls connected). */
  connectedAt: number | null;
}

export interface ProbeApi {
  /** What the pre-join screen does while the user checks devices. */
  prepare(o: ProbeJoinOptions): Promise<void>;
  /** The click: prepares first if prepare() was not called (a cold join). */
  join(o: ProbeJoinOptions): Promise<void>;
  snapshot(): Promise<ProbeSnapshot>;
  setAudioOnly(audioOnly: boolean): Promise<void>;
  leave(): Promise<void>;
  /** Any signaling request (e.g. a host giving the floor). */
  request(name: string, payload: unknown): Promise<unknown>;
}
