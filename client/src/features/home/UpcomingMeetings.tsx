import { useTranslation } from 'react-i18next';
import type { Occurrence } from '@giaoban/scheduler/api/meetings';
import { navigate } from '../../app/router';
import { ErrorText } from '../i18n/ErrorText';
import { useNotifications } from '../notifications/notificationsStore';
import { formatDay } from '../i18n/dateTime';
import { vnDay } from '../scheduling/vnTime';
import { OccurrenceCard } from './OccurrenceCard';
import { isOpen, useOccurrences } from './useOccurrences';
import { Loading } from '../../app/Loading';

/** The unit's meetings for the next two weeks, today first; "Tham gia" on open rooms. */
export function UpcomingMeetings({ unitId }: { unitId: string }) {
  const { t, i18n } = useTranslation();
  const { list, error, reload, loadedAt } = useOccurrences({ unitId, days: 14 });
  // "Now" is when the list was fetched (every 30 s): rendering stays pure.
  const now = loadedAt;
  const pushed = useNotifications((s) => s.openOccurrences);

  const visible = (list ?? []).filter(
    (o) => o.status !== 'closed' && o.status !== 'cancelled' && Date.parse(o.endsAt) > now - 60_000,
  );
  const today = vnDay(now);
  const todays = visible.filter((o) => vnDay(o.startsAt) <= today);
  const later = visible.filter((o) => vnDay(o.startsAt) > today);
  const byDay = new Map<string, Occurrence[]>();
  for (const o of later) byDay.set(vnDay(o.startsAt), [...(byDay.get(vnDay(o.startsAt)) ?? []), o]);

  const card = (o: Occurrence) => {
    const open = isOpen(o, pushed);
    return (
      <li key={o.id}>
        <OccurrenceCard
          occurrence={o}
          open={open}
          actions={
            open ? (
              <button
                type="button"
                className="btn btn-join"
                onClick={() => navigate({ name: 'prejoin', meetingId: o.meetingId })}
                aria-describedby={`occ-${o.id.replace(/[^A-Za-z0-9_-]/g, '_')}`}
              >
                {t('home.join')}
              </button>
            ) : (
              <span className="muted">{t('home.notOpen')}</span>
            )
          }
        />
      </li>
    );
  };

  return (
    <section className="panel upcoming" aria-labelledby="upcoming-title">
      <div className="panel-head">
        <h2 id="upcoming-title">{t('home.upcoming')}</h2>
        <button type="button" className="btn btn-small" onClick={reload}>
          {t('home.refresh')}
        </button>
      </div>
      {error && <ErrorText code={error} />}
      {list === null && !error && <Loading />}
      {list !== null && visible.length === 0 && <p className="muted">{t('home.none')}</p>}
      {todays.length > 0 && (
        <>
          <h3 className="day-heading">
            {t('home.today')} — {formatDay(new Date(now).toISOString(), i18n.language)}
          </h3>
          <ul className="occurrence-list">{todays.map(card)}</ul>
        </>
      )}
      {[...byDay.entries()].map(([day, items]) => (
        <div key={day}>
          <h3 className="day-heading">{formatDay(items[0]!.startsAt, i18n.language)}</h3>
          <ul className="occurrence-list">{items.map(card)}</ul>
        </div>
      ))}
    </section>
  );
}
