import type { Conflict } from '../api/meetings';
import type { CatalogEntry, MeetingStore } from './meetingStore';
import { occurrenceId, slotsInWindow, type OccurrenceSlot } from './occurrences';

/** Conflicts are looked for in the next occurrences only: a warning, not a plan. */
const LOOKAHEAD_MS = 31 * 86_400_000;
const MAX_CHECKED = 12;

const live = (s: OccurrenceSlot) =>
  s.meeting.status === 'active' && !s.override?.cancelled && !s.override?.endedAt;

/**
 * Upcoming occurrences of this meeting that overlap another active meeting
 * sharing at least one invited unit.
 */
export function findConflicts(
  store: MeetingStore,
  entry: CatalogEntry,
  now = Date.now(),
): Conflict[] {
  const from = Math.max(now - 12 * 3600_000, entry.firstStart);
  const mine = slotsInWindow(entry, from, from + LOOKAHEAD_MS)
    .filter(live)
    .slice(0, MAX_CHECKED);
  if (!mine.length) return [];
  const windowStart = mine[0]!.start;
  const windowEnd = Math.max(...mine.map((s) => s.end));
  const conflicts: Conflict[] = [];
  const units = new Set(mine.flatMap((s) => s.invitedUnitIds));
  for (const other of store.forUnits(units)) {
    if (other.meeting.id === entry.meeting.id || other.meeting.status !== 'active') continue;
    if (other.firstStart >= windowEnd || other.lastEnd <= windowStart) continue;
    for (const slot of mine) {
      const invited = new Set(slot.invitedUnitIds);
      for (const theirs of slotsInWindow(other, slot.start, slot.end)) {
        if (!live(theirs)) continue;
        const shared = theirs.invitedUnitIds.filter((u) => invited.has(u));
        if (!shared.length) continue;
        conflicts.push({
          occurrenceId: occurrenceId(entry.meeting.id, slot.originalStart),
          otherOccurrenceId: occurrenceId(other.meeting.id, theirs.originalStart),
          otherTitle: theirs.override?.title ?? other.meeting.title,
          startsAt: new Date(slot.start).toISOString(),
          unitIds: shared.slice(0, 50),
        });
        if (conflicts.length >= 50) return conflicts;
      }
    }
  }
  return conflicts;
}
