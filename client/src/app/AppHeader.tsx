import { useTranslation } from 'react-i18next';
import { canSchedule, useAuth } from '../features/auth/authStore';
import { canConvene } from '../features/emergency/canConvene';
import { LanguageSwitch } from '../features/i18n/LanguageSwitch';
import { TierBadge } from '../features/units/TierBadge';
import { tierOf, useUnits } from '../features/units/unitsStore';
import { Link } from './Link';
import './header.css';

export function AppHeader() {
  const { t } = useTranslation();
  const account = useAuth((s) => s.account);
  const logout = useAuth((s) => s.logout);
  const index = useUnits((s) => s.index);
  const unit = account && index ? index.byId.get(account.unitId) : undefined;

  return (
    <header className="app-header">
      <div className="brand">
        <span className="brand-mark" aria-hidden="true">
          GB
        </span>
        <span className="brand-name">{t('app.name')}</span>
      </div>
      <nav aria-label={t('app.mainNav')} className="main-nav">
        <Link to={{ name: 'home' }}>{t('nav.home')}</Link>
        {canSchedule(account) && <Link to={{ name: 'schedule' }}>{t('nav.schedule')}</Link>}
        {account?.role === 'admin' && <Link to={{ name: 'admin' }}>{t('nav.admin')}</Link>}
        {canConvene(account, index) && (
          <Link to={{ name: 'emergency' }} className="nav-emergency">
            {t('nav.emergency')}
          </Link>
        )}
      </nav>
      <div className="header-account">
        {account && (
          <span className="account-unit">
            <span className="account-unit-name">{unit?.name ?? account.unitId}</span>
            {unit && index && <TierBadge tier={tierOf(index, unit)} unitType={unit.type} />}
            <span className="account-role">{t(`role.${account.role}`)}</span>
          </span>
        )}
        <LanguageSwitch />
        <button type="button" className="btn btn-ghost" onClick={() => void logout()}>
          {t('app.logout')}
        </button>
      </div>
    </header>
  );
}
