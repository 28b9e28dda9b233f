import { Fragment, useEffect, useId, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Account } from '@giaoban/scheduler/api/auth';
import { errorCodeOf, type ClientErrorCode } from '../../app/api';
import { useAuth } from '../auth/authStore';
import { ErrorText } from '../i18n/ErrorText';
import { foldText } from '../units/foldText';
import { TierBadge } from '../units/TierBadge';
import { tierOf, unitPath, useUnits, type UnitIndex } from '../units/unitsStore';
import { listAccounts } from './adminApi';
import { CreateAccountForm } from './CreateAccountForm';
import { ResetPasswordForm } from './ResetPasswordForm';
import { UnitPhonesForm } from './UnitPhonesForm';
import './admin.css';
import { Loading } from '../../app/Loading';

interface Group {
  id: string;
  name: string;
  /** Accounts of the group's units, in tree order, then by username. */
  accounts: Account[];
}

/** Accounts grouped under their district (or the upper unit itself), in tree order. */
export function groupAccounts(index: UnitIndex, accounts: Account[]): Group[] {
  const order = new Map<string, number>();
  let n = 0;
  const walk = (id: string) => {
    order.set(id, n++);
    for (const c of index.byId.get(id)?.children ?? []) walk(c.id);
  };
  walk(index.root.id);
  const rank = (a: Account) => order.get(a.unitId) ?? Number.MAX_SAFE_INTEGER;
  const groups = new Map<string, Group>();
  for (const a of [...accounts].sort(
    (x, y) => rank(x) - rank(y) || x.username.localeCompare(y.username),
  )) {
    const path = unitPath(index, a.unitId);
    const head = path[2] ?? path.at(-1);
    const key = head?.id ?? a.unitId;
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { id: key, name: head?.name ?? a.unitId, accounts: [] }));
    g.accounts.push(a);
  }
  return [...groups.values()];
}

