import { describe, expect, it } from 'vitest';
import { navigate, parseRoute, routePath, useRouter, type Route } from './router';

describe('router', () => {
  const routes: Route[] = [
    { name: 'home' },
    { name: 'login' },
    { name: 'schedule' },
    { name: 'meetingNew' },
    { name: 'meetingNow' },
    { name: 'meetingEdit', meetingId: 'm_123' },
    { name: 'emergency' },
    { name: 'prejoin', meetingId: 'abc' },
    { name: 'room', meetingId: 'abc-1' },
  ];

  it('round-trips every route through its URL', () => {
    for (const r of routes) expect(parseRoute(routePath(r))).toEqual(r);
  });

  it('rejects unknown and malformed paths', () => {
    expect(parseRoute('/nope')).toEqual({ name: 'notFound' });
    expect(parseRoute('/meeting/../../etc')).toEqual({ name: 'notFound' });
    expect(parseRoute('/schedule/')).toEqual({ name: 'schedule' });
  });

  it('navigates with the history API and follows the back button', () => {
    navigate({ name: 'schedule' });
    expect(window.location.pathname).toBe('/schedule');
    expect(useRouter.getState().route).toEqual({ name: 'schedule' });
    window.history.pushState(null, '', '/emergency');
    window.dispatchEvent(new PopStateEvent('popstate'));
    expect(useRouter.getState().route).toEqual({ name: 'emergency' });
  });
});
