import { z } from 'zod';

/** REST contract of attendance per occurrence and unit, imported by the client. */
export const attendanceRowSchema = z.object({
  unitId: z.string(),
  unitName: z.string(),
  parentId: z.string().nullable(),
  invited: z.boolean(),
  firstJoinAt: z.string().nullable(),
  lastLeaveAt: z.string().nullable(),
  /** Minutes with at least one endpoint of the unit in the meeting. */
  minutesPresent: z.number(),
  /** Minutes present with every endpoint of the unit in audio-only. */
  minutesAudioOnly: z.number(),
  /** Times the unit came back after dropping out (or an endpoint reconnected). */
  reconnects: z.number(),
  /** Connected right now. */
  present: z.boolean(),
  /** The unit joined by telephone (dial-in or dial-out) at least once. */
  joinedByPhone: z.boolean().optional(),
  /** Minutes with at least one of its endpoints in by telephone. */
  minutesByPhone: z.number().optional(),
});
export type AttendanceRow = z.infer<typeof attendanceRowSchema>;

export const attendanceResponseSchema = z.object({
  occurrenceId: z.string(),
  meetingId: z.string(),
  title: z.string(),
  startsAt: z.string(),
  rows: z.array(attendanceRowSchema),
});
export type AttendanceResponse = z.infer<typeof attendanceResponseSchema>;
