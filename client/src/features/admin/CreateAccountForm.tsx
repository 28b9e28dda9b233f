import { useId, useMemo, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { roleSchema, type Role } from '@giaoban/common/session';
import type { Account } from '@giaoban/scheduler/api/auth';
import { errorCodeOf, type ClientErrorCode } from '../../app/api';
import { ErrorText } from '../i18n/ErrorText';
import type { UnitIndex } from '../units/unitsStore';
import { createAccount } from './adminApi';
import { PasswordField } from './PasswordField';

/** Units for the picker in tree order: the upper units, then one group per district. */
function unitGroups(index: UnitIndex, upperLabel: string) {
  const upper = { label: upperLabel, units: [] as { id: string; name: string }[] };
  const groups = [upper];
  const walk = (id: string, depth: number, group: typeof upper) => {
    const u = index.byId.get(id);
    if (!u) return;
    // A unit with units below it, under the province, heads its own group (a district).
    const g = depth >= 2 && u.children.length > 0 ? { label: u.name, units: [] } : group;
    if (g !== group) groups.push(g);
    g.units.push({ id: u.id, name: u.name });
    for (const c of u.children) walk(c.id, depth + 1, g);
  };
  walk(index.root.id, 0, upper);
  return groups;
}

/** A new account in any unit (admin); the server checks the role and the username. */
export function CreateAccountForm({
  index,
  onCreated,
  onCancel,
}: {
  index: UnitIndex;
  onCreated(account: Account): void;
  onCancel(): void;
}) {
  const { t } = useTranslation();
  const id = useId();
  const groups = useMemo(() => unitGroups(index, t('admin.upperUnits')), [index, t]);
  const [form, setForm] = useState({
    username: '',
    displayName: '',
    unitId: '',
    role: 'member' as Role,
    password: '',
  });
  const [error, setError] = useState<ClientErrorCode | null>(null);
  const [busy, setBusy] = useState(false);
  const set = (patch: Partial<typeof form>) => setForm((f) => ({ ...f, ...patch }));

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      onCreated(await createAccount(form));
    } catch (err) {
      setError(errorCodeOf(err));
      setBusy(false);
    }
  };

  return (
    <form className="panel create-account" onSubmit={(e) => void submit(e)}>
      <h2 className="span-2">{t('admin.createTitle')}</h2>
      <div>
        <label htmlFor={`${id}-u`}>{t('admin.username')}</label>
        <input
          id={`${id}-u`}
          required
          pattern="[a-zA-Z0-9._\-]{3,40}"
          autoComplete="off"
          value={form.username}
          onChange={(e) => set({ username: e.target.value })}
          aria-describedby={`${id}-uh`}
        />
        <p id={`${id}-uh`} className="hint">
          {t('admin.usernameHint')}
        </p>
      </div>
      <div>
        <label htmlFor={`${id}-n`}>{t('admin.displayName')}</label>
        <input
          id={`${id}-n`}
          required
          maxLength={120}
          value={form.displayName}
          onChange={(e) => set({ displayName: e.target.value })}
        />
      </div>
      <div>
        <label htmlFor={`${id}-unit`}>{t('admin.unit')}</label>
        <select
          id={`${id}-unit`}
          required
          value={form.unitId}
          onChange={(e) => set({ unitId: e.target.value })}
        >
          <option value="">{t('admin.chooseUnit')}</option>
          {groups.map((g) => (
            <optgroup key={g.label} label={g.label}>
              {g.units.map((u) => (
                <option key={u.id} value={u.id}>
                  {u.name}
                </option>
              ))}
            </optgroup>
          ))}
        </select>
      </div>
      <div>
        <label htmlFor={`${id}-r`}>{t('admin.role')}</label>
        <select
          id={`${id}-r`}
          value={form.role}
          onChange={(e) => set({ role: e.target.value as Role })}
        >
          {roleSchema.options.map((r) => (
            <option key={r} value={r}>
              {t(`role.${r}`)}
            </option>
          ))}
        </select>
      </div>
      <div className="span-2">
        <PasswordField
          id={`${id}-p`}
          value={form.password}
          onChange={(password) => set({ password })}
        />
      </div>
      {error && (
        <div className="span-2">
          <ErrorText code={error} />
        </div>
      )}
      <div className="form-actions span-2">
        <span className="spacer" />
        <button type="button" className="btn" onClick={onCancel}>
          {t('app.cancel')}
        </button>
        <button type="submit" className="btn btn-primary" disabled={busy}>
          {t('admin.create')}
        </button>
      </div>
    </form>
  );
}
