import type { ReconnectReason } from '@giaoban/signaling/protocol/media';
import type {
  ChatMessage,
  EndpointView,
  JoinResponse,
  LinkNotice,
  MeetingView,
  NotificationOf,
  ProducerView,
} from '@giaoban/signaling/protocol/index';
import type { IcePathInfo } from './icePath';

export type MediaSource = 'mic' | 'camera' | 'screen';

export type ConnectionState = 'idle' | 'connecting' | 'connected' | 'reconnecting' | 'ended';

/** A remote track this endpoint receives. */
export interface RemoteTrack {
  consumerId: string;
  producerId: string;
  endpointId: string;
  kind: 'audio' | 'video';
  source: MediaSource;
  track: MediaStreamTrack;
}

/** Everything the media engine tells its owner (the zustand store, or a test). */
export type EngineEvent =
  | { type: 'joined'; join: JoinResponse }
  | { type: 'presenceJoined'; endpoint: EndpointView }
  | { type: 'presenceLeft'; endpointId: string }
  | { type: 'presenceUpdated'; endpoint: EndpointView }
  | { type: 'meetingUpdated'; meeting: MeetingView }
  /** Another endpoint published a source (it replaces an older producer of that source). */
  | { type: 'producerAdded'; producer: ProducerView }
  | { type: 'producerState'; endpointId: string; producerId: string; paused: boolean }
  | { type: 'producerClosed'; endpointId: string; producerId: string }
  | { type: 'track'; track: RemoteTrack }
  | { type: 'trackEnded'; consumerId: string }
  | { type: 'activeSpeaker'; endpointId: string }
  /** Last-N: the video producers the SFU forwards to us now (the others send no frames). */
  | { type: 'videoSelection'; producerIds: string[] }
  | { type: 'chat'; message: ChatMessage }
  | { type: 'local'; mic: boolean; camera: boolean; screen: boolean }
  | { type: 'mutedByHost' }
  /** `reason`: why the server asked us to join again (a rejoin it asked for). */
  | { type: 'connection'; state: ConnectionState; reason?: ReconnectReason }
  | { type: 'ended'; reason: EndedReason }
  | { type: 'error'; code: string }
  /** This endpoint's link state and send plan (link adaptation). */
  | { type: 'link'; notice: LinkNotice }
  /** A transport connected: directly or through TURN, and over what (the room shows it). */
  | { type: 'icePath'; info: IcePathInfo };

/** Why this endpoint is out of the meeting: the server's `meeting:ended` reasons, or it left. */
export type EndedReason = NotificationOf<'meeting:ended'>['reason'] | 'left';
