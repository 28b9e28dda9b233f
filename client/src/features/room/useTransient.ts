import { useEffect, useState } from 'react';

/** How long a passing message ("Bạn được phát biểu.") stays over the stage. */
export const TRANSIENT_MS = 4_000;

/**
 * True for `ms` after `on` turns true (each time it does), then false: a toast
 * that says something happened without covering the stage for as long as it lasts.
 */
export function useTransient(on: boolean, ms = TRANSIENT_MS): boolean {
  const [expired, setExpired] = useState(false);
  // A new "on" starts a fresh period (state adjusted while rendering, not in an effect).
  const [wasOn, setWasOn] = useState(on);
  if (on !== wasOn) {
    setWasOn(on);
    setExpired(false);
  }
  useEffect(() => {
    if (!on) return;
    const timer = setTimeout(() => setExpired(true), ms);
    return () => clearTimeout(timer);
  }, [on, ms]);
  return on && !expired;
}
