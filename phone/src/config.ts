import { z } from 'zod';
import { parseEnv, portVar } from '@giaoban/common/env';

/**
 * The phone role's configuration (docs/phone.md). `PHONE_SIP_NUMBER` (or
 * `PHONE_SIP_PORT`) set is what makes `npm start` start the role.
 */
const schema = z.object({
  /** The number callers dial (shown with the PINs); the trunk delivers its calls here. */
  PHONE_SIP_NUMBER: z.string().max(40).optional(),
  /** UDP port SIP listens on (5060 is the trunk's usual; 0: any free port, tests). */
  PHONE_SIP_PORT: portVar(5060),
  /** Address SIP and the callers' RTP listen on. */
  PHONE_SIP_LISTEN_IP: z.string().default('0.0.0.0'),
  /** Address written into Contact and SDP (what the trunk reaches); default: the listen IP, else 127.0.0.1. */
  PHONE_SIP_PUBLIC_IP: z.string().optional(),
  /** Registrar of the trunk or GSM gateway (`sip:trunk.example.vn`); unset: no REGISTER (a peer trunk). */
  PHONE_SIP_REGISTRAR: z.string().optional(),
  PHONE_SIP_USER: z.string().optional(),
  /** Never logged. */
  PHONE_SIP_PASSWORD: z.string().optional(),
  /** Every outgoing request goes through this proxy (`sip:proxy.example.vn:5060`). */
  PHONE_SIP_OUTBOUND_PROXY: z.string().optional(),
  PHONE_SIP_REGISTER_EXPIRES: z.coerce.number().int().min(60).default(600),
  /** Address the SFU's PlainTransports send the meeting's RTP to (this host, as the SFU sees it). */
  PHONE_RTP_IP: z.string().default('127.0.0.1'),
  /** The GiaoBan app (scheduler REST and signaling) the role talks to. */
  PHONE_APP_URL: z.string().url().default('http://127.0.0.1:8080'),
  /** Redis, for the phone key (gb:secret:phone); or PHONE_SERVICE_KEY. */
  REDIS_URL: z.string().url().optional(),
  PHONE_SERVICE_KEY: z.string().min(16).optional(),
  /** Wrong PINs before the call is ended. */
  PHONE_PIN_TRIES: z.coerce.number().int().min(1).max(10).default(3),
  /** Seconds a caller has to type a PIN (each try). */
  PHONE_PIN_TIMEOUT_S: z.coerce.number().min(3).max(120).default(20),
  /** Calls at once; more are answered 486 Busy Here. */
  PHONE_MAX_CALLS: z.coerce.number().int().min(1).max(500).default(60),
  PHONE_PROMPT_DIR: z.string().optional(),
});

export type PhoneConfig = z.infer<typeof schema>;

export function loadPhoneConfig(env: NodeJS.ProcessEnv = process.env): PhoneConfig {
  return parseEnv(schema, env);
}

/** Whether `npm start` should start the phone role. */
export function phoneConfigured(env: NodeJS.ProcessEnv = process.env): boolean {
  return Boolean(env.PHONE_SIP_NUMBER || env.PHONE_SIP_PORT || env.PHONE_SIP_REGISTRAR);
}
