import { useEffect, useState } from 'react';
import type { Occurrence } from '@giaoban/scheduler/api/meetings';
import { errorCodeOf, type ClientErrorCode } from '../../app/api';
import { useNotifications } from '../notifications/notificationsStore';
import { listOccurrences } from '../scheduling/meetingsApi';

const refreshMs = 30_000;

/**
 * Occurrences in a window from now, refreshed every 30 s (rooms open by the
 * clock) and at once when a push says the schedule changed.
 */
export function useOccurrences(opts: { unitId?: string; days: number; pastHours?: number }) {
  const { unitId, days, pastHours = 3 } = opts;
  const version = useNotifications((s) => s.scheduleVersion);
  const [state, setState] = useState<{
    list: Occurrence[] | null;
    error: ClientErrorCode | null;
    loadedAt: number;
  }>({ list: null, error: null, loadedAt: 0 });
  const [tick, setTick] = useState(0);

  useEffect(() => {
    const timer = setInterval(() => setTick((t) => t + 1), refreshMs);
    return () => clearInterval(timer);
  }, []);

  useEffect(() => {
    const ctrl = new AbortController();
    const now = Date.now();
    listOccurrences({
      from: new Date(now - pastHours * 3600_000),
      to: new Date(now + days * 86_400_000),
      unitId,
      signal: ctrl.signal,
    }).then(
      (list) => setState({ list, error: null, loadedAt: Date.now() }),
      (err: unknown) => {
        if (ctrl.signal.aborted) return;
        setState((s) => ({ ...s, error: errorCodeOf(err) }));
      },
    );
    return () => ctrl.abort();
  }, [unitId, days, pastHours, version, tick]);

  return { ...state, reload: () => setTick((t) => t + 1) };
}

/** Open now: the server's status, or a push that arrived since the list was loaded. */
export function isOpen(o: Occurrence, pushed: Record<string, boolean>): boolean {
  return pushed[o.id] ?? o.status === 'open';
}
