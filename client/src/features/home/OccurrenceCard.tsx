import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { Occurrence } from '@giaoban/scheduler/api/meetings';
import { useUnits } from '../units/unitsStore';
import { formatTime } from '../i18n/dateTime';
import { Link } from '../../app/Link';
import './home.css';

/** One meeting occurrence in a list: when, who hosts, who is invited, its state. */
export function OccurrenceCard({
  occurrence: o,
  open,
  actions,
}: {
  occurrence: Occurrence;
  open: boolean;
  actions?: ReactNode;
}) {
  const { t, i18n } = useTranslation();
  const host = useUnits((s) => s.index?.byId.get(o.hostUnitId));
  const titleId = `occ-${o.id.replace(/[^A-Za-z0-9_-]/g, '_')}`;
  return (
    <article
      className={`occurrence ${open ? 'is-open' : ''} ${o.kind === 'emergency' ? 'is-emergency' : ''} status-${o.status}`}
      aria-labelledby={titleId}
      data-occurrence-id={o.id}
    >
      <div className="occurrence-time">
        <span className="occurrence-start">{formatTime(o.startsAt, i18n.language)}</span>
        <span className="muted">{formatTime(o.endsAt, i18n.language)}</span>
      </div>
      <div className="occurrence-body">
        <h3 id={titleId}>{o.title}</h3>
        <p className="occurrence-meta">
          {o.kind === 'emergency' && (
            <span className="badge badge-emergency">{t('home.emergencyKind')}</span>
          )}
          {o.recurring && <span className="badge">{t('home.recurring')}</span>}
          {o.status === 'cancelled' ? (
            <span className="badge badge-cancelled">{t('schedule.cancelled')}</span>
          ) : open ? (
            <span className="badge badge-open">{t('home.open')}</span>
          ) : o.status === 'closed' ? (
            <span className="badge">{t('schedule.closed')}</span>
          ) : null}
          <span className="muted">
            {t('home.host')}: {host?.name ?? o.hostUnitId} ·{' '}
            {t('home.invited', { count: o.invitedUnitIds.length })}
          </span>
        </p>
      </div>
      <div className="occurrence-actions">
        {actions}
        {o.status !== 'cancelled' && o.status !== 'scheduled' && (
          <Link to={{ name: 'occurrence', occurrenceId: o.id }}>{t('recordings.title')}</Link>
        )}
      </div>
    </article>
  );
}
