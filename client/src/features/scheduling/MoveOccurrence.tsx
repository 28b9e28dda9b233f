import { useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { Conflict, Occurrence } from '@giaoban/scheduler/api/meetings';
import { errorCodeOf, type ClientErrorCode } from '../../app/api';
import { ErrorText } from '../i18n/ErrorText';
import { ConflictList } from './ConflictList';
import { DateTimeFields } from './DateTimeFields';
import { editOccurrence } from './meetingsApi';
import { vnInstant, vnParts } from './vnTime';
import './scheduling.css';

/** Moves one occurrence of a series (the others keep their time). */
export function MoveOccurrence({
  occurrence: o,
  onDone,
}: {
  occurrence: Occurrence;
  onDone(changed: boolean): void;
}) {
  const { t } = useTranslation();
  const id = useId();
  const [when, setWhen] = useState(() => vnParts(o.startsAt));
  const [minutes, setMinutes] = useState(
    Math.round((Date.parse(o.endsAt) - Date.parse(o.startsAt)) / 60_000),
  );
  const [error, setError] = useState<ClientErrorCode | null>(null);
  const [conflicts, setConflicts] = useState<Conflict[] | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    // The fields already block the form; this guards a submit that skipped validation.
    if (!when.date || !when.time) return setError('BAD_REQUEST');
    setBusy(true);
    setError(null);
    try {
      const res = await editOccurrence(o.id, {
        start: vnInstant(when.date, when.time),
        durationMinutes: minutes,
      });
      if (res.conflicts.length > 0) setConflicts(res.conflicts);
      else onDone(true);
    } catch (err) {
      setError(errorCodeOf(err));
    } finally {
      setBusy(false);
    }
  };

  if (conflicts)
    return (
      <div className="move-occurrence">
        <ConflictList conflicts={conflicts} />
        <button type="button" className="btn btn-small btn-primary" onClick={() => onDone(true)}>
          {t('schedule.done')}
        </button>
      </div>
    );

  return (
    <form
      className="move-occurrence"
      onSubmit={(e) => void submit(e)}
      aria-label={t('schedule.moveTitle', { title: o.title })}
    >
      <DateTimeFields id={id} value={when} onChange={(v) => setWhen({ ...when, ...v })} />
      <div>
        <label htmlFor={`${id}-m`}>{t('schedule.duration')}</label>
        <input
          id={`${id}-m`}
          type="number"
          min={5}
          max={720}
          step={5}
          value={minutes}
          onChange={(e) => setMinutes(Number(e.target.value))}
        />
      </div>
      <div className="form-actions">
        <button type="button" className="btn btn-small" onClick={() => onDone(false)}>
          {t('app.cancel')}
        </button>
        <button type="submit" className="btn btn-small btn-primary" disabled={busy}>
          {t('app.save')}
        </button>
      </div>
      {error && <ErrorText code={error} />}
    </form>
  );
}
