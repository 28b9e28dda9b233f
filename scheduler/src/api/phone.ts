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

/** Dial-in for one meeting: the number, and the PINs this session may see (the host: every unit's). */
export const meetingPhoneSchema = z.object({
  number: z.string().nullable(),
  pins: z.array(z.object({ unitId: z.string(), unitName: z.string(), pin: z.string() })),
});
export type MeetingPhone = z.infer<typeof meetingPhoneSchema>;
