import '../../test/setup';
import { beforeEach, describe, expect, it } from 'vitest';
import { account, mockFetch } from '../../test/fixtures';
import { api, getApiToken } from '../../app/api';
import { z } from 'zod';
import { useAuth } from './authStore';

const unauthenticated = () => ({
  status: 401,
  body: { error: { code: 'UNAUTHENTICATED', message: '', messageEn: '' } },
});

/** The server's readable session hint (api/sessionHint.ts), as a login leaves it. */
const signedIn = (on: boolean) => {
  document.cookie = on
    ? 'gb_signed_in=1; path=/'
    : 'gb_signed_in=; path=/; expires=Thu, 01 Jan 1970 00:00:00 GMT';
};

describe('auth store', () => {
  beforeEach(() => {
    useAuth.setState({ status: 'restoring', token: null, account: null, error: null });
    signedIn(true);
  });

  it('shows the login at once on a first visit: no session hint, no probe, no contracts loaded', async () => {
    signedIn(false);
    const calls = mockFetch({});
    await useAuth.getState().restore();
    expect(useAuth.getState()).toMatchObject({ status: 'anonymous', error: null });
    expect(calls).toEqual([]);
  });

  it('resumes the cookie session, or stays anonymous without an error', async () => {
    mockFetch({
      'GET /api/auth/session': () => ({
        body: { authenticated: true, account: account(), token: 't-me' },
      }),
    });
    await useAuth.getState().restore();
    expect(useAuth.getState()).toMatchObject({ status: 'authenticated', token: 't-me' });
    expect(getApiToken()).toBe('t-me');

    useAuth.setState({ status: 'restoring', token: null, account: null });
    mockFetch({ 'GET /api/auth/session': () => ({ body: { authenticated: false } }) });
    await useAuth.getState().restore();
    expect(useAuth.getState()).toMatchObject({ status: 'anonymous', error: null });
  });

  it('logs in (username trimmed and lower-cased) and out', async () => {
    const calls = mockFetch({
      'POST /api/auth/login': () => ({
        body: { token: 't1', expiresAt: new Date().toISOString(), account: account() },
      }),
      'POST /api/auth/logout': () => ({ status: 204 }),
    });
    expect(await useAuth.getState().login(' U18853 ', 'GiaoBan@2026')).toBe(true);
    expect(JSON.parse(String(calls[0]?.init?.body))).toEqual({
      username: 'u18853',
      password: 'GiaoBan@2026',
    });
    expect(useAuth.getState().account?.unitId).toBe('18853');
    await useAuth.getState().logout();
    expect(useAuth.getState()).toMatchObject({ status: 'anonymous', token: null, account: null });
    expect(getApiToken()).toBeNull();
  });

  it('keeps the error code of a refused login', async () => {
    mockFetch({
      'POST /api/auth/login': () => ({
        status: 429,
        body: { error: { code: 'RATE_LIMITED', message: '', messageEn: '' } },
      }),
    });
    expect(await useAuth.getState().login('u18853', 'x')).toBe(false);
    expect(useAuth.getState()).toMatchObject({ status: 'restoring', error: 'RATE_LIMITED' });
  });

  it('returns to the login screen when any call finds the session expired', async () => {
    useAuth.setState({ status: 'authenticated', token: 't', account: account() });
    mockFetch({ 'GET /api/units': unauthenticated });
    const { setApiToken } = await import('../../app/api');
    await import('./authApi'); // registers the expiry handler (loaded by any login or probe)
    setApiToken('t');
    await expect(api('/api/units', z.unknown())).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    expect(useAuth.getState()).toMatchObject({ status: 'anonymous', error: 'UNAUTHENTICATED' });
  });

  it('refuses an answer that breaks the contract', async () => {
    mockFetch({
      'GET /api/auth/session': () => ({
        body: { authenticated: true, account: { id: 1 }, token: 't' },
      }),
    });
    await useAuth.getState().restore();
    expect(useAuth.getState()).toMatchObject({ status: 'anonymous', error: 'UNKNOWN' });
  });
});
