import { z } from 'zod';
import { freeText } from '@giaoban/common/text';

/** REST contract of meetings and occurrences, imported by the client. */

/** Vietnam has kept UTC+7 without daylight saving since 1975. */
export const MEETING_TIME_ZONE = 'Asia/Ho_Chi_Minh';

const unitId = z.string().regex(/^[A-Z0-9]{1,10}$/);

/**
 * Who is invited, resolved against the org tree when the meeting is saved:
 * a unit; its direct children; every unit of a tier below it ("all communes of
 * district 452": { type: 'tier', unitId: '452', tier: 'commune' }); or the unit
 * with everything below it (the whole province: { type: 'subtree', unitId: '44' }).
 */
export const selectorSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('unit'), unitId }),
  z.object({ type: z.literal('children'), unitId }),
  z.object({ type: z.literal('tier'), unitId, tier: z.string().min(1).max(32) }),
  z.object({ type: z.literal('subtree'), unitId }),
]);
export type Selector = z.infer<typeof selectorSchema>;

/** An instant with an explicit offset, e.g. 2026-12-07T08:00:00+07:00. */
export const instantSchema = z.iso.datetime({ offset: true });

export const recurrenceSchema = z.object({
  /** RFC 5545 RRULE without DTSTART, e.g. FREQ=WEEKLY;BYDAY=MO;COUNT=20 (in Vietnam time). */
  rrule: z.string().min(6).max(300),
});

export const meetingKindSchema = z.enum(['regular', 'emergency']);

const meetingFields = {
  title: freeText({ min: 1, max: 200 }),
  description: freeText({ max: 2000, multiline: true }).default(''),
  start: instantSchema,
  durationMinutes: z
    .number()
    .int()
    .min(5)
    .max(12 * 60),
  recurrence: recurrenceSchema.nullable().default(null),
  selectors: z.array(selectorSchema).min(1).max(50),
};

export const createMeetingRequestSchema = z.object({
  ...meetingFields,
  /** The organising unit; defaults to the caller's unit, must be within it. */
  hostUnitId: unitId.optional(),
});
export type CreateMeetingRequest = z.input<typeof createMeetingRequestSchema>;

export const updateMeetingRequestSchema = z
  .object({
    title: meetingFields.title,
    description: freeText({ max: 2000, multiline: true }),
    start: instantSchema,
    durationMinutes: meetingFields.durationMinutes,
    recurrence: recurrenceSchema.nullable(),
    selectors: meetingFields.selectors,
  })
  .partial()
  .extend({ /** Optimistic concurrency: the version the caller saw. */ version: z.number().int() });
export type UpdateMeetingRequest = z.infer<typeof updateMeetingRequestSchema>;

export const startNowRequestSchema = z.object({
  title: meetingFields.title,
  durationMinutes: meetingFields.durationMinutes.default(60),
  selectors: meetingFields.selectors,
});
export type StartNowRequest = z.input<typeof startNowRequestSchema>;

export const editOccurrenceRequestSchema = z
  .object({
    title: meetingFields.title,
    start: instantSchema,
    durationMinutes: meetingFields.durationMinutes,
    selectors: meetingFields.selectors,
  })
  .partial()
  .refine((v) => Object.keys(v).length > 0, 'nothing to change');
export type EditOccurrenceRequest = z.infer<typeof editOccurrenceRequestSchema>;

export const meetingSchema = z.object({
  id: z.string(),
  title: z.string(),
  description: z.string(),
  kind: meetingKindSchema,
  hostUnitId: z.string(),
  createdBy: z.string(),
  start: z.string(),
  durationMinutes: z.number(),
  timeZone: z.literal(MEETING_TIME_ZONE),
  recurrence: recurrenceSchema.nullable(),
  selectors: z.array(selectorSchema),
  invitedUnitIds: z.array(z.string()),
  audioFirst: z.boolean(),
  videoUnitIds: z.array(z.string()),
  status: z.enum(['active', 'cancelled']),
  version: z.number(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Meeting = z.infer<typeof meetingSchema>;

export const occurrenceStatusSchema = z.enum(['scheduled', 'open', 'closed', 'cancelled']);
export type OccurrenceStatus = z.infer<typeof occurrenceStatusSchema>;

export const occurrenceSchema = z.object({
  /** `<meetingId>.<original start in ms>`: stable even when the occurrence is moved. */
  id: z.string(),
  meetingId: z.string(),
  title: z.string(),
  kind: meetingKindSchema,
  hostUnitId: z.string(),
  startsAt: z.string(),
  endsAt: z.string(),
  /** When the room opens (before the start) and closes (after the end plus grace). */
  opensAt: z.string(),
  closesAt: z.string(),
  status: occurrenceStatusSchema,
  recurring: z.boolean(),
  /** This occurrence was edited on its own. */
  edited: z.boolean(),
  invitedUnitIds: z.array(z.string()),
  audioFirst: z.boolean(),
});
export type Occurrence = z.infer<typeof occurrenceSchema>;

export const conflictSchema = z.object({
  occurrenceId: z.string(),
  otherOccurrenceId: z.string(),
  otherTitle: z.string(),
  startsAt: z.string(),
  /** Invited units that already have an overlapping meeting. */
  unitIds: z.array(z.string()),
});
export type Conflict = z.infer<typeof conflictSchema>;

export const meetingResponseSchema = z.object({
  meeting: meetingSchema,
  /** Warnings only: the meeting was saved. */
  conflicts: z.array(conflictSchema),
});
export type MeetingResponse = z.infer<typeof meetingResponseSchema>;

export const startNowResponseSchema = meetingResponseSchema.extend({
  occurrence: occurrenceSchema,
});
export type StartNowResponse = z.infer<typeof startNowResponseSchema>;

export const listOccurrencesQuerySchema = z.object({
  from: instantSchema,
  to: instantSchema,
  /** Only occurrences this unit is invited to (must be within the caller's reach). */
  unitId: unitId.optional(),
});
export type ListOccurrencesQuery = z.infer<typeof listOccurrencesQuerySchema>;

export const occurrencesResponseSchema = z.object({ occurrences: z.array(occurrenceSchema) });
export type OccurrencesResponse = z.infer<typeof occurrencesResponseSchema>;

export const occurrenceResponseSchema = z.object({
  occurrence: occurrenceSchema,
  conflicts: z.array(conflictSchema),
});
export type OccurrenceResponse = z.infer<typeof occurrenceResponseSchema>;

/**
 * GET /meetings/{id}/access: may this unit enter the room now? Asked before the
 * pre-join check opens a camera. 200 when it may; otherwise the gate's error
 * (NOT_INVITED, FORBIDDEN, MEETING_NOT_OPEN, NOT_FOUND).
 */
export const meetingAccessResponseSchema = z.object({
  title: z.string(),
  kind: z.enum(['regular', 'emergency']),
  isHost: z.boolean(),
});
export type MeetingAccessResponse = z.infer<typeof meetingAccessResponseSchema>;
