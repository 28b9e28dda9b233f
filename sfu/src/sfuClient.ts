import type { types as ms } from 'mediasoup';
import type { ClientLinkReport } from './link/endpointLink';
import type { EndpointLostReason } from './remote/protocol';
import type {
  AttachOptions as LinkJoinOptions,
  LinkStateEvent,
  VideoSelectionEvent,
} from './link/linkSupervisor';
import type {
  ConsumerLayers,
  ConsumerParams,
  MediaSource,
  PlainJoin,
  ProducerInfo,
  RouterInfo,
  WebRtcTransportParams,
} from './mediaTypes';
import type {
  RecordingEvent,
  RecordingResult,
  RecordingStatus,
  StartRecording,
} from './recording/recordingTypes';

/** What signaling gets back from one join: everything the browser needs to start media. */
export interface MediaJoin {
  routerRtpCapabilities: ms.RtpCapabilities;
  sendTransport: WebRtcTransportParams;
  recvTransport: WebRtcTransportParams;
  /** Producers of the other endpoints already in the meeting. */
  producers: ProducerInfo[];
}

export type SfuEvent =
  | {
      type: 'consumerClosed';
      meetingId: string;
      endpointId: string;
      consumerId: string;
      producerId: string;
    }
  | {
      type: 'consumerLayersChanged';
      meetingId: string;
      endpointId: string;
      consumerId: string;
      layers: ConsumerLayers | null;
    }
  | {
      type: 'consumerScore';
      meetingId: string;
      endpointId: string;
      consumerId: string;
      score: number;
    }
  | { type: 'activeSpeaker'; meetingId: string; endpointId: string }
  /** The endpoint's media is gone (its worker or its SFU node died): its client must join again. */
  | { type: 'endpointLost'; meetingId: string; endpointId: string; reason: EndpointLostReason }
  /** The endpoint's link state or plan changed (link adaptation, sfu/src/link). */
  | LinkStateEvent
  /** The videos forwarded to the endpoint changed (last-N, sfu/src/selection). */
  | VideoSelectionEvent
  /** The meeting's recorder began a segment or stopped by itself (sfu/src/recording). */
  | RecordingEvent;

/**
 * The only way signaling reaches the SFU. Plain data in and out, so the
 * in-process implementation (LocalSfuClient) and the remote one
 * (RemoteSfuClient: an SFU node elsewhere, reached through Redis) are interchangeable. Every method
 * throws AppError (NOT_FOUND for unknown ids, BAD_REQUEST for impossible media).
 */
export interface SfuClient {
  /** Creates the meeting's media on first use, places the endpoint, opens its transports. */
  join(req: {
    meetingId: string;
    endpointId: string;
    unitId: string;
    /** The unit's link profile and the user's audio-only choice: where adaptation starts. */
    link?: LinkJoinOptions;
    /** Org-tree group (the unit's parent): the SFU keeps a group on one router when it can. */
    group?: string;
  }): Promise<MediaJoin>;
  /**
   * A phone endpoint (the phone role, docs/phone.md): the same place in the
   * meeting, but PlainTransports (RTP over UDP) instead of WebRTC; its
   * consumers' RTP goes to `recvTo`. No link adaptation: the call is audio only.
   */
  joinPlain(req: {
    meetingId: string;
    endpointId: string;
    unitId: string;
    group?: string;
    recvTo: { ip: string; port: number };
  }): Promise<PlainJoin>;
  /**
   * The routers' RTP capabilities: the same for every meeting of this deployment
   * (one codec list), so a browser can load its Device before it joins.
   */
  routerRtpCapabilities(): Promise<ms.RtpCapabilities>;
  /** Closes the endpoint's transports, producers and consumers. Unknown ids are ignored. */
  leave(meetingId: string, endpointId: string): Promise<void>;
  connectTransport(
    meetingId: string,
    endpointId: string,
    transportId: string,
    dtlsParameters: ms.DtlsParameters,
  ): Promise<void>;
  restartIce(meetingId: string, endpointId: string, transportId: string): Promise<ms.IceParameters>;
  produce(
    meetingId: string,
    endpointId: string,
    req: {
      kind: ms.MediaKind;
      rtpParameters: ms.RtpParameters;
      source: MediaSource;
      paused?: boolean;
    },
  ): Promise<ProducerInfo>;
  closeProducer(meetingId: string, endpointId: string, producerId: string): Promise<void>;
  /** Pauses any producer of the meeting (its owner's own mute, or a host's). */
  pauseProducer(meetingId: string, producerId: string): Promise<void>;
  resumeProducer(meetingId: string, producerId: string): Promise<void>;
  /** A paused consumer; the client resumes it once its track is attached. */
  consume(
    meetingId: string,
    endpointId: string,
    producerId: string,
    rtpCapabilities: ms.RtpCapabilities,
  ): Promise<ConsumerParams>;
  pauseConsumer(meetingId: string, endpointId: string, consumerId: string): Promise<void>;
  resumeConsumer(meetingId: string, endpointId: string, consumerId: string): Promise<void>;
  setPreferredLayers(
    meetingId: string,
    endpointId: string,
    consumerId: string,
    layers: ConsumerLayers,
  ): Promise<void>;
  producers(meetingId: string): Promise<ProducerInfo[]>;
  routers(meetingId: string): Promise<RouterInfo[]>;
  closeMeeting(meetingId: string): Promise<void>;
  /** Subscribes to media events of every meeting on this SFU; returns the unsubscribe. */
  onEvent(listener: (event: SfuEvent) => void): () => void;
  /** The browser's getStats() summary for the endpoint's link state machines. */
  reportLink(meetingId: string, endpointId: string, report: ClientLinkReport): Promise<void>;
  /** The user forces (or releases) audio-only. */
  setAudioOnly(meetingId: string, endpointId: string, audioOnly: boolean): Promise<void>;
  /** The floor holder (null = none): a critical downlink hears only them. */
  setFloor(meetingId: string, endpointId: string | null): Promise<void>;
  /** Last-N: the receiver pins (or unpins) a unit's video; returns its pinned units. */
  pinVideo(
    meetingId: string,
    endpointId: string,
    unitId: string,
    pinned: boolean,
  ): Promise<string[]>;
  /** Last-N: the host pins (or unpins) a unit's video for everyone; returns the host pins. */
  hostPinVideo(meetingId: string, unitId: string, pinned: boolean): Promise<string[]>;
  /**
   * Records the meeting's microphones on the node that holds it (one Opus file
   * per unit, sfu/src/recording). Idempotent for the same recording id: asked
   * again after a node move, the new node continues in `req.segment`.
   */
  startRecording(meetingId: string, req: StartRecording): Promise<RecordingStatus>;
  /** Stops it, finalises every file and mixes every segment's tracks into one. */
  stopRecording(
    meetingId: string,
    req: { recordingId: string; startedAt: number },
  ): Promise<RecordingResult>;
  /** The endpoint's current link state (sent to its browser right after joining). */
  linkState(meetingId: string, endpointId: string): Promise<LinkStateEvent | undefined>;
  close(): Promise<void>;
}
