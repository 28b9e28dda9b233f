import { AppError } from '@giaoban/common/errors';
import type { SessionClaims } from '@giaoban/common/session';
import type { ListOccurrencesQuery, Occurrence } from '../api/meetings';
import type { OrgTree } from '../orgTree/orgTree';
import type { MeetingService } from './meetingService';
import { findSlot, parseOccurrenceId, toOccurrence, type OccurrenceSlot } from './occurrences';
import { canSee, inReach, isManager } from './rights';
import { collectCooperatively, mapCooperatively, Pacer } from './cooperative';

const MAX_WINDOW_MS = 92 * 86_400_000;
/** A listing holds at most this many occurrences; a wider one must be narrowed (window, unit). */
export const MAX_LISTED = 5000;

/** Read side: occurrences a session may see. */
export class MeetingViews {
  readonly #tree: OrgTree;
  readonly #meetings: MeetingService;

  constructor(tree: OrgTree, meetings: MeetingService) {
    this.#tree = tree;
    this.#meetings = meetings;
  }

  visible(session: SessionClaims, slot: OccurrenceSlot): boolean {
    return canSee(this.#tree, session, slot.meeting.hostUnitId, slot.invitedUnitIds);
  }

  async list(
    session: SessionClaims,
    query: ListOccurrencesQuery,
    now = Date.now(),
  ): Promise<Occurrence[]> {
    const from = Date.parse(query.from);
    const to = Date.parse(query.to);
    if (!(to > from) || to - from > MAX_WINDOW_MS) {
      throw new AppError('BAD_REQUEST', [{ path: 'to', message: 'window must be 0–92 days' }]);
    }
    const unitId = query.unitId;
    if (
      unitId !== undefined &&
      unitId !== session.unitId &&
      !inReach(this.#tree, session, unitId)
    ) {
      throw new AppError('UNIT_OUT_OF_SCOPE', { unitIds: [unitId] });
    }
    // Members and single-unit views only look at that unit's meetings.
    const narrow = unitId ?? (isManager(session) ? undefined : session.unitId);
    const pacer = new Pacer();
    const slots = await collectCooperatively(
      this.#meetings.slots(from, to, narrow ? [narrow] : undefined),
      (slot) =>
        (unitId === undefined ||
          slot.invitedUnitIds.includes(unitId) ||
          slot.meeting.hostUnitId === unitId) &&
        this.visible(session, slot),
      MAX_LISTED,
      pacer,
    );
    if (slots.truncated)
      throw new AppError('BAD_REQUEST', [
        {
          path: 'to',
          message: `more than ${MAX_LISTED} occurrences: narrow the window or the unit`,
        },
      ]);
    const out = await mapCooperatively(
      slots,
      (slot) => toOccurrence(slot, this.#meetings.timing, now),
      pacer,
    );
    return out.sort((a, b) => a.startsAt.localeCompare(b.startsAt) || a.id.localeCompare(b.id));
  }

  /** The slot of an occurrence id, NOT_FOUND when unknown or invisible to the session. */
  slot(session: SessionClaims | null, id: string): OccurrenceSlot {
    const { meetingId, originalStart } = parseOccurrenceId(id);
    const entry = this.#meetings.store.get(meetingId);
    if (!entry) throw new AppError('NOT_FOUND');
    const slot = findSlot(entry, originalStart);
    // Invisible occurrences answer NOT_FOUND, so ids of other units' meetings leak nothing.
    if (session && !this.visible(session, slot)) throw new AppError('NOT_FOUND');
    return slot;
  }

  occurrence(session: SessionClaims, id: string, now = Date.now()): Occurrence {
    return toOccurrence(this.slot(session, id), this.#meetings.timing, now);
  }
}
