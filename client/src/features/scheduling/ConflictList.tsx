import { useTranslation } from 'react-i18next';
import type { Conflict } from '@giaoban/scheduler/api/meetings';
import { useUnits } from '../units/unitsStore';
import { formatDay, formatTime } from '../i18n/dateTime';

/** Units that already have an overlapping meeting: a warning, the meeting is saved. */
export function ConflictList({ conflicts }: { conflicts: Conflict[] }) {
  const { t, i18n } = useTranslation();
  const index = useUnits((s) => s.index);
  if (conflicts.length === 0) return null;
  return (
    <div className="conflicts" role="status">
      <h2>{t('schedule.conflictsTitle', { count: conflicts.length })}</h2>
      <ul>
        {conflicts.map((c) => (
          <li key={`${c.occurrenceId}-${c.otherOccurrenceId}`}>
            <strong>{c.otherTitle}</strong> — {formatDay(c.startsAt, i18n.language)}{' '}
            {formatTime(c.startsAt, i18n.language)}:{' '}
            {c.unitIds
              .slice(0, 8)
              .map((u) => index?.byId.get(u)?.name ?? u)
              .join(', ')}
            {c.unitIds.length > 8 && ` ${t('schedule.andMore', { count: c.unitIds.length - 8 })}`}
          </li>
        ))}
      </ul>
    </div>
  );
}
