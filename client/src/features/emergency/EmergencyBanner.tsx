import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Icon } from '../../app/Icon';
import { navigate } from '../../app/router';
import { errorCodeOf, type ClientErrorCode } from '../../app/api';
import { ErrorText } from '../i18n/ErrorText';
import { useJoinChoice } from '../prejoin/joinChoice';
import { useAuth } from '../auth/authStore';
import { warmJoin } from '../meeting/warmJoin';
import { measureAndRemember } from '../prejoin/linkTest';
import { useNotifications, type EmergencyAlert } from '../notifications/notificationsStore';
import { playAlertSound, type AlertSound } from './alertSound';
import { formatTime } from '../i18n/dateTime';
import { acknowledgeEmergency } from './emergencyApi';
import './emergency.css';

/**
 * The emergency alert, over every screen: a siren until someone acknowledges,
 * then one click joins the meeting audio-first (no pre-join check: seconds count):
 * the microphone only, and the commander's video where the link allows.
 */
export function EmergencyBanner() {
  const alerts = useNotifications((s) => s.alerts);
  const alert = alerts[0];
  if (!alert) return null;
  // A repeated alert mounts a fresh banner: the siren sounds again, even if it was silenced.
  return (
    <AlertBanner
      key={`${alert.emergencyId}/${alert.realertedAt ?? ''}`}
      alert={alert}
      more={alerts.length - 1}
    />
  );
}

function AlertBanner({ alert, more }: { alert: EmergencyAlert; more: number }) {
  const { t, i18n } = useTranslation();
  const [acked, setAcked] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ClientErrorCode | null>(null);
  const [muted, setMuted] = useState(false);
  const sound = useRef<AlertSound | null>(null);
  const ackRef = useRef<HTMLButtonElement>(null);
  const joinRef = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    if (acked || muted) return;
    try {
      sound.current = playAlertSound();
    } catch {
      // No WebAudio (very old browser): the banner alone carries the alert.
    }
    return () => sound.current?.stop();
  }, [acked, muted]);

  useEffect(() => {
    (acked ? joinRef : ackRef).current?.focus();
  }, [acked]);

  // Seconds count: the join is prepared, and the link measured, while the siren sounds.
  const token = useAuth((s) => s.token);
  useEffect(() => {
    if (token) warmJoin(alert.meetingId, token);
  }, [alert.meetingId, token]);
  useEffect(() => void measureAndRemember(), []);

  // The receipt goes back at once, so the convener sees "received" before anyone clicks.
  useEffect(() => {
    void acknowledgeEmergency(alert.emergencyId, 'delivered').catch(() => undefined);
  }, [alert.emergencyId]);

  const acknowledge = async () => {
    setBusy(true);
    setError(null);
    try {
      await acknowledgeEmergency(alert.emergencyId, 'acknowledged');
      setAcked(true);
    } catch (err) {
      setError(errorCodeOf(err));
    } finally {
      setBusy(false);
    }
  };

  // Audio first, not audio-only: the unit's camera stays off (cameraOnByDefault) but it
  // receives the commander's video as soon as its link allows (at once if measured good).
  const join = () => {
    useJoinChoice.getState().set({ meetingId: alert.meetingId, mode: 'video' });
    useNotifications.getState().dismissAlert(alert.emergencyId);
    navigate({ name: 'room', meetingId: alert.meetingId });
  };

  return (
    <section
      className="emergency-banner"
      role="alertdialog"
      aria-labelledby="emergency-title"
      aria-describedby="emergency-message"
      data-emergency-id={alert.emergencyId}
    >
      <div className="emergency-icon">
        <Icon name="warning" size={44} />
      </div>
      <div className="emergency-body">
        <h2 id="emergency-title">
          {t('emergency.alertTitle')}: {alert.title}
        </h2>
        <p id="emergency-message">{alert.message}</p>
        <p className="emergency-meta">
          {t('emergency.from', { name: alert.convenerName })} ·{' '}
          {formatTime(alert.startedAt, i18n.language)}
          {more > 0 && ` · ${t('emergency.more', { count: more })}`}
        </p>
        {error && <ErrorText code={error} />}
      </div>
      <div className="emergency-actions">
        {!acked ? (
          <button
            ref={ackRef}
            type="button"
            className="btn btn-emergency"
            onClick={() => void acknowledge()}
            disabled={busy}
          >
            {t('emergency.acknowledge')}
          </button>
        ) : (
          <button ref={joinRef} type="button" className="btn btn-emergency" onClick={join}>
            {t('emergency.joinAudio')}
          </button>
        )}
        {!acked && (
          <button
            type="button"
            className="btn btn-small btn-ghost"
            aria-pressed={muted}
            onClick={() => setMuted((m) => !m)}
          >
            {muted ? t('emergency.unmuteSiren') : t('emergency.muteSiren')}
          </button>
        )}
      </div>
    </section>
  );
}
