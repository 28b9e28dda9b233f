import { useEffect, useRef } from 'react';
import { setLanguage } from '../i18n/i18n';
import { mountLoginForm } from './loginForm';
import './login.css';

/**
 * The login screen inside the React app (after a logout or an expired
 * session): the same plain-DOM form the first visit shows before React has
 * loaded (loginForm.ts). `onInterest`: the user started on the form.
 */
export function LoginPage({ onInterest }: { onInterest?: () => void } = {}) {
  const root = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!root.current) return;
    return mountLoginForm(root.current, { onLanguage: setLanguage, onInterest });
  }, [onInterest]);
  return <div ref={root} />;
}
