import { create } from 'zustand';
import { z } from 'zod';
import {
  loginResponseSchema,
  sessionResponseSchema,
  type Account,
} from '@giaoban/scheduler/api/auth';
import {
  ApiError,
  api,
  errorCodeOf,
  onApiUnauthenticated,
  setApiToken,
  type ClientErrorCode,
} from '../../app/api';

export type AuthStatus = 'restoring' | 'anonymous' | 'authenticated';

interface AuthState {
  status: AuthStatus;
  /** Session token, in memory only: it rides in the socket handshake. The REST session is an httpOnly cookie. */
  token: string | null;
  account: Account | null;
  error: ClientErrorCode | null;
  submitting: boolean;
  /** Resumes the session the cookie still holds (GET /api/auth/session). */
  restore(): Promise<void>;
  login(username: string, password: string): Promise<boolean>;
  logout(): Promise<void>;
}

export const useAuth = create<AuthState>((set, get) => ({
  status: 'restoring',
  token: null,
  account: null,
  error: null,
  submitting: false,

  async restore() {
    try {
      // The probe answers 200 either way: a logged-out load is not an error (no 401 in the console).
      const s = await api('/api/auth/session', sessionResponseSchema);
      if (s.authenticated) {
        setApiToken(s.token);
        set({ status: 'authenticated', token: s.token, account: s.account });
      } else set({ status: 'anonymous', token: null, account: null, error: null });
    } catch (err) {
      set({ status: 'anonymous', token: null, account: null, error: errorCodeOf(err) });
    }
  },

  async login(username, password) {
    if (get().submitting) return false;
    set({ submitting: true, error: null });
    try {
      const res = await api('/api/auth/login', loginResponseSchema, {
        method: 'POST',
        body: { username: username.trim().toLowerCase(), password },
      });
      setApiToken(res.token);
      set({ status: 'authenticated', token: res.token, account: res.account, submitting: false });
      return true;
    } catch (err) {
      set({ error: errorCodeOf(err), submitting: false });
      return false;
    }
  },

  async logout() {
    try {
      await api('/api/auth/logout', z.unknown(), { method: 'POST' });
    } catch (err) {
      // The local session ends anyway; a weak link must not keep someone logged in on a shared PC.
      if (!(err instanceof ApiError)) throw err;
    }
    setApiToken(null);
    set({ status: 'anonymous', token: null, account: null, error: null });
  },
}));

// An expired or revoked session anywhere in the app returns the user to the login screen.
onApiUnauthenticated(() => {
  setApiToken(null);
  useAuth.setState({ status: 'anonymous', token: null, account: null, error: 'UNAUTHENTICATED' });
});

/** What the account may do, by role (the server enforces it again). */
export function canSchedule(account: Account | null) {
  return account?.role === 'host' || account?.role === 'commander' || account?.role === 'admin';
}
