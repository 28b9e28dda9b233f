import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { navigate } from '../../app/router';
import { useAuth } from '../auth/authStore';
import { HostPanel } from '../hostPanel/HostPanel';
import { DialIn } from './DialIn';
import { ErrorText } from '../i18n/ErrorText';
import { LanguageSwitch } from '../i18n/LanguageSwitch';
import { indicatorFromNotice } from '../meeting/link/linkIndicator';
import { getMeetingEngine, useMeeting } from '../meeting/meetingStore';
import { markJoin } from '../meeting/joinTrace';
import { loadDevicePrefs } from '../prejoin/devicePrefs';
import { useJoinChoice } from '../prejoin/joinChoice';
import { measuredLink, rememberLink, verdictOfNotice } from '../prejoin/linkMemory';
import { AutoAudioOnlyNotice } from './AutoAudioOnlyNotice';
import { ChatPanel } from './ChatPanel';
import { startChosenDevices } from './chosenDevices';
import { ControlBar } from './ControlBar';
import { IcePathBadge } from './IcePathBadge';
import { LinkBadge } from './LinkBadge';
import { ReconnectingOverlay } from './ReconnectingOverlay';
import { RemoteAudio } from './RemoteAudio';
import { layoutRoom } from './roomLayout';
import { Tile } from './Tile';
import { useHostSide } from './useHostSide';
import { useSeenUnits } from './useSeenUnits';
import { useTransient } from './useTransient';
import type { EndedReason } from '../meeting/engineEvents';
import './room.css';

/** What the room says when this endpoint is out of the meeting, by reason. */
const endedText = {
  removed: 'room.removed',
  replaced: 'room.replaced',
  cancelled: 'room.cancelled',
  uninvited: 'room.uninvited',
  sessionEnded: 'room.sessionEnded',
  closed: 'room.ended',
  left: 'room.ended',
} as const satisfies Record<EndedReason, string>;

type Panel = 'none' | 'chat' | 'host';

/**
 * The meeting room (loaded lazily): joins through engineer A's media engine
 * with the pre-join choice, lays out stage and grid, and gives hosts their panel.
 */
