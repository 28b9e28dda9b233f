import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { calendarLinkResponseSchema } from '@giaoban/scheduler/api/units';
import { api, errorCodeOf, type ClientErrorCode } from '../../app/api';
import { ErrorText } from '../i18n/ErrorText';

/**
 * The unit's secret iCal link, for the office's calendar app: shown on demand,
 * copyable, and replaceable when it has leaked.
 */
export function CalendarLink({ unitId }: { unitId: string }) {
  const { t } = useTranslation();
  const [url, setUrl] = useState<string | null>(null);
  const [error, setError] = useState<ClientErrorCode | null>(null);
  const [copied, setCopied] = useState(false);
  const id = useId();
  const fetchLink = async (rotate: boolean) => {
    setError(null);
    setCopied(false);
    try {
      const path = `/api/units/${encodeURIComponent(unitId)}/calendar${rotate ? '/rotate' : ''}`;
      const res = await api(path, calendarLinkResponseSchema, { method: rotate ? 'POST' : 'GET' });
      setUrl(res.url);
    } catch (err) {
      setError(errorCodeOf(err));
    }
  };
  const copy = async () => {
    if (!url) return;
    try {
      await navigator.clipboard.writeText(url);
      setCopied(true);
    } catch {
      // No clipboard permission: the field stays selectable by hand.
    }
  };
  return (
    <section className="panel calendar-link" aria-labelledby={`${id}-t`}>
      <h2 id={`${id}-t`}>{t('calendar.title')}</h2>
      <p className="muted">{t('calendar.hint')}</p>
      {url ? (
        <div className="calendar-row">
          <label htmlFor={`${id}-url`} className="visually-hidden">
            {t('calendar.title')}
          </label>
          <input id={`${id}-url`} readOnly value={url} onFocus={(e) => e.target.select()} />
          <button type="button" className="btn btn-small" onClick={() => void copy()}>
            {copied ? t('calendar.copied') : t('calendar.copy')}
          </button>
          <button
            type="button"
            className="btn btn-small"
            onClick={() => window.confirm(t('calendar.confirmRotate')) && void fetchLink(true)}
          >
            {t('calendar.rotate')}
          </button>
        </div>
      ) : (
        <button type="button" className="btn btn-small" onClick={() => void fetchLink(false)}>
          {t('calendar.show')}
        </button>
      )}
      {error && <ErrorText code={error} />}
    </section>
  );
}
