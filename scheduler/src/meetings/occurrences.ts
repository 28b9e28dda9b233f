import { AppError } from '@giaoban/common/errors';
import type { Occurrence, OccurrenceStatus } from '../api/meetings';
import type { CatalogEntry, OccurrenceOverride, StoredMeeting } from './meetingStore';

export interface Timing {
  reminderLeadMs: number;
  openLeadMs: number;
  closeGraceMs: number;
}

/** One concrete occurrence: times in ms, the override applied. */
export interface OccurrenceSlot {
  meeting: StoredMeeting;
  originalStart: number;
  start: number;
  end: number;
  override: OccurrenceOverride | undefined;
  invitedUnitIds: string[];
}

export const occurrenceId = (meetingId: string, originalStart: number) =>
  `${meetingId}.${originalStart}`;

export function parseOccurrenceId(id: string): { meetingId: string; originalStart: number } {
  const m = /^([a-z0-9]{4,40})\.(\d{10,16})$/.exec(id);
  if (!m) throw new AppError('NOT_FOUND');
  return { meetingId: m[1] as string, originalStart: Number(m[2]) };
}

export function slotOf(meeting: StoredMeeting, originalStart: number): OccurrenceSlot {
  const override = meeting.exceptions[String(originalStart)];
  const start = override?.start ? Date.parse(override.start) : originalStart;
  const duration = (override?.durationMinutes ?? meeting.durationMinutes) * 60_000;
  return {
    meeting,
    originalStart,
    start,
    end: start + duration,
    override,
    invitedUnitIds: override?.invitedUnitIds ?? meeting.invitedUnitIds,
  };
}

/** The slot for an occurrence id, or NOT_FOUND if the series never produces it. */
export function findSlot(entry: CatalogEntry, originalStart: number): OccurrenceSlot {
  const known =
    entry.meeting.exceptions[String(originalStart)] !== undefined ||
    binarySearch(entry.starts, originalStart) >= 0;
  if (!known) throw new AppError('NOT_FOUND');
  return slotOf(entry.meeting, originalStart);
}

function binarySearch(sorted: number[], value: number): number {
  let lo = 0;
  let hi = sorted.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const v = sorted[mid] as number;
    if (v === value) return mid;
    if (v < value) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

/** First index whose value is ≥ value. */
function lowerBound(sorted: number[], value: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((sorted[mid] as number) < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

const MAX_DURATION_MS = 12 * 3600_000;

/** Occurrences of one meeting overlapping [from, to), cancelled ones included. */
export function slotsInWindow(entry: CatalogEntry, from: number, to: number): OccurrenceSlot[] {
  if (entry.firstStart >= to || entry.lastEnd <= from) return [];
  const { meeting, starts } = entry;
  const out: OccurrenceSlot[] = [];
  for (let i = lowerBound(starts, from - MAX_DURATION_MS); i < starts.length; i++) {
    const original = starts[i] as number;
    if (original >= to && original - MAX_DURATION_MS >= to) break;
    const slot = slotOf(meeting, original);
    if (slot.override?.start) continue; // moved: handled below by its new time
    if (slot.start < to && slot.end > from) out.push(slot);
  }
  for (const [key, o] of Object.entries(meeting.exceptions)) {
    if (!o.start) continue;
    const slot = slotOf(meeting, Number(key));
    if (slot.start < to && slot.end > from) out.push(slot);
  }
  return out.sort((a, b) => a.start - b.start);
}

export function statusOf(slot: OccurrenceSlot, timing: Timing, now: number): OccurrenceStatus {
  if (slot.meeting.status === 'cancelled' || slot.override?.cancelled) return 'cancelled';
  if (slot.override?.endedAt || now >= slot.end + timing.closeGraceMs) return 'closed';
  if (now >= slot.start - timing.openLeadMs) return 'open';
  return 'scheduled';
}

/** The occurrence of a meeting whose room is open at `now`, if any. */
export function openSlot(
  entry: CatalogEntry | undefined,
  timing: Timing,
  now = Date.now(),
): OccurrenceSlot | undefined {
  if (!entry) return undefined;
  return slotsInWindow(entry, now - timing.closeGraceMs, now + timing.openLeadMs).find(
    (s) => statusOf(s, timing, now) === 'open',
  );
}

export function toOccurrence(slot: OccurrenceSlot, timing: Timing, now: number): Occurrence {
  const { meeting } = slot;
  const closesAt = slot.override?.endedAt
    ? Date.parse(slot.override.endedAt)
    : slot.end + timing.closeGraceMs;
  return {
    id: occurrenceId(meeting.id, slot.originalStart),
    meetingId: meeting.id,
    title: slot.override?.title ?? meeting.title,
    kind: meeting.kind,
    hostUnitId: meeting.hostUnitId,
    startsAt: new Date(slot.start).toISOString(),
    endsAt: new Date(slot.end).toISOString(),
    opensAt: new Date(slot.start - timing.openLeadMs).toISOString(),
    closesAt: new Date(closesAt).toISOString(),
    status: statusOf(slot, timing, now),
    recurring: meeting.recurrence !== null,
    edited: slot.override !== undefined,
    invitedUnitIds: slot.invitedUnitIds,
    audioFirst: meeting.audioFirst,
  };
}
