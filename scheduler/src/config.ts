import { z } from 'zod';
import { parseEnv } from '@giaoban/common/env';

const minutes = (dflt: number) =>
  z.coerce
    .number()
    .min(0)
    .max(24 * 60)
    .default(dflt);

const schema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  /** HS256 signing secret; when unset one is generated once and kept in Redis. */
  JWT_SECRET: z.string().min(32).optional(),
  /** The phone role's key (docs/phone.md); default: generated once into Redis. */
  PHONE_SERVICE_KEY: z.string().min(16).optional(),
  /** The number callers dial (shown beside each unit's PIN); unset: no phone bridge. */
  PHONE_SIP_NUMBER: z.string().max(40).optional(),
  /**
   * Alert escalation by SMS (docs/phone.md): the carrier's SMSC as smpp://host:port
   * (ssmpp:// for TLS); unset: no SMS, said at start.
   */
  SMPP_URL: z
    .string()
    .regex(/^s?smpp:\/\/[^/\s]+$/, 'smpp://host:port')
    .optional(),
  SMPP_SYSTEM_ID: z.string().max(16).default(''),
  SMPP_PASSWORD: z.string().max(9).default(''),
  /** The sender shown on the phone (alphanumeric ≤ 11 or a number), as the carrier allows. */
  SMS_SENDER: z.string().max(20).default('GiaoBan'),
  /** A unit that has neither acknowledged nor joined within this many minutes is texted (per-unit override by the admin). */
  SMS_ESCALATE_AFTER_MIN: z.coerce
    .number()
    .min(0.01)
    .max(24 * 60)
    .default(3),
  /** enquire_link keep-alive period; a link with no answer within it is dropped and bound again. */
  SMPP_ENQUIRE_LINK_S: z.coerce.number().min(1).max(600).default(30),
  /** Reconnect after a lost link: 1 s, doubling up to this. */
  SMPP_RECONNECT_MAX_S: z.coerce.number().min(1).max(600).default(30),
  /** Attempts of one unit's SMS job when the SMSC is down or refuses (exponential from SMS_RETRY_BASE_S). */
  SMS_SEND_ATTEMPTS: z.coerce.number().int().min(1).max(20).default(8),
  SMS_RETRY_BASE_S: z.coerce.number().min(0.1).max(600).default(2),
  /**
   * Dial-out is offered (host panel, emergency auto-call) when the phone bridge is configured:
   * PHONE_SIP_NUMBER set, or PHONE_DIAL_OUT=true for a bridge without a dial-in number.
   */
  PHONE_DIAL_OUT: z.enum(['true', 'false']).optional(),
  /** Emergency: units neither acknowledged nor joined this long after the alert are called. */
  PHONE_ESCALATE_CALL_AFTER_MIN: minutes(5),
  SESSION_TTL_HOURS: z.coerce
    .number()
    .min(0.01)
    .max(24 * 30)
    .default(12),
  /** Login attempts allowed per username+IP, per IP, and per account from unknown IPs, within the window. */
  LOGIN_MAX_FAILURES: z.coerce.number().int().min(1).default(10),
  LOGIN_MAX_FAILURES_PER_IP: z.coerce.number().int().min(1).default(100),
  LOGIN_MAX_FAILURES_PER_ACCOUNT: z.coerce.number().int().min(1).default(30),
  LOGIN_WINDOW_SECONDS: z.coerce
    .number()
    .int()
    .min(1)
    .default(15 * 60),
  /** Meeting timing: reminder and room opening before the start, grace after the end. */
  REMINDER_LEAD_MIN: minutes(15),
  OPEN_LEAD_MIN: minutes(10),
  CLOSE_GRACE_MIN: minutes(15),
  /** Delayed jobs are added for occurrences starting within this horizon… */
  PLAN_HORIZON_HOURS: z.coerce
    .number()
    .min(0.01)
    .max(24 * 14)
    .default(36),
  /** …and every meeting is planned again this often (unbounded series, restarts). */
  PLAN_EVERY_MIN: z.coerce
    .number()
    .min(0.05)
    .max(24 * 60)
    .default(10),
  /**
   * An endpoint whose signaling node has not confirmed it for this long (node crashed
   * or lost) is recorded as left; longer than a few SIGNALING_PRESENCE_HEARTBEAT_MS.
   */
  PRESENCE_STALE_SECONDS: z.coerce.number().min(0.5).max(3600).default(35),
  /** Emergency meetings stay open this long unless the convener ends them. */
  EMERGENCY_DURATION_MIN: minutes(180),
  /** Secure flag of the session cookie; auto = on in production and on every HTTPS request (direct, or via TRUST_PROXY + X-Forwarded-Proto). */
  COOKIE_SECURE: z.enum(['auto', 'true', 'false']).default('auto'),
  /** Recordings (and their minutes) older than this are deleted by the daily purge. */
  RECORDING_RETENTION_DAYS: z.coerce.number().min(0.001).max(3650).default(90),
  /** Recordings folder (default DATA_DIR/recordings, common/src/recordingsDir). */
  RECORDINGS_DIR: z.string().optional(),
  DATA_DIR: z.string().optional(),
  /** Base URL written into iCal feed links (defaults to the request's host). */
  PUBLIC_URL: z.string().url().optional(),
});

export type SchedulerConfig = z.infer<typeof schema>;

export function loadSchedulerConfig(env: NodeJS.ProcessEnv = process.env): SchedulerConfig {
  return parseEnv(schema, env);
}
