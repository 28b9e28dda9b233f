import { useTranslation } from 'react-i18next';
import type { ReconnectReason } from '@giaoban/signaling/protocol/media';

/**
 * Shown over the room while the signaling or media connection is being
 * re-established: never a frozen picture that looks alive. When the server
 * asked for it (`reason`), it says what happened on the server's side.
 */
export function ReconnectingOverlay({
  attempt,
  reason,
  onLeave,
}: {
  attempt?: number;
  reason?: ReconnectReason | null;
  onLeave(): void;
}) {
  const { t } = useTranslation();
  return (
    <div
      className="reconnecting-overlay"
      role="alertdialog"
      aria-labelledby="reconnecting-title"
      aria-live="assertive"
    >
      <div className="reconnecting-card">
        <span className="spinner spinner-large" aria-hidden="true" />
        <h2 id="reconnecting-title">{t('app.reconnecting')}</h2>
        <p>{reason ? t(`room.reconnectReason.${reason}`) : t('room.reconnectingHint')}</p>
        {attempt !== undefined && attempt > 1 && (
          <p className="muted">{t('room.attempt', { count: attempt })}</p>
        )}
        <button type="button" className="btn" onClick={onLeave}>
          {t('room.leave')}
        </button>
      </div>
    </div>
  );
}
