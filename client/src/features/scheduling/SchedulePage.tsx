import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Occurrence } from '@giaoban/scheduler/api/meetings';
import { errorCodeOf, type ClientErrorCode } from '../../app/api';
import { Link } from '../../app/Link';
import { navigate } from '../../app/router';
import { ErrorText } from '../i18n/ErrorText';
import { useNotifications } from '../notifications/notificationsStore';
import { OccurrenceCard } from '../home/OccurrenceCard';
import { isOpen, useOccurrences } from '../home/useOccurrences';
import { cancelOccurrence } from './meetingsApi';
import { MoveOccurrence } from './MoveOccurrence';
import { formatDay } from '../i18n/dateTime';
import { vnDay } from './vnTime';
import { Loading } from '../../app/Loading';

/** The host's four weeks: every occurrence within reach, with edit, cancel and join. */
export default function SchedulePage() {
  const { t, i18n } = useTranslation();
  const { list, error, reload } = useOccurrences({ days: 28, pastHours: 12 });
  const pushed = useNotifications((s) => s.openOccurrences);
  const [actionError, setActionError] = useState<ClientErrorCode | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [moving, setMoving] = useState<string | null>(null);

  const cancelOne = async (o: Occurrence) => {
    if (!window.confirm(t('schedule.confirmCancelOccurrence', { title: o.title }))) return;
    setBusy(o.id);
    setActionError(null);
    try {
      await cancelOccurrence(o.id);
      reload();
    } catch (err) {
      setActionError(errorCodeOf(err));
    } finally {
      setBusy(null);
    }
  };

  const byDay = new Map<string, Occurrence[]>();
  for (const o of list ?? [])
    byDay.set(vnDay(o.startsAt), [...(byDay.get(vnDay(o.startsAt)) ?? []), o]);

  return (
    <section aria-labelledby="schedule-title">
      <div className="page-head">
        <h1 id="schedule-title">{t('schedule.title')}</h1>
        <div className="form-actions">
          <Link to={{ name: 'meetingNow' }} className="btn btn-join">
            {t('schedule.now')}
          </Link>
          <Link to={{ name: 'meetingNew' }} className="btn btn-primary">
            {t('schedule.new')}
          </Link>
        </div>
      </div>
      {error && <ErrorText code={error} />}
      {actionError && <ErrorText code={actionError} />}
      {list === null && !error && <Loading />}
      {list?.length === 0 && <p className="panel muted">{t('schedule.empty')}</p>}
      {[...byDay.entries()].map(([day, items]) => (
        <div key={day} className="panel">
          <h2 className="day-heading">{formatDay(items[0]!.startsAt, i18n.language)}</h2>
          <ul className="occurrence-list">
            {items.map((o) => {
              const open = isOpen(o, pushed);
              const live = o.status !== 'cancelled' && o.status !== 'closed';
              return (
                <li key={o.id}>
                  <OccurrenceCard
                    occurrence={o}
                    open={open}
                    actions={
                      <>
                        {open && (
                          <button
                            type="button"
                            className="btn btn-join btn-small"
                            onClick={() => navigate({ name: 'prejoin', meetingId: o.meetingId })}
                          >
                            {t('home.join')}
                          </button>
                        )}
                        {o.kind === 'regular' && (
                          <Link
                            to={{ name: 'meetingEdit', meetingId: o.meetingId }}
                            className="btn btn-small"
                          >
                            {t('schedule.edit')}
                          </Link>
                        )}
                        {live && o.recurring && (
                          <button
                            type="button"
                            className="btn btn-small"
                            aria-expanded={moving === o.id}
                            onClick={() => setMoving(moving === o.id ? null : o.id)}
                          >
                            {t('schedule.move')}
                          </button>
                        )}
                        {live && (
                          <button
                            type="button"
                            className="btn btn-small"
                            disabled={busy === o.id}
                            onClick={() => void cancelOne(o)}
                          >
                            {t('schedule.cancelOccurrence')}
                          </button>
                        )}
                      </>
                    }
                  />
                  {moving === o.id && (
                    <MoveOccurrence
                      occurrence={o}
                      onDone={(changed) => {
                        setMoving(null);
                        if (changed) reload();
                      }}
                    />
                  )}
                </li>
              );
            })}
          </ul>
        </div>
      ))}
    </section>
  );
}
