import { create } from 'zustand';

/**
 * The app's few screens, as data. A router library would cost more bytes than
 * these screens need; the URL stays the source of truth (deep links, back button).
 */
export type Route =
  | { name: 'login' }
  | { name: 'home' }
  | { name: 'schedule' }
  | { name: 'meetingNew' }
  | { name: 'meetingNow' }
  | { name: 'meetingEdit'; meetingId: string }
  | { name: 'emergency' }
  | { name: 'admin' }
  | { name: 'prejoin'; meetingId: string }
  | { name: 'room'; meetingId: string }
  /** An occurrence's minutes and recordings. */
  | { name: 'occurrence'; occurrenceId: string }
  | { name: 'notFound' };

const idPart = '([A-Za-z0-9_-][A-Za-z0-9_.-]{0,99})';
const patterns: [RegExp, (m: RegExpMatchArray) => Route][] = [
  [/^\/$/, () => ({ name: 'home' })],
  [/^\/login$/, () => ({ name: 'login' })],
  [/^\/schedule$/, () => ({ name: 'schedule' })],
  [/^\/schedule\/new$/, () => ({ name: 'meetingNew' })],
  [/^\/schedule\/now$/, () => ({ name: 'meetingNow' })],
  [new RegExp(`^/schedule/${idPart}$`), (m) => ({ name: 'meetingEdit', meetingId: m[1]! })],
  [/^\/emergency$/, () => ({ name: 'emergency' })],
  [/^\/admin$/, () => ({ name: 'admin' })],
  [new RegExp(`^/join/${idPart}$`), (m) => ({ name: 'prejoin', meetingId: m[1]! })],
  [new RegExp(`^/meeting/${idPart}$`), (m) => ({ name: 'room', meetingId: m[1]! })],
  [new RegExp(`^/occurrence/${idPart}$`), (m) => ({ name: 'occurrence', occurrenceId: m[1]! })],
];

export function parseRoute(pathname: string): Route {
  const path = pathname.length > 1 ? pathname.replace(/\/+$/, '') : pathname;
  for (const [re, make] of patterns) {
    const m = path.match(re);
    if (m) return make(m);
  }
  return { name: 'notFound' };
}

export function routePath(route: Route): string {
  switch (route.name) {
    case 'home':
      return '/';
    case 'login':
      return '/login';
    case 'schedule':
      return '/schedule';
    case 'meetingNew':
      return '/schedule/new';
    case 'meetingNow':
      return '/schedule/now';
    case 'meetingEdit':
      return `/schedule/${route.meetingId}`;
    case 'emergency':
      return '/emergency';
    case 'admin':
      return '/admin';
    case 'prejoin':
      return `/join/${route.meetingId}`;
    case 'room':
      return `/meeting/${route.meetingId}`;
    case 'occurrence':
      return `/occurrence/${route.occurrenceId}`;
    case 'notFound':
      return '/404';
  }
}

interface RouterState {
  route: Route;
  navigate(route: Route, options?: { replace?: boolean }): void;
}

export const useRouter = create<RouterState>((set) => ({
  route: parseRoute(window.location.pathname),
  navigate(route, options) {
    const path = routePath(route);
    if (path !== window.location.pathname) {
      if (options?.replace) window.history.replaceState(null, '', path);
      else window.history.pushState(null, '', path);
    }
    set({ route });
  },
}));

window.addEventListener('popstate', () => {
  useRouter.setState({ route: parseRoute(window.location.pathname) });
});

export const navigate = (route: Route, options?: { replace?: boolean }) =>
  useRouter.getState().navigate(route, options);
