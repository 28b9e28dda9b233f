import { useEffect, useState } from 'react';
import type { Meeting } from '@giaoban/scheduler/api/meetings';
import { useUnits } from '../units/unitsStore';
import { getMeeting } from '../scheduling/meetingsApi';

/** The meeting's title and host, above the pre-join check (quietly absent if it cannot be read). */
export function MeetingHeading({ meetingId }: { meetingId: string }) {
  const [meeting, setMeeting] = useState<Meeting | null>(null);
  const host = useUnits((s) => (meeting ? s.index?.byId.get(meeting.hostUnitId) : undefined));
  useEffect(() => {
    let live = true;
    getMeeting(meetingId).then(
      (m) => live && setMeeting(m),
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [meetingId]);
  if (!meeting) return null;
  return (
    <p className="meeting-heading">
      <strong>{meeting.title}</strong>
      {host && <span className="muted"> — {host.name}</span>}
    </p>
  );
}
