import './app/styles.css';
import './features/auth/login.css';
import { authStore, maybeSignedIn, prefetchLoginCall } from './features/auth/authCore';
import { mountLoginForm } from './features/auth/loginForm';
import { vi } from './features/i18n/vi';

/**
 * The first script of every visit, without React. No session can exist (no
 * session hint): the plain-DOM login form at once, and the React app loads
 * behind it while the user reads and types; it takes over the page once the
 * login succeeded. A session may exist: straight to the React app, which asks.
 */
const root = document.getElementById('root');
const loadApp = () => import('./main');

function failed() {
  // The app's script never arrived (GPRS reset): say so, offer a reload.
  const p = document.createElement('p');
  p.className = 'boot';
  p.setAttribute('role', 'alert');
  const again = document.createElement('button');
  again.className = 'btn btn-primary';
  again.textContent = vi.app.reload;
  again.onclick = () => window.location.reload();
  p.append(vi.app.chunkFailed, document.createElement('br'), again);
  root?.replaceChildren(p);
}

if (root && maybeSignedIn()) {
  loadApp().then((app) => app.startApp(root), failed);
} else if (root) {
  authStore.setState({ status: 'anonymous' });
  // As the React app does for a logged-out visit (its router reads the URL when it loads).
  if (window.location.pathname !== '/login') window.history.replaceState(null, '', '/login');
  const unmount = mountLoginForm(root);
  // While the user reads and types, one after the other (parallel downloads only
  // fight over a GPRS link): the login call, React, the app behind the login.
  const app = prefetchLoginCall().then(loadApp);
  app.then(
    (m) => m.prefetchShell(),
    () => undefined, // a failure is reported when needed
  );
  const unsubscribe = authStore.subscribe((state) => {
    if (state.status !== 'authenticated') return;
    unsubscribe();
    app.then((m) => {
      unmount();
      m.startApp(root);
    }, failed);
  });
}
