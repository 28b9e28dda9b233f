import { useEffect, useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ESCALATE_MIN_MIN, type UnitPhones } from '@giaoban/scheduler/api/phone';
import { errorCodeOf, type ClientErrorCode } from '../../app/api';
import { Loading } from '../../app/Loading';
import { ErrorText } from '../i18n/ErrorText';
import { getUnitPhones, saveUnitPhones } from './adminApi';

/**
 * Admin: a unit's phone numbers (alert SMS, dial-out; at most 5) and how many minutes an
 * emergency alert may stay unacknowledged before they are texted (empty: the default).
 * The server checks and normalises the numbers (PHONE_NUMBER_INVALID).
 */
export function UnitPhonesForm({
  unitId,
  unitName,
  onClose,
}: {
  unitId: string;
  unitName: string;
  onClose(): void;
}) {
  const { t } = useTranslation();
  const id = useId();
  const [loaded, setLoaded] = useState<UnitPhones | null>(null);
  const [numbers, setNumbers] = useState<string[]>([]);
  const [draft, setDraft] = useState('');
  const [delay, setDelay] = useState('');
  const [error, setError] = useState<ClientErrorCode | null>(null);
  const [busy, setBusy] = useState(false);
  const [saved, setSaved] = useState(false);

  const show = (p: UnitPhones) => {
    setLoaded(p);
    setNumbers(p.numbers);
    setDelay(p.escalateAfterMin === null ? '' : String(p.escalateAfterMin));
  };
  useEffect(() => {
    getUnitPhones(unitId).then(show, (err: unknown) => setError(errorCodeOf(err)));
  }, [unitId]);

  const add = () => {
    const n = draft.trim();
    if (!n) return;
    setNumbers((l) => [...l, n]);
    setDraft('');
    setSaved(false);
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    setSaved(false);
    try {
      const list = draft.trim() ? [...numbers, draft.trim()] : numbers;
      show(
        await saveUnitPhones(unitId, {
          numbers: list,
          escalateAfterMin: delay.trim() === '' ? null : Number(delay),
        }),
      );
      setDraft('');
      setSaved(true);
    } catch (err) {
      setError(errorCodeOf(err));
    } finally {
      setBusy(false);
    }
  };

  const title = t('admin.phones.title', { unit: unitName });
  if (!loaded && !error) return <Loading />;
  return (
    <form className="unit-phones" aria-label={title} onSubmit={(e) => void submit(e)}>
      <h3>{title}</h3>
      {loaded && !loaded.smsEnabled && <p className="hint">{t('admin.phones.smsOff')}</p>}
      {numbers.length === 0 ? (
        <p className="muted">{t('admin.phones.none')}</p>
      ) : (
        <ul className="phone-list">
          {numbers.map((n, i) => (
            <li key={`${n}-${i}`}>
              <span className="phone-number">{n}</span>{' '}
              <button
                type="button"
                className="btn btn-small"
                aria-label={t('admin.phones.removeNumber', { number: n })}
                onClick={() => {
                  setNumbers((l) => l.filter((_, j) => j !== i));
                  setSaved(false);
                }}
              >
                {t('admin.phones.remove')}
              </button>
            </li>
          ))}
        </ul>
      )}
      <label htmlFor={`${id}-n`}>{t('admin.phones.newNumber')}</label>
      <div className="phone-add">
        <input
          id={`${id}-n`}
          type="tel"
          inputMode="tel"
          autoComplete="off"
          value={draft}
          disabled={numbers.length >= 5}
          onChange={(e) => setDraft(e.target.value)}
          aria-describedby={`${id}-nh`}
        />
        <button
          type="button"
          className="btn btn-small"
          onClick={add}
          disabled={numbers.length >= 5}
        >
          {t('admin.phones.add')}
        </button>
      </div>
      <p id={`${id}-nh`} className="hint">
        {t('admin.phones.numberHint')}
      </p>
      <label htmlFor={`${id}-d`}>{t('admin.phones.delay')}</label>
      <input
        id={`${id}-d`}
        type="number"
        min={ESCALATE_MIN_MIN}
        max={24 * 60}
        step="any"
        value={delay}
        placeholder={String(loaded?.defaultEscalateAfterMin ?? '')}
        onChange={(e) => {
          setDelay(e.target.value);
          setSaved(false);
        }}
        aria-describedby={`${id}-dh`}
      />
      <p id={`${id}-dh`} className="hint">
        {t('admin.phones.delayHint', { min: loaded?.defaultEscalateAfterMin ?? '' })}
      </p>
      <div className="form-actions">
        <button type="button" className="btn btn-small" onClick={onClose}>
          {t('admin.phones.close')}
        </button>
        <button type="submit" className="btn btn-small btn-primary" disabled={busy}>
          {t('admin.phones.save')}
        </button>
      </div>
      {saved && <p role="status">{t('admin.phones.saved')}</p>}
      {error && <ErrorText code={error} />}
    </form>
  );
}
