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
  /** The token's id (jti): logout ends this session's live sockets. */
  sessionId: z.string().optional(),
  /** `phone`: a session the phone role got for a caller's PIN (docs/phone.md). */
  via: z.literal('phone').optional(),
  /** The account's session epoch when issued: a password change ends older ones. */
  epoch: z.number().int().optional(),
});
export type SessionClaims = z.infer<typeof sessionClaimsSchema>;
