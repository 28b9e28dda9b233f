import type { LinkNotice } from '@giaoban/signaling/protocol/link';

/** What the probe client (probeClient.ts) exposes to the Node side of the tests and bench. DOM-free. */
export interface ProbeJoinOptions {
  token: string;
  meetingId: string;
  deviceId: string;
  /** Produce a camera once the link allows video. */
  video: boolean;
}

export interface ProbeConsumerStats {
  kind: string;
  endpointId: string;
  paused: boolean;
  packetsReceived: number;
  packetsLost: number;
  bytesReceived: number;
  framesDecoded: number;
}

/** Times are ms since join() was called. */
export interface ProbeSnapshot {
  joinedAt: number | null;
  /** When the signaling socket was connected (the app's push socket usually already is). */
  connectedAt: number | null;
  firstAudioAt: number | null;
  now: number;
  notices: (LinkNotice & { at: number })[];
  consumers: ProbeConsumerStats[];
  /** Bytes on the wire (payload + RTP headers) per kind. */
  bytesSent: { audio: number; video: number };
  packetsSent: { audio: number; video: number };
  cameraProduced: boolean;
  cameraPaused: boolean | null;
  endpointId: string | null;
}

export interface ProbeApi {
  join(o: ProbeJoinOptions): Promise<void>;
  snapshot(): Promise<ProbeSnapshot>;
  setAudioOnly(audioOnly: boolean): Promise<void>;
  leave(): Promise<void>;
  /** Any signaling request (e.g. a host giving the floor). */
  request(name: string, payload: unknown): Promise<unknown>;
}
