import { createStore } from 'zustand/vanilla';
import type { Account } from '@giaoban/scheduler/api/auth';
import { SESSION_HINT_COOKIE } from '@giaoban/scheduler/api/sessionHint';
import type { ClientErrorCode } from '../../app/api';

export type AuthStatus = 'restoring' | 'anonymous' | 'authenticated';

export interface AuthState {
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

/**
 * The server calls and their zod contracts load with the first call, not with
 * the login screen: this store is part of the first visit's only script, which
 * has neither React nor zod (authStore.ts adds the React hook).
 */
const authApi = () => import('./authApi');

/** Whether the server's readable session hint is set: without it no session can exist. */
export function maybeSignedIn(): boolean {
  try {
    // The value, not the name alone: a cleared cookie may linger empty.
    return document.cookie.split(';').some((c) => c.trim() === `${SESSION_HINT_COOKIE}=1`);
  } catch {
    return true; // cookies unreadable: ask the server
  }
}

export const authStore = createStore<AuthState>((set, get) => ({
  status: 'restoring',
  token: null,
  account: null,
  error: null,
  submitting: false,

  async restore() {
    // A first visit (or after logout): the login screen at once, no probe to wait for.
    if (!maybeSignedIn()) {
      set({ status: 'anonymous', token: null, account: null, error: null });
      return;
    }
    await (await authApi()).probeSession();
  },

  async login(username, password) {
    if (get().submitting) return false;
    set({ submitting: true, error: null });
    let calls;
    try {
      calls = await authApi();
    } catch {
      // The chunk did not arrive (link dropped): say so like any failed request.
      set({ error: 'NETWORK', submitting: false });
      return false;
    }
    return calls.postLogin(username, password);
  },

  async logout() {
    await (await authApi()).postLogout();
  },
}));

/** Starts loading what logging in needs while the user types (see loginForm.ts). */
export function prefetchLogin() {
  void prefetchLoginCall();
}

/** The same, for boot.ts to chain the next downloads after it; never rejects. */
export function prefetchLoginCall(): Promise<void> {
  return authApi().then(
    () => undefined,
    () => undefined,
  );
}

/** What the account may do, by role (the server enforces it again). */
export function canSchedule(account: Account | null) {
  return account?.role === 'host' || account?.role === 'commander' || account?.role === 'admin';
}
