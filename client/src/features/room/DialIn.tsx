import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import {
  dialCallSchema,
  finalDialStates,
  meetingPhoneSchema,
  type DialCall,
  type MeetingPhone,
} from '@giaoban/scheduler/api/phone';
import { api, errorCodeOf, type ClientErrorCode } from '../../app/api';
import { ErrorText } from '../i18n/ErrorText';

/** While a call is going on, its progress is read again this often. */
const POLL_MS = 1_500;

/**
 * Dial-in by phone (docs/phone.md): the number and the PINs this session may
 * see — a host every invited unit's, a unit its own. The host also calls a
 * unit that has numbers ("Gọi điện", dial-out) and sees the call's progress.
 * Nothing when the deployment has no phone bridge.
 */
export function DialIn({ meetingId, only }: { meetingId: string; only?: string }) {
  const { t } = useTranslation();
  const [phone, setPhone] = useState<MeetingPhone | null>(null);
  const [error, setError] = useState<ClientErrorCode | null>(null);
  const path = `/api/meetings/${encodeURIComponent(meetingId)}/phone`;
  const load = useCallback(
    () =>
      api(path, meetingPhoneSchema)
        .then((p) => setPhone(p))
        .catch(() => undefined),
    [path],
  );
  useEffect(() => {
    void load();
  }, [load]);
  const calls = new Map((phone?.calls ?? []).map((c) => [c.unitId, c]));
  const going = [...calls.values()].some((c) => !finalDialStates.includes(c.state));
  useEffect(() => {
    if (!going) return;
    const timer = setInterval(() => void load(), POLL_MS);
    return () => clearInterval(timer);
  }, [going, load]);

  if (!phone || (!phone.number && !phone.dialOut)) return null;
  const pins = only ? phone.pins.filter((p) => p.unitId === only) : phone.pins;
  if (pins.length === 0) return null;
  if (pins.length === 1 && !phone.dialOut && phone.number)
    return (
      <span className="muted dial-in" data-testid="dial-in">
        {t('room.dialIn', { number: phone.number, pin: pins[0]!.pin })}
      </span>
    );
  const call = async (unitId: string) => {
    setError(null);
    try {
      const placed: DialCall = await api(`${path}/calls`, dialCallSchema, {
        method: 'POST',
        body: { unitId },
      });
      setPhone(
        (p) =>
          p && { ...p, calls: [...(p.calls ?? []).filter((c) => c.unitId !== unitId), placed] },
      );
    } catch (err) {
      setError(errorCodeOf(err));
    }
  };
  return (
    <details className="dial-in" data-testid="dial-in" open={going || undefined}>
      <summary>
        {phone.number ? t('room.dialInAll', { number: phone.number }) : t('room.dialOutAll')}
      </summary>
      {error && <ErrorText code={error} />}
      <ul>
        {pins.map((p) => {
          const c = calls.get(p.unitId);
          const busy = c !== undefined && !finalDialStates.includes(c.state);
          return (
            <li key={p.unitId} data-unit-id={p.unitId}>
              {p.unitName}: <strong>{p.pin}</strong>
              {phone.dialOut && p.callable && (
                <>
                  {' '}
                  <button
                    type="button"
                    className="btn btn-small"
                    disabled={busy}
                    aria-label={`${t('room.call')} ${p.unitName}`}
                    onClick={() => void call(p.unitId)}
                  >
                    {t('room.call')}
                  </button>
                </>
              )}
              {c && (
                <span className="muted" data-call-state={c.state}>
                  {' '}
                  {t(`room.callState.${c.state}`)}
                </span>
              )}
            </li>
          );
        })}
      </ul>
    </details>
  );
}