export default function RoomScreen({ meetingId }: { meetingId: string }) {
  const { t } = useTranslation();
  const token = useAuth((s) => s.token);
  const m = useMeeting();
  const [panel, setPanel] = useState<Panel>('none');
  const seen = useSeenUnits();
  const host = useHostSide(meetingId, m.isHost);
  const notice = m.link ?? undefined;
  // The button shows the user's own choice only; the link machine's audio-only is said in words.
  const audioOnlyChosen = m.link?.forced ?? false;

  // Join once per meeting with what the pre-join check (or this device's memory) decided.
  useEffect(() => {
    if (!token) return;
    const choice = useJoinChoice.getState().choice;
    const mode =
      choice?.meetingId === meetingId ? choice.mode : (loadDevicePrefs()?.mode ?? 'video');
    // A device picked in the pre-join check is opened here; otherwise the engine opens the defaults.
    const picked = choice?.meetingId === meetingId && (choice.micId || choice.cameraId);
    const camera = mode === 'video';
    // A device whose link was measured good starts with video; audio-only chosen before
    // joining is forced from the first packet (the server holds our video and sends us none).
    const measured =
      (choice?.meetingId === meetingId ? choice.measured : undefined) ?? measuredLink();
    const link = { measured, audioOnly: mode === 'audioOnly' };
    markJoin('room');
    void useMeeting
      .getState()
      .join({ meetingId, token, mic: !picked, camera: camera && !picked, link })
      .then(async (ok) => {
        if (ok && picked)
          await startChosenDevices({ micId: choice.micId, cameraId: choice.cameraId, camera });
      });
    return () => void useMeeting.getState().leave();
  }, [meetingId, token]);

  // How the link went is remembered on this device: its next meeting starts from it.
  useEffect(() => {
    const verdict = m.link && verdictOfNotice(m.link);
    if (verdict) rememberLink(verdict, 'meeting');
  }, [m.link]);

  const selfHasFloor = !!m.self && m.meeting?.floorEndpointId === m.self.id;
  const floorToast = useTransient(selfHasFloor);

  const endpoints = useMemo(() => Object.values(m.endpoints), [m.endpoints]);
  const tracks = useMemo(() => Object.values(m.tracks), [m.tracks]);
  const selfVideo = m.local.camera ? (getMeetingEngine()?.producer('camera')?.track ?? null) : null;
  const layout = layoutRoom({
    self: m.self,
    endpoints,
    tracks,
    floorEndpointId: m.meeting?.floorEndpointId ?? null,
    activeSpeakerId: m.activeSpeakerId,
    selfVideo,
    videoSelection: m.videoSelection,
  });
  const leave = () => {
    void useMeeting.getState().leave();
    navigate({ name: 'home' });
  };

  if (m.connection === 'ended' || (m.connection === 'idle' && m.error))
    return (
      <main id="main" className="room-message panel">
        <h1>
          {t(
            // The join itself was refused (not invited, not open): it never began.
            m.error && !m.endedReason ? 'prejoin.cannotJoin' : endedText[m.endedReason ?? 'closed'],
          )}
        </h1>
        {m.error && <ErrorText code={m.error as 'UNKNOWN'} />}
        <button
          type="button"
          className="btn btn-primary"
          onClick={() => navigate({ name: 'home' })}
        >
          {t('room.back')}
        </button>
      </main>
    );
  if (!m.self || !m.meeting)
    return (
      <main id="main" className="room-message">
        <p role="status">{t('room.joining')}</p>
        {m.error && <ErrorText code={m.error as 'UNKNOWN'} />}
      </main>
    );

  // The stage keeps one Tile whoever is on it: its video swaps without a black frame.
  const tile = (x: (typeof layout.grid)[number], large = false) => (
    <Tile
      key={large ? 'stage' : x.endpoint.id}
      large={large}
      tile={{
        ...x,
        speaking: m.activeSpeakerId === x.endpoint.id,
        hasFloor: m.meeting?.floorEndpointId === x.endpoint.id,
        link: x.isSelf ? indicatorFromNotice(notice) : undefined,
        micOn: x.isSelf ? m.local.mic : undefined,
      }}
    />
  );
  const toggleAudioOnly = () => void m.setAudioOnly(!audioOnlyChosen);

  return (
    <main id="main" className="room" aria-labelledby="room-title">
      <header className="room-head">
        <h1 id="room-title">{m.meeting.title}</h1>
        {m.meeting.kind === 'emergency' && (
          <span className="badge badge-emergency">{t('home.emergencyKind')}</span>
        )}
        {m.meeting.locked && <span className="badge">{t('room.locked')}</span>}
        {m.meeting.recording && (
          <span className="badge rec-indicator" role="status" data-testid="recording-indicator">
            {t('room.recording')}
          </span>
        )}
        <span className="muted">{t('room.participants', { count: endpoints.length + 1 })}</span>
        <DialIn meetingId={m.meeting.id} only={m.self.unitId} />
        <LinkBadge indicator={indicatorFromNotice(notice)} showText />
        <IcePathBadge info={m.icePath} />
        <LanguageSwitch />
      </header>
      {m.mutedByHost && !selfHasFloor && (
        <p className="room-toast" role="status">
          {t('room.mutedByHost')}
        </p>
      )}
      {m.isHost && m.recordingStopReason === 'diskFull' && (
        <p className="room-toast room-alert" role="alert">
          {t('room.recordingDiskFull')}
        </p>
      )}
      {floorToast && selfHasFloor && (
        <p className="room-toast" role="status">
          {t('room.floorGiven')}
        </p>
      )}
      <AutoAudioOnlyNotice notice={m.link} />
      <div className="room-body">
        <div className="room-main">
          {layout.stage && <div className="stage">{tile(layout.stage, true)}</div>}
          <div className={layout.stage ? 'grid' : 'grid grid-only'}>
            {layout.grid.map((x) => tile(x))}
          </div>
          {m.error && <ErrorText code={m.error as 'UNKNOWN'} />}
        </div>
        {panel !== 'none' && (
          <div className="side-panel">
            {panel === 'chat' ? (
              <ChatPanel
                messages={m.chat}
                onSend={(text) => m.sendChat(text)}
                onClose={() => setPanel('none')}
              />
            ) : (
              <HostPanel
                meeting={m.meeting}
                endpoints={endpoints}
                invitedUnitIds={host.invitedUnitIds}
                seenUnitIds={seen}
                selfEndpointId={m.self.id}
                actions={host.actions}
                onClose={() => setPanel('none')}
              />
            )}
          </div>
        )}
      </div>
      <ControlBar
        state={{
          micOn: m.local.mic,
          cameraOn: m.local.camera,
          sharing: m.local.screen,
          handRaised: m.self.handRaised,
          audioOnly: audioOnlyChosen,
          chatOpen: panel === 'chat',
          hostPanelOpen: panel === 'host',
          isHost: m.isHost,
          hostMuted: m.mutedByHost && !selfHasFloor,
          canShare: typeof navigator.mediaDevices?.getDisplayMedia === 'function',
        }}
        on={{
          toggleMic: () => void m.toggleMic(),
          toggleCamera: () => void m.toggleCamera(),
          toggleShare: () => void m.toggleScreen(),
          toggleHand: () => void (m.self?.handRaised ? m.lowerHand() : m.raiseHand()),
          toggleAudioOnly,
          toggleChat: () => setPanel((p) => (p === 'chat' ? 'none' : 'chat')),
          toggleHostPanel: () => setPanel((p) => (p === 'host' ? 'none' : 'host')),
          leave,
        }}
      />
      <RemoteAudio tracks={tracks} />
      {m.connection === 'reconnecting' && (
        <ReconnectingOverlay reason={m.reconnectReason} onLeave={leave} />
      )}
    </main>
  );
}
