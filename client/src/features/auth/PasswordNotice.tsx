import { useEffect, useId, useState, type FormEvent } from 'react';
import { create } from 'zustand';
import { useTranslation } from 'react-i18next';
import { changePasswordRequestSchema, loginResponseSchema } from '@giaoban/scheduler/api/auth';
import { api, errorCodeOf, setApiToken, type ClientErrorCode } from '../../app/api';
import { ErrorText } from '../i18n/ErrorText';
import { LanguageSwitch } from '../i18n/LanguageSwitch';
import { useAuth } from './authStore';
import './login.css';

/** When this page last changed the password: the confirmation shows after the form is gone. */
const usePasswordChanged = create<{ at: number | null }>(() => ({ at: null }));
/** How long "Đã đổi mật khẩu." stays (it can be closed sooner). */
export const CHANGED_NOTICE_MS = 10_000;

/** One labelled password input of the change form. */
function PasswordField(p: {
  id: string;
  label: string;
  autoComplete: 'current-password' | 'new-password';
  value: string;
  onChange: (value: string) => void;
  minLength?: number;
  describedBy?: string;
}) {
  return (
    <div>
      <label htmlFor={p.id}>{p.label}</label>
      <input
        id={p.id}
        type="password"
        autoComplete={p.autoComplete}
        minLength={p.minLength}
        required
        value={p.value}
        onChange={(e) => p.onChange(e.target.value)}
        aria-describedby={p.describedBy}
      />
    </div>
  );
}

/**
 * The password change form (POST /api/auth/password). `required`: the
 * administrator chose the current password, so it is the only way on (no
 * cancel), and the old password is the one the administrator gave.
 */
function PasswordChangeForm({ required, onCancel }: { required: boolean; onCancel?: () => void }) {
  const { t } = useTranslation();
  const [oldPassword, setOld] = useState('');
  const [newPassword, setNew] = useState('');
  const [repeat, setRepeat] = useState('');
  const [error, setError] = useState<ClientErrorCode | null>(null);
  const [mismatch, setMismatch] = useState(false);
  const [busy, setBusy] = useState(false);
  const id = useId();

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setMismatch(newPassword !== repeat);
    if (newPassword !== repeat) return;
    const body = { oldPassword, newPassword };
    if (!changePasswordRequestSchema.safeParse(body).success) {
      setError('BAD_REQUEST');
      return;
    }
    // Said here rather than after a round trip on a slow link.
    if (oldPassword === newPassword) {
      setError('PASSWORD_REUSED');
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const res = await api('/api/auth/password', loginResponseSchema, { method: 'POST', body });
      // Older tokens are void now: carry on with the fresh one.
      setApiToken(res.token);
      usePasswordChanged.setState({ at: Date.now() });
      useAuth.setState({ token: res.token, account: res.account });
    } catch (err) {
      setError(errorCodeOf(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form
      onSubmit={(e) => void submit(e)}
      className={required ? 'password-form password-form-stacked' : 'password-form'}
      aria-label={t('password.change')}
    >
      <PasswordField
        id={`${id}-o`}
        label={t(required ? 'password.oldFromAdmin' : 'password.old')}
        autoComplete="current-password"
        value={oldPassword}
        onChange={setOld}
      />
      <PasswordField
        id={`${id}-n`}
        label={t('password.new')}
        autoComplete="new-password"
        minLength={10}
        describedBy={`${id}-hint`}
        value={newPassword}
        onChange={setNew}
      />
      <PasswordField
        id={`${id}-r`}
        label={t('password.repeat')}
        autoComplete="new-password"
        value={repeat}
        onChange={setRepeat}
      />
      <p id={`${id}-hint`} className="hint">
        {t('password.hint')}
      </p>
      {mismatch && (
        <p role="alert" className="error-text">
          {t('password.mismatch')}
        </p>
      )}
      {error && <ErrorText code={error} />}
      <div className="form-actions">
        {onCancel && (
          <button type="button" className="btn" onClick={onCancel}>
            {t('app.cancel')}
          </button>
        )}
        <button type="submit" className="btn btn-primary" disabled={busy} aria-busy={busy}>
          {busy ? t('app.loading') : required ? t('password.change') : t('app.save')}
        </button>
      </div>
    </form>
  );
}

/**
 * Demo accounts share a public password: until it is changed, say so on every
 * screen and offer the change right there.
 */
export function PasswordNotice() {
  const { t } = useTranslation();
  const account = useAuth((s) => s.account);
  const [open, setOpen] = useState(false);
  const changedAt = usePasswordChanged((s) => s.at);
  useEffect(() => {
    if (changedAt === null) return;
    const timer = setTimeout(() => usePasswordChanged.setState({ at: null }), CHANGED_NOTICE_MS);
    return () => clearTimeout(timer);
  }, [changedAt]);
  // The change went through: said where the form was (and after the required screen).
  if (changedAt !== null)
    return (
      <div className="password-notice password-changed" role="status">
        <p>
          <strong>{t('password.changed')}</strong>{' '}
          <button
            type="button"
            className="btn btn-small"
            onClick={() => usePasswordChanged.setState({ at: null })}
          >
            {t('app.close')}
          </button>
        </p>
      </div>
    );
  if (!account?.demoPassword) return null;

  return (
    <div className="password-notice" role="region" aria-label={t('password.title')}>
      <p>
        <strong>{t('password.demo')}</strong>{' '}
        {!open && (
          <button type="button" className="btn btn-small" onClick={() => setOpen(true)}>
            {t('password.change')}
          </button>
        )}
      </p>
      {open && <PasswordChangeForm required={false} onCancel={() => setOpen(false)} />}
    </div>
  );
}

/**
 * The whole screen while an administrator-set password awaits its change: the
 * server refuses everything else (PASSWORD_CHANGE_REQUIRED) until then.
 */
export function PasswordRequired() {
  const { t } = useTranslation();
  const logout = useAuth((s) => s.logout);
  const id = useId();
  return (
    <main id="main" className="login-screen">
      <section className="login-card" aria-labelledby={`${id}-title`}>
        <div className="login-brand">
          <span className="brand-mark" aria-hidden="true">
            GB
          </span>
          <h1 id={`${id}-title`}>{t('password.requiredTitle')}</h1>
        </div>
        <p>{t('password.required')}</p>
        <PasswordChangeForm required />
        <div className="login-footer password-required-footer">
          <button type="button" className="btn btn-ghost" onClick={() => void logout()}>
            {t('app.logout')}
          </button>
          <LanguageSwitch />
        </div>
      </section>
    </main>
  );
}
