import { useTranslation } from 'react-i18next';

export interface DateTime {
  /** yyyy-mm-dd, Vietnam calendar day. */
  date: string;
  /** HH:mm, Vietnam time. */
  time: string;
}

/** The date and time inputs of a meeting or occurrence (both required, Vietnam time). */
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
        <input
          id={`${id}-d`}
          type="date"
          required
          value={value.date}
          onChange={(e) => onChange({ ...value, date: e.target.value })}
        />
      </div>
      <div>
        <label htmlFor={`${id}-h`}>{t('schedule.time')}</label>
        <input
          id={`${id}-h`}
          type="time"
          required
          value={value.time}
          onChange={(e) => onChange({ ...value, time: e.target.value })}
        />
        {showZoneHint && <p className="hint">{t('schedule.vnTime')}</p>}
      </div>
    </>
  );
}
