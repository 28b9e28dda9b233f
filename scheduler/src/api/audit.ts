import { z } from 'zod';

/** REST contract of the audit log of privileged actions. */
export const auditEntrySchema = z.object({
  at: z.string(),
  accountId: z.string(),
  username: z.string(),
  unitId: z.string(),
  /** e.g. emergency.convene, meeting.cancel, account.create, moderation.muteAll */
  action: z.string(),
  target: z.string(),
  details: z.record(z.string(), z.unknown()).optional(),
});
export type AuditEntry = z.infer<typeof auditEntrySchema>;

export const auditResponseSchema = z.object({ entries: z.array(auditEntrySchema) });
export type AuditResponse = z.infer<typeof auditResponseSchema>;
