import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app/App';

export { prefetchShell } from './app/App';
import { initI18n } from './features/i18n/i18n';
import { translateFormValidity } from './features/i18n/formValidity';
import './app/styles.css';

/**
 * The React app, loaded by boot.ts: at once when a session may exist, else
 * behind the first-visit login form, which it replaces after the login.
 */
export function startApp(root: HTMLElement) {
  translateFormValidity();
  // Vietnamese at once; English waits for its small chunk.
  void initI18n().then(() =>
    createRoot(root).render(
      <StrictMode>
        <App />
      </StrictMode>,
    ),
  );
}
