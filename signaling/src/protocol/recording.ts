import { z } from 'zod';
import { stopReasonSchema } from '@giaoban/scheduler/api/recordings';
import { emptySchema, req } from './common';

/** Recording the meeting (host only); everyone sees that it is recorded (MeetingView.recording). */

export const recordingViewSchema = z.object({
  id: z.string(),
  /** Epoch ms. */
  startedAt: z.number(),
  /** Started by itself (emergency meetings, RECORD_EMERGENCY). */
  auto: z.boolean(),
});
export type RecordingView = z.infer<typeof recordingViewSchema>;

export const recordingRequests = {
  'recording:start': req(emptySchema, recordingViewSchema, { hostOnly: true }),
  'recording:stop': req(emptySchema, z.object({ recordingId: z.string() }), { hostOnly: true }),
};

export const recordingNotifications = {
  /** The recording stopped: by a host, or by itself (the disk nearly full: hosts see why). */
  'recording:stopped': z.object({ recordingId: z.string(), reason: stopReasonSchema }),
};
