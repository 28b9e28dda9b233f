import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { meetingPhoneSchema, type MeetingPhone } from '@giaoban/scheduler/api/phone';
import { api } from '../../app/api';

/**
 * Dial-in by phone (docs/phone.md): the number and the PINs this session may
 * see — a host every invited unit's, a unit its own. Nothing when the
 * deployment has no phone bridge (no number).
 */
export function DialIn({ meetingId, only }: { meetingId: string; only?: string }) {
  const { t } = useTranslation();
  const [phone, setPhone] = useState<MeetingPhone | null>(null);
  useEffect(() => {
    let live = true;
    api(`/api/meetings/${encodeURIComponent(meetingId)}/phone`, meetingPhoneSchema)
      .then((p) => live && setPhone(p))
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, [meetingId]);
  if (!phone?.number) return null;
  const pins = only ? phone.pins.filter((p) => p.unitId === only) : phone.pins;
  if (pins.length === 0) return null;
  if (pins.length === 1)
    return (
      <span className="muted dial-in" data-testid="dial-in">
        {t('room.dialIn', { number: phone.number, pin: pins[0]!.pin })}
      </span>
    );
  return (
    <details className="dial-in" data-testid="dial-in">
      <summary>{t('room.dialInAll', { number: phone.number })}</summary>
      <ul>
        {pins.map((p) => (
          <li key={p.unitId} data-unit-id={p.unitId}>
            {p.unitName}: <strong>{p.pin}</strong>
          </li>
        ))}
      </ul>
    </details>
  );
}
