import type { EndpointView } from '@giaoban/signaling/protocol/index';
import type { RemoteTrack } from './engineEvents';
import { MediaTrack } from './MediaTrack';
import { useMeeting } from './meetingStore';
import { useRoomText } from './roomMessages';

/** One endpoint: its video (screen share first), unit name, mic / hand / floor / link state. */
export function EndpointTile(props: {
  endpoint: EndpointView;
  tracks: RemoteTrack[];
  self?: boolean;
  localVideo?: MediaStreamTrack;
}) {
  const { endpoint: e, tracks, self = false } = props;
  const text = useRoomText();
  const isHost = useMeeting((s) => s.isHost);
  const floor = useMeeting((s) => s.meeting?.floorEndpointId === e.id);
  const speaking = useMeeting((s) => s.activeSpeakerId === e.id);
  const { muteEndpoint, giveFloor, removeEndpoint } = useMeeting.getState();
  const video =
    tracks.find((t) => t.kind === 'video' && t.source === 'screen') ??
    tracks.find((t) => t.kind === 'video');
  const mic = e.producers.find((p) => p.source === 'mic');
  const micOn = !!mic && !mic.paused;
  return (
    <figure
      className={`tile${speaking ? ' tile-speaking' : ''}${floor ? ' tile-floor' : ''}`}
      data-endpoint-id={e.id}
      data-unit-id={e.unitId}
    >
      {video ? (
        <MediaTrack track={video.track} />
      ) : props.localVideo ? (
        <MediaTrack track={props.localVideo} />
      ) : null}
      {!self &&
        tracks
          .filter((t) => t.kind === 'audio')
          .map((t) => <MediaTrack key={t.consumerId} track={t.track} />)}
      <figcaption>
        <strong>{e.unitName}</strong> {self && <span>{text('you')}</span>}
        {e.isHost && <span className="badge">{text('host')}</span>}
        {!micOn && <span aria-label={text('muted')}>🔇</span>}
        {e.handRaised && <span aria-label={text('handRaised')}>✋</span>}
        {floor && <span className="badge">{text('floor')}</span>}
        {!e.connected && <span className="muted">({text('disconnected')})</span>}
        <span className={`link-${e.linkState}`} data-link-state={e.linkState} />
      </figcaption>
      {isHost && !self && (
        <div className="tile-actions">
          <button className="btn btn-small" onClick={() => void muteEndpoint(e.id)}>
            {text('mute')}
          </button>
          <button className="btn btn-small" onClick={() => void giveFloor(e.id)}>
            {text('giveFloor')}
          </button>
          <button className="btn btn-small btn-danger" onClick={() => void removeEndpoint(e.id)}>
            {text('remove')}
          </button>
        </div>
      )}
    </figure>
  );
}
