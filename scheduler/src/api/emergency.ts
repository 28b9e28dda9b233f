import { z } from 'zod';
import { freeText } from '@giaoban/common/text';
import { selectorSchema } from './meetings';
import { rollCallSchema } from './notifications';

/** REST contract of emergency convene, imported by the client. */
export const conveneRequestSchema = z.object({
  title: freeText({ min: 1, max: 200 }).default('Triệu tập khẩn cấp'),
  /** Shown in the alert on every endpoint. */
  message: freeText({ max: 500, multiline: true }).default(''),
  /** e.g. all communes of districts 452 and 453. */
  selectors: z.array(selectorSchema).min(1).max(50),
  durationMinutes: z
    .number()
    .int()
    .min(5)
    .max(12 * 60)
    .optional(),
});
export type ConveneRequest = z.input<typeof conveneRequestSchema>;

export const emergencySchema = z.object({
  id: z.string(),
  meetingId: z.string(),
  occurrenceId: z.string(),
  title: z.string(),
  message: z.string(),
  convenerUnitId: z.string(),
  convenedBy: z.string(),
  /** The convening account's display name ("Ban Chỉ huy …"): how communes see the command. */
  convenerName: z.string().optional(),
  startedAt: z.string(),
  /** The last "alert the silent units again" and how many times it was done. */
  realertedAt: z.string().nullable().optional(),
  realerts: z.number().int().min(0).optional(),
  endedAt: z.string().nullable(),
  unitIds: z.array(z.string()),
});
export type Emergency = z.infer<typeof emergencySchema>;

export const conveneResponseSchema = z.object({
  emergency: emergencySchema,
  rollCall: rollCallSchema,
});
export type ConveneResponse = z.infer<typeof conveneResponseSchema>;

export const emergenciesResponseSchema = z.object({ emergencies: z.array(emergencySchema) });
export type EmergenciesResponse = z.infer<typeof emergenciesResponseSchema>;

/** delivered: sent automatically by the client on receipt; acknowledged: a person confirmed. */
export const ackRequestSchema = z.object({ stage: z.enum(['delivered', 'acknowledged']) });
export type AckRequest = z.infer<typeof ackRequestSchema>;

/** POST /emergencies/{id}/realert: the silent units (neither acknowledged nor joined) alerted again. */
export const realertResponseSchema = z.object({
  emergency: emergencySchema,
  /** The units alerted again. */
  unitIds: z.array(z.string()),
});
export type RealertResponse = z.infer<typeof realertResponseSchema>;

/**
 * The alert as units receive it (pushed first and again, or recovered by a browser that was
 * offline). `fallbackName`: the convener's name when the emergency carries none.
 */
export function alertOf(e: Emergency, fallbackName: string) {
  return {
    emergencyId: e.id,
    meetingId: e.meetingId,
    occurrenceId: e.occurrenceId,
    title: e.title,
    message: e.message,
    convenerUnitId: e.convenerUnitId,
    // The command, not its unit: "Ban Chỉ huy Tỉnh Quảng Bình", not "Tỉnh Quảng Bình".
    convenerName: e.convenerName ?? fallbackName,
    startedAt: e.startedAt,
    audioFirst: true as const,
  };
}
