import { useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { changePasswordRequestSchema, loginResponseSchema } from '@giaoban/scheduler/api/auth';
import { api, errorCodeOf, setApiToken, type ClientErrorCode } from '../../app/api';
import { ErrorText } from '../i18n/ErrorText';
import { useAuth } from './authStore';

/**
 * Demo accounts share a public password: until it is changed, say so on every
 * screen and offer the change right there.
 */
export function PasswordNotice() {
  const { t } = useTranslation();
  const account = useAuth((s) => s.account);
  const [open, setOpen] = useState(false);
  const [oldPassword, setOld] = useState('');
  const [newPassword, setNew] = useState('');
  const [repeat, setRepeat] = useState('');
  const [error, setError] = useState<ClientErrorCode | null>(null);
  const [mismatch, setMismatch] = useState(false);
  const [busy, setBusy] = useState(false);
  const id = useId();
  if (!account?.demoPassword) return null;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setMismatch(newPassword !== repeat);
    if (newPassword !== repeat) return;
    const body = { oldPassword, newPassword };
    if (!changePasswordRequestSchema.safeParse(body).success) {
      setError('BAD_REQUEST');
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const res = await api('/api/auth/password', loginResponseSchema, { method: 'POST', body });
      // Older tokens are void now: carry on with the fresh one.
      setApiToken(res.token);
      useAuth.setState({ token: res.token, account: res.account });
    } catch (err) {
      setError(errorCodeOf(err));
    } finally {
      setBusy(false);
    }
  };

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
      {open && (
        <form onSubmit={(e) => void submit(e)} className="password-form">
          <div>
            <label htmlFor={`${id}-o`}>{t('password.old')}</label>
            <input
              id={`${id}-o`}
              type="password"
              autoComplete="current-password"
              required
              value={oldPassword}
              onChange={(e) => setOld(e.target.value)}
            />
          </div>
          <div>
            <label htmlFor={`${id}-n`}>{t('password.new')}</label>
            <input
              id={`${id}-n`}
              type="password"
              autoComplete="new-password"
              minLength={10}
              required
              value={newPassword}
              onChange={(e) => setNew(e.target.value)}
              aria-describedby={`${id}-hint`}
            />
          </div>
          <div>
            <label htmlFor={`${id}-r`}>{t('password.repeat')}</label>
            <input
              id={`${id}-r`}
              type="password"
              autoComplete="new-password"
              required
              value={repeat}
              onChange={(e) => setRepeat(e.target.value)}
            />
          </div>
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
            <button type="button" className="btn" onClick={() => setOpen(false)}>
              {t('app.cancel')}
            </button>
            <button type="submit" className="btn btn-primary" disabled={busy}>
              {t('app.save')}
            </button>
          </div>
        </form>
      )}
    </div>
  );
}
