import { useEffect, useState } from 'react';
import { z } from 'zod';
import { occurrenceResponseSchema, type Occurrence } from '@giaoban/scheduler/api/meetings';
import { api } from '../../app/api';
import type { HostActions } from '../hostPanel/HostPanel';
import { useMeeting } from '../meeting/meetingStore';
import { getMeeting, listOccurrences } from '../scheduling/meetingsApi';

/** A store action that failed: rethrown with its code so the panel can show it. */
const check = async (ok: Promise<boolean>) => {
  if (!(await ok))
    throw Object.assign(new Error('refused'), { code: useMeeting.getState().error ?? 'INTERNAL' });
};

/**
 * What the host panel needs beyond presence: the invited units and the
 * occurrence being held (for attendance and "end"), from the scheduler.
 */
export function useHostSide(meetingId: string, isHost: boolean) {
  const [invitedUnitIds, setInvited] = useState<string[]>([]);
  const [occurrence, setOccurrence] = useState<Occurrence | null>(null);

  useEffect(() => {
    if (!isHost) return;
    let live = true;
    const now = Date.now();
    void Promise.all([
      getMeeting(meetingId).catch(() => null),
      listOccurrences({
        from: new Date(now - 12 * 3600_000),
        to: new Date(now + 12 * 3600_000),
      }).catch(() => []),
    ]).then(([meeting, list]) => {
      if (!live) return;
      const current =
        list.find((o) => o.meetingId === meetingId && o.status === 'open') ??
        list.find((o) => o.meetingId === meetingId) ??
        null;
      setOccurrence(current);
      setInvited(current?.invitedUnitIds ?? meeting?.invitedUnitIds ?? []);
    });
    return () => {
      live = false;
    };
  }, [meetingId, isHost]);

  const m = () => useMeeting.getState();
  const actions: HostActions = {
    mute: (id) => check(m().muteEndpoint(id)),
    muteAll: () => check(m().muteAll()),
    giveFloor: (id) => check(m().giveFloor(id)),
    takeFloor: () => check(m().takeFloor()),
    lowerAllHands: () => check(m().lowerAllHands()),
    remove: (id) => check(m().removeEndpoint(id)),
    lock: (locked) => check(m().lockMeeting(locked)),
    record: (on) => check(on ? m().startRecording() : m().stopRecording()),
    async end() {
      if (!occurrence) throw Object.assign(new Error('no occurrence'), { code: 'NOT_FOUND' });
      // Ending the occurrence closes the room for everyone (the scheduler tells signaling).
      await api(
        `/api/occurrences/${encodeURIComponent(occurrence.id)}/end`,
        occurrenceResponseSchema,
        {
          method: 'POST',
        },
      );
    },
    async downloadAttendance() {
      if (!occurrence) throw Object.assign(new Error('no occurrence'), { code: 'NOT_FOUND' });
      // Checked first so a refusal shows as a message instead of a broken download.
      await api(`/api/attendance/${encodeURIComponent(occurrence.id)}`, z.unknown());
      const a = document.createElement('a');
      a.href = `/api/attendance/${encodeURIComponent(occurrence.id)}/csv`;
      a.download = `diem-danh-${occurrence.id}.csv`;
      document.body.append(a);
      a.click();
      a.remove();
    },
  };
  return { invitedUnitIds, occurrence, actions };
}
