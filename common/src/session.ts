import { z } from 'zod';

export const roleSchema = z.enum(['member', 'host', 'commander', 'admin']);
export type Role = z.infer<typeof roleSchema>;

/**
 * What a session token proves: who is logged in, for which unit, with which role.
 * Issued by the scheduler at login (JWT), checked by the REST API and by the
 * signaling handshake.
 */
export const sessionClaimsSchema = z.object({
  accountId: z.string().min(1),
  username: z.string().min(1),
  displayName: z.string(),
  unitId: z.string().min(1),
  role: roleSchema,
});
export type SessionClaims = z.infer<typeof sessionClaimsSchema>;
