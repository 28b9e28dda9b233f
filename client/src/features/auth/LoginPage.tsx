import { useCallback, useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { LanguageSwitch } from '../i18n/LanguageSwitch';
import { ErrorText } from '../i18n/ErrorText';
import { prefetchLogin, useAuth } from './authStore';
import './login.css';

/** Idle time on the login screen after which what comes next starts loading anyway. */
const PREFETCH_AFTER_MS = 3000;

/**
 * `onInterest`: called once when the user starts on the form (or after a few
 * idle seconds), to load the app behind the login while they type — on GPRS
 * that is ten seconds of otherwise idle link.
 */
export function LoginPage({ onInterest }: { onInterest?: () => void } = {}) {
  const { t } = useTranslation();
  const { login, submitting, error } = useAuth();
  const warmed = useRef(false);
  const warm = useCallback(() => {
    if (warmed.current) return;
    warmed.current = true;
    prefetchLogin();
    onInterest?.();
  }, [onInterest]);
  useEffect(() => {
    const timer = setTimeout(warm, PREFETCH_AFTER_MS);
    return () => clearTimeout(timer);
  }, [warm]);
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const userId = useId();
  const passId = useId();

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    if (!username || !password) return;
    void login(username, password);
  };

  return (
    <main id="main" className="login-screen">
      <div className="login-card">
        <div className="login-brand">
          <span className="brand-mark" aria-hidden="true">
            GB
          </span>
          <div>
            <h1>{t('app.name')}</h1>
            <p className="muted">{t('app.tagline')}</p>
          </div>
        </div>
        <form onSubmit={onSubmit} onFocus={warm} aria-labelledby={`${userId}-title`} noValidate>
          <h2 id={`${userId}-title`}>{t('auth.title')}</h2>
          <label htmlFor={userId}>{t('auth.username')}</label>
          <input
            id={userId}
            name="username"
            autoComplete="username"
            autoCapitalize="none"
            spellCheck={false}
            required
            value={username}
            onChange={(e) => setUsername(e.target.value)}
            aria-describedby={`${userId}-hint`}
          />
          <p id={`${userId}-hint`} className="hint">
            {t('auth.hint')}
          </p>
          <label htmlFor={passId}>{t('auth.password')}</label>
          <input
            id={passId}
            name="password"
            type="password"
            autoComplete="current-password"
            required
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
          {error && <ErrorText code={error} />}
          <button type="submit" className="btn btn-primary btn-block" disabled={submitting}>
            {submitting ? t('auth.submitting') : t('auth.submit')}
          </button>
        </form>
        <div className="login-footer">
          <LanguageSwitch />
        </div>
      </div>
    </main>
  );
}
