import type { types as ms } from 'mediasoup';

/**
 * Plain data that crosses the SfuClient boundary. Everything here is
 * serialisable, so a remote SfuClient (multi-node) can carry it unchanged.
 */

/** What a producer carries; screen share is a producer of its own. */
export type MediaSource = 'mic' | 'camera' | 'screen';

export type TransportDirection = 'send' | 'recv';

export interface WebRtcTransportParams {
  id: string;
  iceParameters: ms.IceParameters;
  iceCandidates: ms.IceCandidate[];
  dtlsParameters: ms.DtlsParameters;
}

/** A PlainTransport of a phone endpoint: where its RTP goes (send) or comes from (recv). */
export interface PlainTransportParams {
  id: string;
  ip: string;
  port: number;
}

/** What the phone role gets back from a join: RTP over UDP, no ICE or DTLS. */
export interface PlainJoin {
  /** Comedia: the first RTP packet sent here fixes where the SFU sends RTCP back. */
  send: PlainTransportParams;
  /** Already connected to `recvTo`: every consumer's RTP goes there. */
  recv: PlainTransportParams;
  producers: ProducerInfo[];
}

export interface ProducerInfo {
  id: string;
  endpointId: string;
  kind: ms.MediaKind;
  source: MediaSource;
  paused: boolean;
}

export interface ConsumerParams {
  id: string;
  producerId: string;
  endpointId: string;
  kind: ms.MediaKind;
  source: MediaSource;
  rtpParameters: ms.RtpParameters;
  /** Consumers always start paused; the client resumes once its track is wired. */
  paused: boolean;
  producerPaused: boolean;
  type: ms.ConsumerType;
}

export interface ConsumerLayers {
  spatialLayer: number;
  temporalLayer?: number;
}

export interface RouterInfo {
  routerId: string;
  workerIndex: number;
  endpoints: number;
  consumers: number;
}
