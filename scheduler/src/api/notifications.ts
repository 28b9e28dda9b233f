import { z } from 'zod';

/**
 * Server → endpoint notifications the scheduler sends through UnitNotifier
 * (signaling emits them as socket.io events of the same name to every socket of
 * the addressed units). Imported by signaling's protocol and by the client.
 */

const occurrenceRef = {
  meetingId: z.string(),
  occurrenceId: z.string(),
  title: z.string(),
};

export const meetingReminderSchema = z.object({
  ...occurrenceRef,
  kind: z.enum(['regular', 'emergency']),
  startsAt: z.string(),
  endsAt: z.string(),
  minutesBefore: z.number(),
});

export const meetingOpenedSchema = z.object({
  ...occurrenceRef,
  kind: z.enum(['regular', 'emergency']),
  startsAt: z.string(),
  endsAt: z.string(),
});

export const meetingClosedSchema = z.object(occurrenceRef);

export const meetingCancelledSchema = z.object({ ...occurrenceRef, startsAt: z.string() });

/** The unit is no longer invited to this occurrence (its endpoints in the room leave it). */
export const meetingUninvitedSchema = z.object(occurrenceRef);

export const emergencyAlertSchema = z.object({
  emergencyId: z.string(),
  meetingId: z.string(),
  occurrenceId: z.string(),
  title: z.string(),
  message: z.string(),
  convenerUnitId: z.string(),
  convenerName: z.string(),
  startedAt: z.string(),
  audioFirst: z.literal(true),
  /** Set when the convener alerted the silent units again: the siren sounds anew. */
  realertedAt: z.string().optional(),
});

export const rollCallUnitSchema = z.object({
  unitId: z.string(),
  unitName: z.string(),
  /** The alert was dispatched to the unit's connected endpoints. */
  notifiedAt: z.string().nullable(),
  /** An endpoint of the unit received the alert (automatic receipt). */
  deliveredAt: z.string().nullable(),
  /** A person of the unit pressed "acknowledge". */
  acknowledgedAt: z.string().nullable(),
  joinedAt: z.string().nullable(),
  /** Escalation when the app alert went unanswered: an SMS went to the unit's numbers (SMPP). */
  smsSentAt: z.string().nullable(),
  /** The SMSC reported the SMS delivered to a handset (delivery receipt). */
  smsDeliveredAt: z.string().nullable(),
  /** The phone bridge called the unit's numbers (dial-out: the host or the automatic escalation). */
  calledAt: z.string().nullable(),
  /** The unit joined by phone (dial-in with its PIN or an answered dial-out). */
  phoneJoinedAt: z.string().nullable(),
  /** Currently connected to the meeting. */
  present: z.boolean(),
  audioOnly: z.boolean(),
});
export type RollCallUnit = z.infer<typeof rollCallUnitSchema>;

export const rollCallSchema = z.object({
  emergencyId: z.string(),
  meetingId: z.string(),
  occurrenceId: z.string(),
  title: z.string(),
  startedAt: z.string(),
  endedAt: z.string().nullable(),
  units: z.array(rollCallUnitSchema),
  totals: z.object({
    invited: z.number(),
    delivered: z.number(),
    acknowledged: z.number(),
    joined: z.number(),
    present: z.number(),
    audioOnly: z.number(),
  }),
});
export type RollCall = z.infer<typeof rollCallSchema>;

export const emergencyEndedSchema = z.object({
  emergencyId: z.string(),
  meetingId: z.string(),
  occurrenceId: z.string(),
});

export const notificationSchemas = {
  'meeting:reminder': meetingReminderSchema,
  'meeting:opened': meetingOpenedSchema,
  'meeting:closed': meetingClosedSchema,
  'meeting:cancelled': meetingCancelledSchema,
  'meeting:uninvited': meetingUninvitedSchema,
  'emergency:alert': emergencyAlertSchema,
  /** Sent to the convening unit whenever a unit's state changes. */
  'emergency:rollCall': rollCallSchema,
  'emergency:ended': emergencyEndedSchema,
} as const;

export type NotificationEvent = keyof typeof notificationSchemas;
export const notificationEvents = Object.keys(notificationSchemas) as NotificationEvent[];
export type NotificationPayload<E extends NotificationEvent> = z.infer<
  (typeof notificationSchemas)[E]
>;
