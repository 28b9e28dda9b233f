import { useTranslation } from 'react-i18next';
import { Icon, type IconName } from '../../app/Icon';

export interface ControlState {
  micOn: boolean;
  cameraOn: boolean;
  sharing: boolean;
  handRaised: boolean;
  audioOnly: boolean;
  chatOpen: boolean;
  hostPanelOpen: boolean;
  isHost: boolean;
  /** Muted by a host: the microphone may come back only with the floor. */
  hostMuted: boolean;
  /** Screen capture exists in this browser. */
  canShare: boolean;
}

export interface ControlHandlers {
  toggleMic(): void;
  toggleCamera(): void;
  toggleShare(): void;
  toggleHand(): void;
  toggleAudioOnly(): void;
  toggleChat(): void;
  toggleHostPanel(): void;
  leave(): void;
}

/** The room's controls: every one a labelled toggle button, reachable by keyboard. */
export function ControlBar({ state: s, on }: { state: ControlState; on: ControlHandlers }) {
  const { t } = useTranslation();
  const toggle = (
    pressed: boolean,
    label: string,
    icon: IconName,
    onClick: () => void,
    disabled = false,
  ) => (
    <button
      type="button"
      className={`ctl ${pressed ? 'is-on' : ''}`}
      aria-pressed={pressed}
      onClick={onClick}
      disabled={disabled}
      title={label}
    >
      <Icon name={icon} size={22} />
      <span className="ctl-label">{label}</span>
    </button>
  );
  return (
    <div className="control-bar" role="toolbar" aria-label={t('room.controls')}>
      {toggle(
        s.micOn,
        t('room.mic'),
        s.micOn ? 'mic' : 'micOff',
        on.toggleMic,
        s.hostMuted && !s.micOn,
      )}
      {toggle(s.cameraOn, t('room.camera'), 'camera', on.toggleCamera, s.audioOnly)}
      {s.canShare && toggle(s.sharing, t('room.share'), 'screen', on.toggleShare, s.audioOnly)}
      {toggle(s.handRaised, t('room.hand'), 'hand', on.toggleHand)}
      {toggle(s.audioOnly, t('room.audioOnly'), 'headset', on.toggleAudioOnly)}
      {toggle(s.chatOpen, t('room.chat'), 'chat', on.toggleChat)}
      {s.isHost && toggle(s.hostPanelOpen, t('host.title'), 'list', on.toggleHostPanel)}
      <button type="button" className="ctl ctl-leave" onClick={on.leave}>
        <Icon name="leave" size={22} />
        <span className="ctl-label">{t('room.leave')}</span>
      </button>
    </div>
  );
}
