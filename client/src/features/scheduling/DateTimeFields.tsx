import { useTranslation } from 'react-i18next';
import { DayTimeInput } from './DayTimeInput';

export interface DateTime {
  /** yyyy-mm-dd, Vietnam calendar day; '' while the typed text is not a date. */
  date: string;
  /** HH:mm, Vietnam time, 24 hours; '' while the typed text is not a time. */
  time: string;
}

/** The date (dd/mm/yyyy) and time (24 h) of a meeting or occurrence, both required, Vietnam time. */
export function DateTimeFields({
  id,
  value,
  onChange,
  showZoneHint = false,
}: {
  id: string;
  value: DateTime;
  onChange(next: DateTime): void;
  showZoneHint?: boolean;
}) {
  const { t } = useTranslation();
  return (
    <>
      <div>
        <label htmlFor={`${id}-d`}>{t('schedule.date')}</label>
        <DayTimeInput
          id={`${id}-d`}
          kind="day"
          required
          value={value.date}
          onChange={(date) => onChange({ ...value, date })}
        />
      </div>
      <div>
        <label htmlFor={`${id}-h`}>{t('schedule.time')}</label>
        <DayTimeInput
          id={`${id}-h`}
          kind="time"
          required
          value={value.time}
          onChange={(time) => onChange({ ...value, time })}
        />
        {showZoneHint && <p className="hint">{t('schedule.vnTime')}</p>}
      </div>
    </>
  );
}
