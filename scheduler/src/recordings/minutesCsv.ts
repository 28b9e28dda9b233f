import type { TimelineEntry } from '../api/recordings';
import { csvCell, vnCsvTime } from '../attendance/attendanceReport';

/**
 * The minutes as rows appended to the attendance CSV (`?minutes=1`): one row
 * per timeline event of each recording the reader may play.
 */
export function minutesCsv(
  recordings: { id: string; timeline: readonly TimelineEntry[] }[],
): string {
  const header = ['recording_id', 'offset_s', 'time_vn', 'event', 'unit_id', 'unit_name', 'value'];
  const lines = recordings.flatMap((r) =>
    r.timeline.map((e) =>
      [
        r.id,
        (e.t / 1000).toFixed(1),
        vnCsvTime(new Date(e.at).toISOString()),
        e.type,
        e.unitId ?? null,
        e.unitName ?? null,
        e.value === undefined ? null : e.value,
      ]
        .map(csvCell)
        .join(','),
    ),
  );
  return `${header.join(',')}\r\n${lines.map((l) => `${l}\r\n`).join('')}`;
}
