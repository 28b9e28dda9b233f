import { useTranslation } from 'react-i18next';
import { useNotifications } from './notificationsStore';

/**
 * Says honestly when the live connection (alerts, rooms opening) is down and
 * being retried, instead of showing a home that silently stopped updating.
 */
export function ConnectionStatus() {
  const { t } = useTranslation();
  const push = useNotifications((s) => s.push);
  if (push !== 'reconnecting') return null;
  return (
    <p className="connection-status" role="status">
      <span className="spinner" aria-hidden="true" /> {t('app.reconnecting')}
    </p>
  );
}
