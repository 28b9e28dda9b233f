import { useTranslation } from 'react-i18next';
import { useAuth } from '../auth/authStore';
import { TierBadge } from '../units/TierBadge';
import { tierOf, unitPath, useUnits } from '../units/unitsStore';
import { CalendarLink } from './CalendarLink';
import { UpcomingMeetings } from './UpcomingMeetings';
import './home.css';

/** A unit's home: who we are, and the meetings we are invited to (today first). */
export function HomePage() {
  const { t } = useTranslation();
  const account = useAuth((s) => s.account);
  const index = useUnits((s) => s.index);
  if (!account) return null;
  const unit = index?.byId.get(account.unitId);
  const parents = index && unit ? unitPath(index, unit.id).slice(1, -1) : [];

  return (
    <>
      <section className="unit-card" aria-labelledby="unit-name">
        <div>
          <p className="unit-path muted">{parents.map((p) => p.name).join(' › ') || '\u00a0'}</p>
          <h1 id="unit-name">{unit?.name ?? account.unitId}</h1>
          <p className="unit-meta">
            <span>
              {t('home.tier')}:{' '}
              <TierBadge
                tier={unit && index ? tierOf(index, unit) : undefined}
                tierId={unit?.tier}
                unitType={unit?.type}
              />
            </span>
            <span className="muted">
              {account.displayName} · {t(`role.${account.role}`)}
            </span>
          </p>
        </div>
      </section>
      <UpcomingMeetings unitId={account.unitId} />
      <CalendarLink unitId={account.unitId} />
    </>
  );
}
