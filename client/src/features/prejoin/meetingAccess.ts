import { useEffect, useState } from 'react';
import { meetingAccessResponseSchema } from '@giaoban/scheduler/api/meetings';
import { api, errorCodeOf, type ClientErrorCode } from '../../app/api';

export type MeetingAccess =
  { state: 'checking' } | { state: 'allowed' } | { state: 'refused'; code: ClientErrorCode };

/**
 * May this unit enter the room now? Asked before the pre-join check opens a
 * microphone or camera: a commune of another district that opens a meeting's
 * link is told it is not invited, with no device opened.
 */
export function useMeetingAccess(meetingId: string): MeetingAccess {
  // The answer is kept with the meeting it is about: another meeting is "checking" again.
  const [answer, setAnswer] = useState<{ meetingId: string; access: MeetingAccess } | null>(null);
  useEffect(() => {
    let live = true;
    const done = (access: MeetingAccess) => live && setAnswer({ meetingId, access });
    api(`/api/meetings/${encodeURIComponent(meetingId)}/access`, meetingAccessResponseSchema).then(
      () => done({ state: 'allowed' }),
      (err: unknown) => done({ state: 'refused', code: errorCodeOf(err) }),
    );
    return () => {
      live = false;
    };
  }, [meetingId]);
  return answer?.meetingId === meetingId ? answer.access : { state: 'checking' };
}