/** Admin: every account by unit, with password reset and account creation. */
export default function AccountsPage() {
  const { t } = useTranslation();
  const me = useAuth((s) => s.account);
  const index = useUnits((s) => s.index);
  const id = useId();
  const [accounts, setAccounts] = useState<Account[] | null>(null);
  const [error, setError] = useState<ClientErrorCode | null>(null);
  const [query, setQuery] = useState('');
  const [resetting, setResetting] = useState<string | null>(null);
  /** The account whose unit's phone numbers are open below its row. */
  const [phonesFor, setPhonesFor] = useState<string | null>(null);
  const [creating, setCreating] = useState(false);
  const [done, setDone] = useState<string | null>(null);
  const [version, setVersion] = useState(0);

  useEffect(() => {
    if (me?.role !== 'admin') return;
    listAccounts().then(setAccounts, (err: unknown) => setError(errorCodeOf(err)));
  }, [me?.role, version]);

  const groups = useMemo(() => {
    if (!index || !accounts) return [];
    const q = foldText(query);
    const matches = (a: Account) =>
      !q ||
      [a.username, a.displayName, index.byId.get(a.unitId)?.name ?? ''].some((s) =>
        foldText(s).includes(q),
      );
    return groupAccounts(index, accounts.filter(matches));
  }, [index, accounts, query]);

  if (me?.role !== 'admin') return <ErrorText code="FORBIDDEN" />;
  if (error) return <ErrorText code={error} />;
  if (!index || !accounts) return <Loading />;

  return (
    <section aria-labelledby={`${id}-title`} className="accounts-page">
      <div className="page-head">
        <h1 id={`${id}-title`}>{t('admin.title')}</h1>
        <span className="muted">{t('admin.count', { count: accounts.length })}</span>
        <span className="spacer" />
        {!creating && (
          <button type="button" className="btn btn-primary" onClick={() => setCreating(true)}>
            {t('admin.create')}
          </button>
        )}
      </div>
      {done && (
        <p role="status" className="admin-done">
          {done}
        </p>
      )}
      {creating && (
        <CreateAccountForm
          index={index}
          onCancel={() => setCreating(false)}
          onCreated={(a) => {
            setCreating(false);
            setDone(t('admin.created', { username: a.username }));
            setVersion((v) => v + 1);
          }}
        />
      )}
      <label htmlFor={`${id}-q`}>{t('admin.search')}</label>
      <input
        id={`${id}-q`}
        type="search"
        className="account-search"
        value={query}
        onChange={(e) => setQuery(e.target.value)}
        aria-describedby={`${id}-qh`}
      />
      <p id={`${id}-qh`} className="hint">
        {t('admin.searchHint')}
      </p>
      {groups.length === 0 && <p>{t('admin.noMatch')}</p>}
      {groups.map((g) => (
        <details
          key={g.id}
          className="panel account-group"
          open={query !== '' || groups.length < 3}
        >
          <summary>
            <strong>{g.name}</strong>{' '}
            <span className="muted">{t('admin.count', { count: g.accounts.length })}</span>
          </summary>
          <table className="accounts">
            <thead>
              <tr>
                <th scope="col">{t('admin.unit')}</th>
                <th scope="col">{t('admin.username')}</th>
                <th scope="col">{t('admin.displayName')}</th>
                <th scope="col">{t('admin.role')}</th>
                <th scope="col">{t('admin.password')}</th>
                <th scope="col">
                  <span className="visually-hidden">{t('admin.actions')}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {g.accounts.map((a) => {
                const unit = index.byId.get(a.unitId);
                return (
                  <Fragment key={a.id}>
                    <tr data-username={a.username}>
                      <td>
                        {unit?.name ?? a.unitId}{' '}
                        {unit && <TierBadge tier={tierOf(index, unit)} unitType={unit.type} />}
                      </td>
                      <td>{a.username}</td>
                      <td>{a.displayName}</td>
                      <td>{t(`role.${a.role}`)}</td>
                      <td>
                        {a.demoPassword ? (
                          <span className="badge badge-warn">{t('admin.demoPassword')}</span>
                        ) : a.mustChangePassword ? (
                          <span className="badge" title={t('admin.mustChangeHint')}>
                            {t('admin.mustChange')}
                          </span>
                        ) : (
                          <span className="muted">{t('admin.ownPassword')}</span>
                        )}
                      </td>
                      <td>
                        {a.id === me.id ? (
                          <span className="muted">{t('admin.you')}</span>
                        ) : resetting === a.id ? (
                          <ResetPasswordForm
                            account={a}
                            onDone={(updated) => {
                              setResetting(null);
                              if (!updated) return;
                              setDone(t('admin.resetDone', { username: updated.username }));
                              setAccounts((list) =>
                                (list ?? []).map((x) => (x.id === updated.id ? updated : x)),
                              );
                            }}
                          />
                        ) : (
                          <button
                            type="button"
                            className="btn btn-small"
                            aria-label={t('admin.resetFor', { username: a.username })}
                            onClick={() => {
                              setDone(null);
                              setResetting(a.id);
                            }}
                          >
                            {t('admin.reset')}
                          </button>
                        )}{' '}
                        {a.role === 'member' && (
                          <button
                            type="button"
                            className="btn btn-small"
                            aria-expanded={phonesFor === a.id}
                            aria-label={t('admin.phones.openFor', { unit: unit?.name ?? a.unitId })}
                            onClick={() => setPhonesFor((v) => (v === a.id ? null : a.id))}
                          >
                            {t('admin.phones.open')}
                          </button>
                        )}
                      </td>
                    </tr>
                    {phonesFor === a.id && (
                      <tr className="unit-phones-row">
                        <td colSpan={6}>
                          <UnitPhonesForm
                            unitId={a.unitId}
                            unitName={unit?.name ?? a.unitId}
                            onClose={() => setPhonesFor(null)}
                          />
                        </td>
                      </tr>
                    )}
                  </Fragment>
                );
              })}
            </tbody>
          </table>
        </details>
      ))}
    </section>
  );
}
