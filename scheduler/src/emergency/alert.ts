import type { Emergency } from '../api/emergency';

/** The alert as units receive it (first time and again). */
export function alertOf(e: Emergency, unitName?: string) {
  return {
    emergencyId: e.id,
    meetingId: e.meetingId,
    occurrenceId: e.occurrenceId,
    title: e.title,
    message: e.message,
    convenerUnitId: e.convenerUnitId,
    // The command, not its unit: "Ban Chỉ huy Tỉnh Quảng Bình", not "Tỉnh Quảng Bình".
    convenerName: e.convenerName ?? unitName ?? e.convenerUnitId,
    startedAt: e.startedAt,
    audioFirst: true as const,
  };
}
