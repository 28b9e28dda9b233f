import { lazy, Suspense, useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { PasswordNotice, PasswordRequired } from '../features/auth/PasswordNotice';
import { ConnectionStatus } from '../features/notifications/ConnectionStatus';
import { useAuth } from '../features/auth/authStore';
import { EmergencyBanner } from '../features/emergency/EmergencyBanner';
import { recoverMissedAlerts } from '../features/emergency/missedAlerts';
import { HomePage } from '../features/home/HomePage';
import { startPush, stopPush } from '../features/notifications/pushConnection';
import { useNotifications } from '../features/notifications/notificationsStore';
import { useUnits } from '../features/units/unitsStore';
import { AppHeader } from './AppHeader';
import { ChunkErrorBoundary } from './ChunkErrorBoundary';
import { Link } from './Link';
import { Loading } from './Loading';
import { keepMeetingEngine } from './meetingEngineCache';
import { navigate, useRouter, type Route } from './router';

// Screens a commune rarely opens load on demand, so home stays small.
const SchedulePage = lazy(() => import('../features/scheduling/SchedulePage'));
const MeetingEditor = lazy(() => import('../features/scheduling/MeetingEditor'));
const ConvenePage = lazy(() => import('../features/emergency/ConvenePage'));
const PreJoinPage = lazy(() => import('../features/prejoin/PreJoinPage'));
const RoomScreen = lazy(() => import('../features/room/RoomScreen'));
const AccountsPage = lazy(() => import('../features/admin/AccountsPage'));
const OccurrencePage = lazy(() => import('../features/recordings/OccurrencePage'));

function Screen({ route }: { route: Route }) {
  const { t } = useTranslation();
  switch (route.name) {
    case 'home':
    case 'login':
      return <HomePage />;
    case 'schedule':
      return <SchedulePage />;
    case 'meetingNew':
      return <MeetingEditor meetingId={null} />;
    case 'meetingNow':
      return <MeetingEditor meetingId={null} startNow />;
    case 'meetingEdit':
      return <MeetingEditor meetingId={route.meetingId} />;
    case 'emergency':
      return <ConvenePage />;
    case 'admin':
      return <AccountsPage />;
    case 'prejoin':
      return <PreJoinPage meetingId={route.meetingId} />;
    case 'room':
      return <RoomScreen meetingId={route.meetingId} />;
    case 'occurrence':
      return <OccurrencePage occurrenceId={route.occurrenceId} />;
    case 'notFound':
      return (
        <section className="panel">
          <h1>{t('app.notFound')}</h1>
          <Link to={{ name: 'home' }}>{t('app.backHome')}</Link>
        </section>
      );
  }
}

/**
 * Everything behind the login: header, screens, push connection, emergency
 * alerts. Its own chunk (with zod, socket.io and the home screen), loaded
 * after the login screen is shown (App.tsx), so a first visit fetches only
 * what the login form needs.
 */
export default function AppShell() {
  const { t } = useTranslation();
  const route = useRouter((s) => s.route);
  const loadUnits = useUnits((s) => s.load);
  const token = useAuth((s) => s.token);
  // An administrator set the password: the server refuses everything but its
  // change (PASSWORD_CHANGE_REQUIRED), so nothing else is asked for until then.
  const mustChangePassword = useAuth((s) => s.account?.mustChangePassword ?? false);

  // The org tree needs a full session: not asked while the password must change first.
  useEffect(() => {
    if (!mustChangePassword) void loadUnits();
    if (route.name === 'login') navigate({ name: 'home' }, { replace: true });
  }, [route.name, loadUnits, mustChangePassword]);

  // The meeting engine on the device before any click (and kept across visits).
  useEffect(() => {
    if (mustChangePassword) return;
    const timer = setTimeout(() => void keepMeetingEngine(), 1_000);
    return () => clearTimeout(timer);
  }, [mustChangePassword]);

  // Without a live push connection (signaling unreachable, websockets blocked on
  // the link), fall back to asking for missed alerts over plain HTTP every 20 s.
  const push = useNotifications((s) => s.push);
  useEffect(() => {
    const unitId = useAuth.getState().account?.unitId;
    if (mustChangePassword || !unitId || push === 'connected') return;
    const check = () => void recoverMissedAlerts(unitId).catch(() => undefined);
    const first = setTimeout(check, push === 'off' ? 0 : 2000);
    const timer = setInterval(check, 20_000);
    return () => {
      clearTimeout(first);
      clearInterval(timer);
    };
  }, [mustChangePassword, push]);

  // Push notifications (emergency alerts, meetings opening) for as long as we are logged in.
  useEffect(() => {
    if (mustChangePassword || !token) return;
    const unitId = useAuth.getState().account?.unitId;
    startPush(token, () => {
      if (unitId) void recoverMissedAlerts(unitId).catch(() => undefined);
    });
    return () => stopPush();
  }, [mustChangePassword, token]);

  if (mustChangePassword) return <PasswordRequired />;

  // The meeting room takes the whole window; everything else sits under the header.
  if (route.name === 'room')
    return (
      <>
        <EmergencyBanner />
        <ChunkErrorBoundary>
          <Suspense fallback={<Loading className="boot" />}>
            <Screen route={route} />
          </Suspense>
        </ChunkErrorBoundary>
      </>
    );

  return (
    <>
      <a href="#main" className="skip-link">
        {t('app.skipToContent')}
      </a>
      <EmergencyBanner />
      <AppHeader />
      <ConnectionStatus />
      <main id="main" className="content" tabIndex={-1}>
        <PasswordNotice />
        <ChunkErrorBoundary key={route.name}>
          <Suspense fallback={<Loading />}>
            <Screen route={route} />
          </Suspense>
        </ChunkErrorBoundary>
      </main>
    </>
  );
}
