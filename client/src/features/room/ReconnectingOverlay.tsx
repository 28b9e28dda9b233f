import { useTranslation } from 'react-i18next';

/**
 * Shown over the room while the signaling or media connection is being
 * re-established: never a frozen picture that looks alive.
 */
export function ReconnectingOverlay({ attempt, onLeave }: { attempt?: number; onLeave(): void }) {
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
        <p>{t('room.reconnectingHint')}</p>
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
