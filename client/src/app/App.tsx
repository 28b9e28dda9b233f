import { lazy, Suspense, useEffect } from 'react';
import { LoginPage } from '../features/auth/LoginPage';
import { useAuth } from '../features/auth/authStore';
import { ChunkErrorBoundary } from './ChunkErrorBoundary';
import { Loading } from './Loading';
import { navigate, useRouter } from './router';

/**
 * The app behind the login, in its own chunk: it loads while the user types
 * (boot.ts or the login form prefetch it) or after the session probe found a
 * live session.
 */
const loadShell = () => import('./AppShell');
const AppShell = lazy(loadShell);

/**
 * Starts loading the logged-in app before it is needed (the login form calls
 * this), then the meeting engine behind it (meetingEngineCache.ts): on a first
 * visit over GPRS both download while the user types, one after the other.
 */
export function prefetchShell() {
  void loadShell()
    .then(() => import('./meetingEngineCache'))
    .then((m) => m.keepMeetingEngine())
    .catch(() => undefined);
}

export function App() {
  const status = useAuth((s) => s.status);
  const route = useRouter((s) => s.route);

  useEffect(() => {
    // Already logged in by the first-visit form (boot.ts), or known anonymous: nothing to ask.
    if (useAuth.getState().status === 'restoring') void useAuth.getState().restore();
  }, []);

  useEffect(() => {
    if (status === 'anonymous' && route.name !== 'login')
      navigate({ name: 'login' }, { replace: true });
  }, [status, route.name]);

  const loading = <Loading className="boot" />;
  if (status === 'restoring') return loading;
  if (status === 'anonymous') return <LoginPage onInterest={prefetchShell} />;
  return (
    <ChunkErrorBoundary>
      <Suspense fallback={loading}>
        <AppShell />
      </Suspense>
    </ChunkErrorBoundary>
  );
}
