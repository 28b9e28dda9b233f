import { useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { Account } from '@giaoban/scheduler/api/auth';
import { errorCodeOf, type ClientErrorCode } from '../../app/api';
import { ErrorText } from '../i18n/ErrorText';
import { resetPassword } from './adminApi';
import { PasswordField } from './PasswordField';

/** A new password for someone who lost theirs; their open sessions end. */
export function ResetPasswordForm({
  account,
  onDone,
}: {
  account: Account;
  onDone(updated: Account | null): void;
}) {
  const { t } = useTranslation();
  const id = useId();
  const [password, setPassword] = useState('');
  const [error, setError] = useState<ClientErrorCode | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      onDone(await resetPassword(account.id, password));
    } catch (err) {
      setError(errorCodeOf(err));
      setBusy(false);
    }
  };

  return (
    <form
      className="reset-password"
      aria-label={t('admin.resetFor', { username: account.username })}
      onSubmit={(e) => void submit(e)}
    >
      <PasswordField id={`${id}-p`} value={password} onChange={setPassword} />
      <div className="form-actions">
        <button type="button" className="btn btn-small" onClick={() => onDone(null)}>
          {t('app.cancel')}
        </button>
        <button type="submit" className="btn btn-small btn-primary" disabled={busy}>
          {t('admin.reset')}
        </button>
      </div>
      {error && <ErrorText code={error} />}
    </form>
  );
}
