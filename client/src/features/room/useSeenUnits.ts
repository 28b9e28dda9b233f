import { useEffect, useState } from 'react';
import { useMeeting } from '../meeting/meetingStore';

/** Units that had an endpoint in the room since we joined (tells "left" from "not joined"). */
export function useSeenUnits(): ReadonlySet<string> {
  const [seen, setSeen] = useState<ReadonlySet<string>>(() => new Set());
  useEffect(() => {
    const absorb = (endpoints: Record<string, { unitId: string }>) =>
      setSeen((prev) => {
        const missing = Object.values(endpoints).filter((e) => !prev.has(e.unitId));
        if (missing.length === 0) return prev;
        return new Set([...prev, ...missing.map((e) => e.unitId)]);
      });
    absorb(useMeeting.getState().endpoints);
    return useMeeting.subscribe((s) => absorb(s.endpoints));
  }, []);
  return seen;
}
