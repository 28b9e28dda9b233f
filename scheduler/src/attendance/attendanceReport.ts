import type { SessionClaims } from '@giaoban/common/session';
import type { AttendanceResponse, AttendanceRow } from '../api/attendance';
import type { OccurrenceSlot } from '../meetings/occurrences';
import { occurrenceId } from '../meetings/occurrences';
import { isManager } from '../meetings/rights';
import type { OrgTree } from '../orgTree/orgTree';
import type { AttendanceStore } from './attendanceStore';
import { accrue, presentNow } from './unitPresence';

const minutes = (ms: number) => Math.round(ms / 600) / 100;
const isoOrNull = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/**
 * The attendance of one occurrence as the session may see it: the province (or
 * the commander, the admin) sees every unit, a district host its district and
 * communes, a member its own unit only.
 */
export async function attendanceReport(
  tree: OrgTree,
  store: AttendanceStore,
  slot: OccurrenceSlot,
  session: SessionClaims,
  now = Date.now(),
): Promise<AttendanceResponse> {
  const id = occurrenceId(slot.meeting.id, slot.originalStart);
  const presence = await store.ofOccurrence(id);
  const invited = new Set([...slot.invitedUnitIds, slot.meeting.hostUnitId]);
  const unitIds = [...new Set([...invited, ...presence.keys()])];
  const visible = (u: string) =>
    session.role === 'admin' ||
    (isManager(session) ? tree.isInSubtree(session.unitId, u) : u === session.unitId);
  const rows: AttendanceRow[] = unitIds.filter(visible).map((unitId) => {
    const unit = tree.get(unitId);
    const stored = presence.get(unitId);
    const p = stored ? accrue(stored, now) : undefined;
    return {
      unitId,
      unitName: unit?.name ?? unitId,
      parentId: unit?.parentId ?? null,
      invited: invited.has(unitId),
      firstJoinAt: isoOrNull(p?.firstJoin ?? null),
      lastLeaveAt: isoOrNull(p?.lastLeave ?? null),
      minutesPresent: p ? minutes(p.presentMs) : 0,
      minutesAudioOnly: p ? minutes(p.audioOnlyMs) : 0,
      reconnects: p?.reconnects ?? 0,
      present: p ? presentNow(p) : false,
      joinedByPhone: p?.joinedByPhone ?? false,
      minutesByPhone: p ? minutes(p.phoneMs ?? 0) : 0,
    };
  });
  rows.sort(
    (a, b) =>
      (a.parentId ?? '').localeCompare(b.parentId ?? '') || a.unitId.localeCompare(b.unitId),
  );
  return {
    occurrenceId: id,
    meetingId: slot.meeting.id,
    title: slot.override?.title ?? slot.meeting.title,
    startsAt: new Date(slot.start).toISOString(),
    rows,
  };
}

export const csvCell = (v: string | number | boolean | null) => {
  const s = v === null ? '' : String(v);
  // Quote always; neutralise spreadsheet formulas in names.
  return `"${(/^[=+\-@]/.test(s) ? `'${s}` : s).replace(/"/g, '""')}"`;
};

/**
 * An instant as Vietnam wall-clock time, "2026-12-07 08:00:00": a clerk's
 * spreadsheet showed UTC ("…T01:00:00.000Z") for an 08:00 meeting. Year first
 * so that no spreadsheet locale reads the day as the month.
 */
export function vnCsvTime(iso: string | null): string | null {
  if (iso === null) return null;
  return new Date(Date.parse(iso) + 7 * 3600_000).toISOString().slice(0, 19).replace('T', ' ');
}

export function attendanceCsv(report: AttendanceResponse): string {
  const header = [
    'occurrence_id',
    'meeting_title',
    'starts_at_vn',
    'unit_id',
    'unit_name',
    'parent_id',
    'invited',
    'first_join_vn',
    'last_leave_vn',
    'minutes_present',
    'minutes_audio_only',
    'reconnects',
    'present_now',
    'joined_by_phone',
    'minutes_by_phone',
  ];
  const lines = report.rows.map((r) =>
    [
      report.occurrenceId,
      report.title,
      vnCsvTime(report.startsAt),
      r.unitId,
      r.unitName,
      r.parentId,
      r.invited,
      vnCsvTime(r.firstJoinAt),
      vnCsvTime(r.lastLeaveAt),
      r.minutesPresent,
      r.minutesAudioOnly,
      r.reconnects,
      r.present,
      r.joinedByPhone ?? false,
      r.minutesByPhone ?? 0,
    ]
      .map(csvCell)
      .join(','),
  );
  // BOM so that spreadsheet programs read the Vietnamese names as UTF-8.
  return `\uFEFF${header.join(',')}\r\n${lines.join('\r\n')}\r\n`;
}
