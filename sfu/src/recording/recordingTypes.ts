import { z } from 'zod';

/**
 * What crosses the SfuClient boundary about a meeting's recording: plain,
 * serialisable data, validated by the remote protocol (sfu/src/remote).
 */

const id = z.string().min(1).max(200);

/** One unit's audio, one file: from the moment its microphone was first heard to its end. */
export const recordingTrackSchema = z.object({
  /** File name inside the recording's folder (`.ogg` once finalised, `.part` while written). */
  file: z.string().min(1).max(200),
  unitId: id,
  endpointId: id,
  /** A new segment starts after a worker death or an SFU node move. */
  segment: z.number().int().min(0),
  /** Where the track starts on the recording's timeline (ms since the recording started). */
  offsetMs: z.number().int().min(0),
  /** Where it ended; null while it is being written. */
  endMs: z.number().int().min(0).nullable(),
  bytes: z.number().int().min(0),
  /** ended: finalised by a clean stop; lost: its writer died (the `.part` was salvaged or not). */
  state: z.enum(['recording', 'ended', 'lost']),
});
export type RecordingTrack = z.infer<typeof recordingTrackSchema>;

export const startRecordingSchema = z.object({
  recordingId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/),
  /** Epoch ms of the recording's start: the origin of every track offset. */
  startedAt: z.number().int().min(0),
  /** The segment this node starts with (0, or the next one after a node move). */
  segment: z.number().int().min(0),
});
export type StartRecording = z.infer<typeof startRecordingSchema>;

export const recordingStatusSchema = z.object({
  recordingId: z.string(),
  segment: z.number().int().min(0),
  tracks: z.array(recordingTrackSchema),
});
export type RecordingStatus = z.infer<typeof recordingStatusSchema>;

export const recordingMixSchema = z.object({
  file: z.string(),
  bytes: z.number().int().min(0),
  durationMs: z.number().int().min(0),
});

export const recordingResultSchema = z.object({
  recordingId: z.string(),
  /** Every track of every segment (other nodes' too: read from the shared folder). */
  tracks: z.array(recordingTrackSchema),
  segments: z.number().int().min(1),
  /** The mixed track (all units, aligned by their offsets); null when nothing was heard. */
  mix: recordingMixSchema.nullable(),
  durationMs: z.number().int().min(0),
});
export type RecordingResult = z.infer<typeof recordingResultSchema>;

/** Why a recorder stopped by itself. */
export const recorderStopReasonSchema = z.enum(['diskFull', 'failed', 'meetingClosed']);
export type RecorderStopReason = z.infer<typeof recorderStopReasonSchema>;

/** The recorder's own news, published like every SfuEvent. */
export type RecordingEvent =
  | {
      type: 'recording';
      meetingId: string;
      recordingId: string;
      state: 'segment';
      segment: number;
    }
  | {
      type: 'recording';
      meetingId: string;
      recordingId: string;
      state: 'stopped';
      reason: RecorderStopReason;
      result: RecordingResult | null;
    };

export const recordingEventSchema = z.union([
  z.object({
    type: z.literal('recording'),
    meetingId: id,
    recordingId: id,
    state: z.literal('segment'),
    segment: z.number().int().min(0),
  }),
  z.object({
    type: z.literal('recording'),
    meetingId: id,
    recordingId: id,
    state: z.literal('stopped'),
    reason: recorderStopReasonSchema,
    result: recordingResultSchema.nullable(),
  }),
]);
