import { z } from 'zod';

/**
 * REST contract of recordings and minutes, imported by the client; signaling
 * writes the timeline through the same shapes (RecordingLedger).
 */

export const timelineEventTypeSchema = z.enum([
  'started',
  'stopped',
  /** The active speaker changed (the SFU's speaker detection). */
  'speaker',
  /** The host gave the floor (unitId set) or took it back (no unitId). */
  'floor',
  'joined',
  'left',
  /** A unit went audio-only (value true) or back to video (false). */
  'audioOnly',
  /** A new segment began after a worker death or an SFU node move. */
  'segment',
]);
export type TimelineEventType = z.infer<typeof timelineEventTypeSchema>;

export const timelineEntrySchema = z.object({
  /** ms since the recording started: where the audio player seeks. */
  t: z.number().int().min(0),
  /** Epoch ms. */
  at: z.number().int(),
  type: timelineEventTypeSchema,
  unitId: z.string().optional(),
  unitName: z.string().optional(),
  value: z.union([z.boolean(), z.number(), z.string()]).optional(),
});
export type TimelineEntry = z.infer<typeof timelineEntrySchema>;

/** Who spoke when, derived from the timeline's speaker events. */
export const speakerTurnSchema = z.object({
  unitId: z.string(),
  unitName: z.string(),
  fromMs: z.number().int().min(0),
  toMs: z.number().int().min(0),
});
export type SpeakerTurn = z.infer<typeof speakerTurnSchema>;

export const recordingTrackViewSchema = z.object({
  file: z.string(),
  unitId: z.string(),
  unitName: z.string(),
  segment: z.number().int(),
  offsetMs: z.number().int(),
  endMs: z.number().int().nullable(),
  bytes: z.number().int(),
  state: z.enum(['recording', 'ended', 'lost']),
});
export type RecordingTrackView = z.infer<typeof recordingTrackViewSchema>;

export const recordingStatusSchema = z.enum(['recording', 'done', 'failed']);

export const stopReasonSchema = z.enum([
  'host',
  'meetingEnded',
  'diskFull',
  'failed',
  'meetingClosed',
]);
export type StopReason = z.infer<typeof stopReasonSchema>;

/** What everyone who may see the occurrence learns: that a recording exists. */
export const recordingSummarySchema = z.object({
  id: z.string(),
  meetingId: z.string(),
  occurrenceId: z.string(),
  title: z.string(),
  startedAt: z.string(),
  stoppedAt: z.string().nullable(),
  status: recordingStatusSchema,
  /** May list, play and download (the host's tier and above, the emergency command). */
  mayPlay: z.boolean(),
});
export type RecordingSummary = z.infer<typeof recordingSummarySchema>;

/** The whole recording, for those who may play it. */
export const recordingDetailSchema = recordingSummarySchema.extend({
  durationMs: z.number().int().min(0),
  stopReason: stopReasonSchema.nullable(),
  segments: z.number().int().min(1),
  auto: z.boolean(),
  startedBy: z.string().nullable(),
  mix: z
    .object({ file: z.string(), bytes: z.number().int(), durationMs: z.number().int() })
    .nullable(),
  tracks: z.array(recordingTrackViewSchema),
  timeline: z.array(timelineEntrySchema),
  speakers: z.array(speakerTurnSchema),
});
export type RecordingDetail = z.infer<typeof recordingDetailSchema>;

export const occurrenceRecordingsSchema = z.object({
  occurrenceId: z.string(),
  recordings: z.array(z.union([recordingDetailSchema, recordingSummarySchema])),
});
export type OccurrenceRecordings = z.infer<typeof occurrenceRecordingsSchema>;

/** GET /recordings/:id/file/:file — `download=1` for an attachment. */
export const recordingFileQuerySchema = z.object({
  download: z.enum(['0', '1']).optional(),
});

/** Speaker turns from the timeline: each speaker event ends the previous turn. */
export function speakerTurns(timeline: readonly TimelineEntry[], endMs: number): SpeakerTurn[] {
  const turns: SpeakerTurn[] = [];
  for (const e of timeline) {
    if (e.type !== 'speaker' || !e.unitId) continue;
    const last = turns.at(-1);
    if (last?.unitId === e.unitId) continue;
    if (last) last.toMs = e.t;
    turns.push({ unitId: e.unitId, unitName: e.unitName ?? e.unitId, fromMs: e.t, toMs: endMs });
  }
  if (turns.length > 0) turns.at(-1)!.toMs = Math.max(turns.at(-1)!.fromMs, endMs);
  return turns;
}
