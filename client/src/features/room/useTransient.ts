import { useEffect, useState } from 'react';

/** How long a passing message ("Bạn được phát biểu.") stays over the stage. */
export const TRANSIENT_MS = 4_000;

/**
 * True for `ms` after `on` turns true (each time it does), then false: a toast
 * that says something happened without covering the stage for as long as it lasts.
 */
export function useTransient(on: boolean, ms = TRANSIENT_MS): boolean {
  const [visible, setVisible] = useState(on);
  useEffect(() => {
    setVisible(on);
    if (!on) return;
    const timer = setTimeout(() => setVisible(false), ms);
    return () => clearTimeout(timer);
  }, [on, ms]);
  return visible;
}
