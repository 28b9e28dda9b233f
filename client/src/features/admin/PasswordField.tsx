import { useTranslation } from 'react-i18next';
import { generatePassword } from './adminApi';

/** A new password typed or generated; shown in clear so the admin can pass it on. */
export function PasswordField({
  id,
  value,
  onChange,
}: {
  id: string;
  value: string;
  onChange(next: string): void;
}) {
  const { t } = useTranslation();
  return (
    <div className="password-field">
      <label htmlFor={id}>{t('admin.newPassword')}</label>
      <div className="password-row">
        <input
          id={id}
          type="text"
          required
          minLength={10}
          maxLength={200}
          autoComplete="new-password"
          spellCheck={false}
          value={value}
          onChange={(e) => onChange(e.target.value)}
        />
        <button type="button" className="btn" onClick={() => onChange(generatePassword())}>
          {t('admin.generate')}
        </button>
      </div>
    </div>
  );
}
