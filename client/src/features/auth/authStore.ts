import { useStore, type StoreApi, type UseBoundStore } from 'zustand';
import { authStore, type AuthState } from './authCore';

export {
  authStore,
  canSchedule,
  maybeSignedIn,
  prefetchLogin,
  type AuthState,
  type AuthStatus,
} from './authCore';

/**
 * The auth store as a React hook (`useAuth((s) => s.account)`), with the
 * store's getState/setState/subscribe. The store itself lives in authCore.ts,
 * free of React, for the first-visit login form.
 */
export const useAuth = Object.assign(
  <T = AuthState>(selector?: (s: AuthState) => T) =>
    useStore(authStore, selector ?? ((s) => s as unknown as T)),
  authStore,
) as UseBoundStore<StoreApi<AuthState>>;
