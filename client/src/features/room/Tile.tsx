import { useSyncExternalStore } from 'react';
import { useTranslation } from 'react-i18next';
import { Icon } from '../../app/Icon';
import type { EndpointView } from '@giaoban/signaling/protocol/meeting';
import { indicatorFromPresence, type LinkIndicator } from '../meeting/link/linkIndicator';
import { TierBadge } from '../units/TierBadge';
import { useUnits } from '../units/unitsStore';
import { useMeeting } from '../meeting/meetingStore';
import { LinkBadge } from './LinkBadge';
import { KeptVideo } from './KeptVideo';
import { isEmergencyCommand, tileName } from './tileName';

export interface TileModel {
  endpoint: EndpointView;
  /** The camera (or screen) track to show; null for an audio-only endpoint. */
  video: MediaStreamTrack | null;
  speaking: boolean;
  isSelf: boolean;
  hasFloor: boolean;
  /** Own tile: the indicator from our link notices; others: from presence. */
  link?: LinkIndicator;
  /** Own tile: the local microphone state (presence of oneself may lag). */
  micOn?: boolean;
}

function initials(name: string): string {
  const words = name
    .replace(/^(Xã|Phường|Thị trấn|Huyện|Thị xã|Thành Phố|Tỉnh)\s+/i, '')
    .split(/\s+/);
  return words
    .slice(0, 2)
    .map((w) => w[0] ?? '')
    .join('')
    .toUpperCase();
}

/**
 * A received track that carries no frames (its consumer paused by link
 * adaptation, the sender's camera paused) is "muted": show the avatar, not a
 * black rectangle.
 */
function useTrackLive(track: MediaStreamTrack | null): boolean {
  return useSyncExternalStore(
    (notify) => {
      if (!track) return () => undefined;
      track.addEventListener('mute', notify);
      track.addEventListener('unmute', notify);
      track.addEventListener('ended', notify);
      return () => {
        track.removeEventListener('mute', notify);
        track.removeEventListener('unmute', notify);
        track.removeEventListener('ended', notify);
      };
    },
    () => !!track && !track.muted && track.readyState === 'live',
  );
}

/**
 * One unit in the room: its video, or for an audio-only endpoint a tile with
 * the unit's initials that lights up while it speaks. Unit name, tier badge,
 * hand, mute and link state are always visible; the pin button only on hover,
 * focus, or while pinned.
 */
export function Tile({ tile, large = false }: { tile: TileModel; large?: boolean }) {
  const { t } = useTranslation();
  const { endpoint: e } = tile;
  const live = useTrackLive(tile.video);
  const cameraPaused =
    !tile.isSelf &&
    e.producers.some((p) => p.kind === 'video' && p.paused) &&
    !e.producers.some((p) => p.kind === 'video' && !p.paused);
  const video = live && !cameraPaused ? tile.video : null;
  const tier = useUnits((s) => s.index?.tiers.find((x) => x.id === e.tier));
  const unitType = useUnits((s) => s.index?.byId.get(e.unitId)?.type);
  const micOn = tile.micOn ?? e.producers.some((p) => p.source === 'mic' && !p.paused);
  const link = tile.link ?? indicatorFromPresence({ state: e.linkState, audioOnly: !video });
  // Last-N: a pinned unit's video comes right after the floor holder's.
  const pinned = useMeeting((s) => s.pinnedUnits.includes(e.unitId));
  const meeting = useMeeting((s) => s.meeting);
  const name = tileName(meeting, e);
  const command = isEmergencyCommand(meeting, e);

  return (
    <figure
      className={`tile ${large ? 'tile-large' : ''} ${tile.speaking ? 'is-speaking' : ''} ${video ? '' : 'is-audio'} ${e.connected ? '' : 'is-reconnecting'}`}
      data-endpoint-id={e.id}
      data-unit-id={e.unitId}
      // Why there is no picture, when there is none (none / paused / muted): for support and tests.
      data-video={video ? 'on' : !tile.video ? 'none' : cameraPaused ? 'paused' : 'muted'}
      aria-label={`${name}${tile.speaking ? `, ${t('room.speaking')}` : ''}`}
    >
      {/* The avatar is always underneath: a video shows over it from its first frame on,
          and a new track keeps the previous picture until it has one (KeptVideo). */}
      <div className="tile-avatar" aria-hidden="true">
        <span>{initials(e.unitName)}</span>
      </div>
      <KeptVideo track={video} />
      <figcaption className="tile-caption">
        <span className="tile-name">
          {e.handRaised && <Icon name="hand" size={16} label={t('host.handRaised')} />}
          {name}
        </span>
        {tile.isSelf && <span className="badge tile-you">{t('room.you')}</span>}
        {command && <span className="badge badge-emergency">{t('room.emergencyCommand')}</span>}
        {e.phone && (
          <span className="badge badge-phone" data-phone="true">
            {t('room.phone')}
          </span>
        )}
        <TierBadge tier={tier} tierId={e.tier} unitType={unitType} />
        {tile.hasFloor && <span className="badge badge-open">{t('host.hasFloor')}</span>}
        {!micOn && (
          <span className="tile-muted">
            <Icon name="micOff" size={16} label={t('room.micOff')} />
          </span>
        )}
        {!e.connected && <span className="badge">{t('host.status.reconnecting')}</span>}
        <LinkBadge indicator={link} />
      </figcaption>
      {/* Over the picture's corner, shown on hover or keyboard focus and while pinned
          (room.css): a button on every tile hid the videos of a full grid. */}
      {!tile.isSelf && (
        <button
          type="button"
          className="btn btn-small tile-pin"
          aria-pressed={pinned}
          onClick={() => void useMeeting.getState().pinUnit(e.unitId, !pinned)}
        >
          {t(pinned ? 'room.unpin' : 'room.pin')}
        </button>
      )}
    </figure>
  );
}
