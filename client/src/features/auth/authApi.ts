import { z } from 'zod';
import { loginResponseSchema, sessionResponseSchema } from '@giaoban/scheduler/api/auth';
import { ApiError, api, errorCodeOf, onApiUnauthenticated, setApiToken } from '../../app/api';
import { authStore } from './authCore';

/**
 * The auth store's calls to the server, with the zod contracts they check the
 * answers against. Loaded on demand (authStore imports it dynamically): the
 * login screen of a first visit needs neither zod nor these schemas.
 */

export async function probeSession() {
  try {
    // The probe answers 200 either way: a logged-out load is not an error (no 401 in the console).
    const s = await api('/api/auth/session', sessionResponseSchema);
    if (s.authenticated) {
      setApiToken(s.token);
      authStore.setState({ status: 'authenticated', token: s.token, account: s.account });
    } else authStore.setState({ status: 'anonymous', token: null, account: null, error: null });
  } catch (err) {
    authStore.setState({
      status: 'anonymous',
      token: null,
      account: null,
      error: errorCodeOf(err),
    });
  }
}

export async function postLogin(username: string, password: string): Promise<boolean> {
  try {
    const res = await api('/api/auth/login', loginResponseSchema, {
      method: 'POST',
      body: { username: username.trim().toLowerCase(), password },
    });
    setApiToken(res.token);
    authStore.setState({
      status: 'authenticated',
      token: res.token,
      account: res.account,
      submitting: false,
    });
    return true;
  } catch (err) {
    authStore.setState({ error: errorCodeOf(err), submitting: false });
    return false;
  }
}

export async function postLogout() {
  try {
    await api('/api/auth/logout', z.unknown(), { method: 'POST' });
  } catch (err) {
    // The local session ends anyway; a weak link must not keep someone logged in on a shared PC.
    if (!(err instanceof ApiError)) throw err;
  }
  setApiToken(null);
  authStore.setState({ status: 'anonymous', token: null, account: null, error: null });
}

// An expired or revoked session anywhere in the app returns the user to the login screen.
// Every API call happens after a probe or a login, which loaded this module.
onApiUnauthenticated(() => {
  setApiToken(null);
  authStore.setState({ status: 'anonymous', token: null, account: null, error: 'UNAUTHENTICATED' });
});
