import { z } from 'zod';

/** REST shapes of the phone bridge (docs/phone.md), shared by the scheduler, the client and the phone role. */

/** The phone role turns a caller's PIN into a session of the PIN's unit (Bearer: the phone key). */
export const phoneSessionRequestSchema = z.object({ pin: z.string().regex(/^\d{1,12}$/) });

export const phoneSessionResponseSchema = z.object({
  token: z.string(),
  meetingId: z.string(),
  unitId: z.string(),
  unitName: z.string(),
  title: z.string(),
});
export type PhoneSessionResponse = z.infer<typeof phoneSessionResponseSchema>;

/** Dial-out: the phone role asks for a session of the unit it called (Bearer: the phone key). */
export const unitSessionRequestSchema = z.object({
  meetingId: z.string().min(1),
  unitId: z.string().min(1),
});

/** Dial-in for one meeting: the number, and the PINs this session may see (the host: every unit's). */
/**
 * A dial-out call's progress (docs/phone.md "Dial-out"): queued → calling (INVITE sent) →
 * ringing (180/183) → joined (pressed 1, in the meeting); or noAnswer / busy / failed after
 * the last number; cancelled when no longer needed (acknowledged, joined, emergency ended).
 */
export const dialStateSchema = z.enum([
  'queued',
  'calling',
  'ringing',
  'answered',
  'joined',
  'noAnswer',
  'busy',
  'failed',
  'cancelled',
]);
export type DialState = z.infer<typeof dialStateSchema>;
/** States after which nothing more happens on that call. */
export const finalDialStates: readonly DialState[] = [
  'joined',
  'noAnswer',
  'busy',
  'failed',
  'cancelled',
];

export const dialCallSchema = z.object({
  callId: z.string(),
  unitId: z.string(),
  state: dialStateSchema,
  /** Which of the unit's numbers (1-based) is being called; never the number itself. */
  attempt: z.number().int(),
  at: z.string(),
  reason: z.enum(['host', 'emergency']),
});
export type DialCall = z.infer<typeof dialCallSchema>;

export const meetingPhoneSchema = z.object({
  number: z.string().nullable(),
  pins: z.array(
    z.object({
      unitId: z.string(),
      unitName: z.string(),
      pin: z.string(),
      /** The host's view: the unit has numbers to call (dial-out). */
      callable: z.boolean().optional(),
    }),
  ),
  /** The host may call units (the phone bridge is configured). */
  dialOut: z.boolean().optional(),
  /** The host's view: each unit's latest dial-out call. */
  calls: z.array(dialCallSchema).optional(),
});
export type MeetingPhone = z.infer<typeof meetingPhoneSchema>;

/**
 * A unit's phone number as the admin types it: digits, spaces, dots or dashes, an optional
 * leading +; kept as digits (with the +). Vietnamese numbers: 0912 345 678, +84 912 345 678.
 */
export const phoneNumberSchema = z
  .string()
  .trim()
  .regex(/^\+?[0-9][0-9 .-]{6,20}$/, 'not a phone number')
  .transform((v) => v.replace(/[ .-]/g, ''))
  .refine((v) => /^\+?[0-9]{8,15}$/.test(v), 'not a phone number');

/** The shortest per-unit escalation delay the admin may set, in minutes (3 s). */
export const ESCALATE_MIN_MIN = 0.05;

/** The numbers the phone bridge calls and texts for a unit (alert escalation, dial-out). */
export const unitPhonesSchema = z.object({
  unitId: z.string(),
  numbers: z.array(z.string()),
  /** Minutes without acknowledgement before the alert SMS; null: the default below. */
  escalateAfterMin: z.number().nullable(),
  /** SMS_ESCALATE_AFTER_MIN. */
  defaultEscalateAfterMin: z.number(),
  /** Whether this server sends SMS at all (SMPP_URL set). */
  smsEnabled: z.boolean(),
});
export type UnitPhones = z.infer<typeof unitPhonesSchema>;

/** Admin edit: the unit's whole list (at most 5 numbers, no duplicates). */
export const updateUnitPhonesRequestSchema = z.object({
  numbers: z
    .array(phoneNumberSchema)
    .max(5)
    .refine((l) => new Set(l).size === l.length, 'duplicate number'),
  /** Omitted: unchanged; null: back to the default. */
  escalateAfterMin: z
    .number()
    .min(ESCALATE_MIN_MIN)
    .max(24 * 60)
    .nullable()
    .optional(),
});
export type UpdateUnitPhonesRequest = z.infer<typeof updateUnitPhonesRequestSchema>;

/** The host's "Gọi điện": POST /meetings/:id/phone/calls. */
export const dialRequestSchema = z.object({ unitId: z.string().min(1) });

/** The dial-out queue's job (bullmq `gb-phone-dialout`): no number in it, the role asks for them. */
export const dialJobSchema = z.object({ callId: z.string().min(1) });
export type DialJob = z.infer<typeof dialJobSchema>;

/** The phone role starts (or goes on with) a call: what to call and what to say. */
export const dialPlanSchema = z.object({
  proceed: z.boolean(),
  meetingId: z.string(),
  unitId: z.string(),
  numbers: z.array(z.string()),
  title: z.string(),
  hostName: z.string(),
});
export type DialPlan = z.infer<typeof dialPlanSchema>;

/** The phone role reports a call's progress; the answer says whether to go on. */
export const dialReportSchema = z.object({
  state: dialStateSchema,
  attempt: z.number().int().min(0).max(10),
});
export const dialReportResponseSchema = z.object({ proceed: z.boolean() });
