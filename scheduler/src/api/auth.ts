import { z } from 'zod';
import { roleSchema } from '@giaoban/common/session';
import { freeText } from '@giaoban/common/text';

/** REST contract of accounts and sessions, imported by the client. */

export const usernameSchema = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[a-z0-9._-]{3,40}$/, 'username: 3–40 of a-z 0-9 . _ -');

/** A new password: long enough to resist guessing, bounded so argon2 stays cheap. */
export const newPasswordSchema = z.string().min(10).max(200);

export const accountSchema = z.object({
  id: z.string(),
  username: z.string(),
  displayName: z.string(),
  unitId: z.string(),
  role: roleSchema,
  /** True while the account still has the public demo password. */
  demoPassword: z.boolean(),
  /**
   * True after an administrator set the password (reset or a new account):
   * until the account changes it, only the password change, the session probe
   * and logout are allowed (PASSWORD_CHANGE_REQUIRED).
   */
  mustChangePassword: z.boolean(),
});
export type Account = z.infer<typeof accountSchema>;

export const loginRequestSchema = z.object({
  username: usernameSchema,
  password: z.string().min(1).max(200),
});
export type LoginRequest = z.infer<typeof loginRequestSchema>;

export const loginResponseSchema = z.object({
  /** Also set as the httpOnly cookie; the client passes it in the socket handshake. */
  token: z.string(),
  expiresAt: z.string(),
  account: accountSchema,
});
export type LoginResponse = z.infer<typeof loginResponseSchema>;

export const meResponseSchema = z.object({ account: accountSchema, token: z.string() });
export type MeResponse = z.infer<typeof meResponseSchema>;

/**
 * GET /api/auth/session: whether the cookie holds a live session. Always 200,
 * so that opening the app logged out is not an error (no 401 in the console).
 */
export const sessionResponseSchema = z.discriminatedUnion('authenticated', [
  z.object({ authenticated: z.literal(false) }),
  z.object({ authenticated: z.literal(true), account: accountSchema, token: z.string() }),
]);
export type SessionResponse = z.infer<typeof sessionResponseSchema>;

export const changePasswordRequestSchema = z.object({
  oldPassword: z.string().min(1).max(200),
  newPassword: newPasswordSchema,
});
export type ChangePasswordRequest = z.infer<typeof changePasswordRequestSchema>;

export const createAccountRequestSchema = z.object({
  username: usernameSchema,
  displayName: freeText({ min: 1, max: 120 }),
  unitId: z.string().min(1).max(10),
  role: roleSchema,
  password: newPasswordSchema,
});
export type CreateAccountRequest = z.infer<typeof createAccountRequestSchema>;

/** POST /api/accounts/:id/password (admin): a new password for someone who lost theirs. */
export const resetPasswordRequestSchema = z.object({ newPassword: newPasswordSchema });
export type ResetPasswordRequest = z.infer<typeof resetPasswordRequestSchema>;

export const accountResponseSchema = z.object({ account: accountSchema });
export type AccountResponse = z.infer<typeof accountResponseSchema>;

export const accountsResponseSchema = z.object({ accounts: z.array(accountSchema) });
export type AccountsResponse = z.infer<typeof accountsResponseSchema>;

/** Name of the httpOnly session cookie. */
export const SESSION_COOKIE = 'gb_session';
