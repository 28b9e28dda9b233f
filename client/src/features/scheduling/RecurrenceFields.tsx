import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import { DayTimeInput } from './DayTimeInput';
import { weekdays, type RecurrenceForm } from './recurrence';

/** Repeat: never / daily / weekly on chosen days / monthly; ending after N times or on a date. */
export function RecurrenceFields({
  value,
  onChange,
}: {
  value: RecurrenceForm;
  onChange(next: RecurrenceForm): void;
}) {
  const { t } = useTranslation();
  const id = useId();
  const set = (patch: Partial<RecurrenceForm>) => onChange({ ...value, ...patch });
  return (
    <fieldset className="recurrence">
      <legend>{t('schedule.repeat')}</legend>
      <label htmlFor={`${id}-freq`} className="visually-hidden">
        {t('schedule.repeat')}
      </label>
      <select
        id={`${id}-freq`}
        value={value.freq}
        onChange={(e) => set({ freq: e.target.value as RecurrenceForm['freq'] })}
      >
        <option value="none">{t('schedule.freq.none')}</option>
        <option value="DAILY">{t('schedule.freq.DAILY')}</option>
        <option value="WEEKLY">{t('schedule.freq.WEEKLY')}</option>
        <option value="MONTHLY">{t('schedule.freq.MONTHLY')}</option>
      </select>
      {value.freq === 'WEEKLY' && (
        <fieldset className="weekdays">
          <legend>{t('schedule.onDays')}</legend>
          {weekdays.map((d) => (
            <label key={d} className="weekday">
              <input
                type="checkbox"
                checked={value.byDay.includes(d)}
                onChange={(e) =>
                  set({
                    byDay: e.target.checked
                      ? [...value.byDay, d]
                      : value.byDay.filter((x) => x !== d),
                  })
                }
              />
              <span>{t(`schedule.day.${d}`)}</span>
            </label>
          ))}
        </fieldset>
      )}
      {value.freq !== 'none' && (
        <div className="recurrence-end">
          <label className="inline">
            <input
              type="radio"
              name={`${id}-end`}
              checked={value.end === 'count'}
              onChange={() => set({ end: 'count' })}
            />
            {t('schedule.endAfter')}
          </label>
          <label htmlFor={`${id}-count`} className="visually-hidden">
            {t('schedule.times')}
          </label>
          <input
            id={`${id}-count`}
            type="number"
            min={1}
            max={200}
            className="narrow"
            value={value.count}
            disabled={value.end !== 'count'}
            onChange={(e) => set({ count: Number(e.target.value) })}
          />
          <span>{t('schedule.times')}</span>
          <label className="inline">
            <input
              type="radio"
              name={`${id}-end`}
              checked={value.end === 'until'}
              onChange={() => set({ end: 'until' })}
            />
            {t('schedule.endOn')}
          </label>
          <label htmlFor={`${id}-until`} className="visually-hidden">
            {t('schedule.endOn')}
          </label>
          <DayTimeInput
            id={`${id}-until`}
            kind="day"
            className="narrow"
            value={value.until}
            required={value.end === 'until'}
            disabled={value.end !== 'until'}
            onChange={(until) => set({ until })}
          />
        </div>
      )}
    </fieldset>
  );
}
