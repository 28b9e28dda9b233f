import { useEffect, useState } from 'react';
import { meetingAccessResponseSchema } from '@giaoban/scheduler/api/meetings';
import { api, errorCodeOf, type ClientErrorCode } from '../../app/api';

export type MeetingAccess =
  | { state: 'checking' }
  | { state: 'allowed' }
  | { state: 'refused'; code: ClientErrorCode };

/**
 * May this unit enter the room now? Asked before the pre-join check opens a
 * microphone or camera: a commune of another district that opens a meeting's
 * link is told it is not invited, with no device opened.
 */
export function useMeetingAccess(meetingId: string): MeetingAccess {
  const [access, setAccess] = useState<MeetingAccess>({ state: 'checking' });
  useEffect(() => {
    let live = true;
    setAccess({ state: 'checking' });
    api(
      `/api/meetings/${encodeURIComponent(meetingId)}/access`,
      meetingAccessResponseSchema,
    ).then(
      () => live && setAccess({ state: 'allowed' }),
      (err: unknown) => live && setAccess({ state: 'refused', code: errorCodeOf(err) }),
    );
    return () => {
      live = false;
    };
  }, [meetingId]);
  return access;
}
