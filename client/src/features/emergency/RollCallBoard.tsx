import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { RollCall, RollCallUnit } from '@giaoban/scheduler/api/notifications';
import { formatTime } from '../i18n/dateTime';

type UnitState = 'present' | 'joined' | 'acknowledged' | 'delivered' | 'waiting';

/** Furthest step a unit has reached after the alert. */
export function unitState(u: RollCallUnit): UnitState {
  if (u.present) return 'present';
  if (u.joinedAt) return 'joined';
  if (u.acknowledgedAt) return 'acknowledged';
  if (u.deliveredAt) return 'delivered';
  return 'waiting';
}

/** The furthest escalation step reached by phone or SMS, with its time; null if none. */
export function escalationStep(
  u: RollCallUnit,
): { key: 'phoneJoined' | 'called' | 'smsDelivered' | 'smsSent'; at: string } | null {
  if (u.phoneJoinedAt) return { key: 'phoneJoined', at: u.phoneJoinedAt };
  if (u.calledAt) return { key: 'called', at: u.calledAt };
  if (u.smsDeliveredAt) return { key: 'smsDelivered', at: u.smsDeliveredAt };
  if (u.smsSentAt) return { key: 'smsSent', at: u.smsSentAt };
  return null;
}

const order: UnitState[] = ['waiting', 'delivered', 'acknowledged', 'joined', 'present'];

/** The convener's live roll call: totals, then every unit, the ones still silent first. */
export function RollCallBoard({ rollCall }: { rollCall: RollCall }) {
  const { t, i18n } = useTranslation();
  const [onlyMissing, setOnlyMissing] = useState(false);
  const units = [...rollCall.units]
    .filter((u) => !onlyMissing || !u.acknowledgedAt)
    .sort(
      (a, b) =>
        order.indexOf(unitState(a)) - order.indexOf(unitState(b)) ||
        a.unitName.localeCompare(b.unitName),
    );
  const totals = rollCall.totals;
  const stat = (key: keyof typeof totals, label: string) => (
    <div className={`stat stat-${key}`}>
      <span className="stat-value">
        {totals[key]}
        {key !== 'invited' && <span className="stat-of">/{totals.invited}</span>}
      </span>
      <span className="stat-label">{label}</span>
    </div>
  );
  const time = (iso: string | null) => (iso ? formatTime(iso, i18n.language) : '—');

  return (
    <section className="rollcall-board" aria-labelledby="rollcall-title">
      <h2 id="rollcall-title">{t('convene.rollCall')}</h2>
      <div className="stats" aria-live="polite">
        {stat('invited', t('convene.totals.invited'))}
        {stat('delivered', t('convene.totals.delivered'))}
        {stat('acknowledged', t('convene.totals.acknowledged'))}
        {stat('joined', t('convene.totals.joined'))}
        {stat('present', t('convene.totals.present'))}
        {stat('audioOnly', t('convene.totals.audioOnly'))}
      </div>
      <label className="inline">
        <input
          type="checkbox"
          checked={onlyMissing}
          onChange={(e) => setOnlyMissing(e.target.checked)}
        />
        {t('convene.onlyMissing')}
      </label>
      <table className="rollcall-table">
        <thead>
          <tr>
            <th scope="col">{t('convene.unit')}</th>
            <th scope="col">{t('convene.state')}</th>
            <th scope="col">{t('convene.totals.delivered')}</th>
            <th scope="col">{t('convene.totals.acknowledged')}</th>
            <th scope="col">{t('convene.totals.joined')}</th>
            <th scope="col">{t('convene.escalation.column')}</th>
          </tr>
        </thead>
        <tbody>
          {units.map((u) => {
            const s = unitState(u);
            const step = escalationStep(u);
            return (
              <tr key={u.unitId} className={`unit-${s}`} data-unit-id={u.unitId} data-state={s}>
                <th scope="row">{u.unitName}</th>
                <td>
                  <span className={`dot dot-${s}`} aria-hidden="true" />{' '}
                  {t(`convene.unitState.${s}`)}
                  {u.present && u.audioOnly && ` · ${t('host.status.audioOnly')}`}
                </td>
                <td>{time(u.deliveredAt)}</td>
                <td>{time(u.acknowledgedAt)}</td>
                <td>{time(u.joinedAt)}</td>
                <td data-escalation={step?.key ?? 'none'}>
                  {step ? t(`convene.escalation.${step.key}`, { time: time(step.at) }) : '—'}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </section>
  );
}
