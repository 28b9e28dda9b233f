import { z } from 'zod';

/**
 * Published on Redis when sessions end before their time, so every signaling
 * node drops the live sockets (and meeting endpoints) they authenticated:
 * one session at logout, all older sessions of an account when its password
 * changes (the epoch moved).
 */
export const SESSIONS_ENDED_CHANNEL = 'gb:sessions:ended';

export const sessionsEndedSchema = z.object({
  accountId: z.string().min(1),
  /** Logout: this one session (the token's jti). */
  sessionId: z.string().optional(),
  /** Password change or reset: every session issued before this epoch. */
  beforeEpoch: z.number().int().optional(),
  reason: z.enum(['logout', 'passwordChanged', 'passwordReset']),
});
export type SessionsEnded = z.infer<typeof sessionsEndedSchema>;

/** Whether a live session (its claims) is one of those that ended. */
export function endedSession(
  ended: SessionsEnded,
  session: { accountId: string; sessionId?: string | undefined; epoch?: number | undefined },
): boolean {
  if (session.accountId !== ended.accountId) return false;
  if (ended.sessionId !== undefined) return session.sessionId === ended.sessionId;
  if (ended.beforeEpoch !== undefined) return (session.epoch ?? -1) < ended.beforeEpoch;
  return true;
}
