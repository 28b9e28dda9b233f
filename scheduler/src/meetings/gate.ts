import { AppError } from '@giaoban/common/errors';
import type { JoinGrant, MeetingGate } from '@giaoban/common/ports';
import type { SessionClaims } from '@giaoban/common/session';
import type { OrgTree } from '../orgTree/orgTree';
import type { MeetingService } from './meetingService';
import { occurrenceId, openSlot, type OccurrenceSlot } from './occurrences';
import { isManager } from './rights';

/**
 * Who may enter a meeting room, and when: the occurrence of the meeting that is
 * open now (from 10 minutes before its start to its end plus grace), and only
 * invited units, the organising unit, and hosts of units above any of them.
 */
export class SchedulerGate implements MeetingGate {
  readonly #tree: OrgTree;
  readonly #meetings: MeetingService;

  constructor(tree: OrgTree, meetings: MeetingService) {
    this.#tree = tree;
    this.#meetings = meetings;
  }

  /** The occurrence of a meeting whose room is open at `now`, if any. */
  openSlot(meetingId: string, now = Date.now()): OccurrenceSlot | undefined {
    return openSlot(this.#meetings.store.get(meetingId), this.#meetings.timing, now);
  }

  async authorizeJoin(meetingId: string, session: SessionClaims): Promise<JoinGrant> {
    const entry = this.#meetings.store.get(meetingId);
    if (!entry) throw new AppError('NOT_FOUND');
    const meeting = entry.meeting;
    const invitedOnce = (u: string) =>
      meeting.invitedUnitIds.includes(u) || meeting.hostUnitId === u;
    const slot = this.openSlot(meetingId);
    const invited = slot ? slot.invitedUnitIds : meeting.invitedUnitIds;
    const mayJoin = (unitId: string) =>
      invited.includes(unitId) ||
      meeting.hostUnitId === unitId ||
      (isManager(session) &&
        (this.#tree.isInSubtree(unitId, meeting.hostUnitId) ||
          invited.some((u) => this.#tree.isInSubtree(unitId, u))));
    if (!mayJoin(session.unitId)) {
      // Strangers learn nothing about the meeting (not even whether it is open) but
      // that they are not invited: they hold its link, so they know it exists.
      throw invitedOnce(session.unitId) ? new AppError('FORBIDDEN') : new AppError('NOT_INVITED');
    }
    if (!slot) throw new AppError('MEETING_NOT_OPEN');
    const isHost = isManager(session) && this.#tree.isInSubtree(session.unitId, meeting.hostUnitId);
    return {
      meetingId,
      occurrenceId: occurrenceId(meetingId, slot.originalStart),
      title: slot.override?.title ?? meeting.title,
      kind: meeting.kind,
      isHost,
      audioFirst: meeting.audioFirst,
      videoUnitIds: meeting.videoUnitIds,
      invitedUnitIds: slot.invitedUnitIds,
    };
  }
}
