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
  /**
   * Dial-out: a number → the SIP URI the INVITE goes to; `{number}` is replaced. Default:
   * `sip:{number}@<host of PHONE_SIP_OUTBOUND_PROXY, else of PHONE_SIP_REGISTRAR>`; neither
   * set: no dial-out (the role does not take calls from the queue).
   */
  PHONE_SIP_DIAL_URI: z
    .string()
    .regex(/^sips?:.*\{number\}/, 'a SIP URI with {number}')
    .optional(),
  /** Seconds a called phone may ring before the call is given up (CANCEL): "không trả lời". */
  PHONE_DIAL_TIMEOUT_S: z.coerce.number().min(3).max(300).default(45),
  /** Dial-out calls this process places at once (queue concurrency). */
  PHONE_DIAL_CONCURRENCY: z.coerce.number().int().min(1).max(100).default(10),
  /** Times the callee hears "… Bấm phím 1 để vào họp." before the call ends. */
  PHONE_DIAL_PROMPT_REPEATS: z.coerce.number().int().min(1).max(10).default(3),
});

export type PhoneConfig = z.infer<typeof schema>;

export function loadPhoneConfig(env: NodeJS.ProcessEnv = process.env): PhoneConfig {
  return parseEnv(schema, env);
}

/** Whether `npm start` should start the phone role. */
export function phoneConfigured(env: NodeJS.ProcessEnv = process.env): boolean {
  return Boolean(
    env.PHONE_SIP_NUMBER || env.PHONE_SIP_PORT || env.PHONE_SIP_REGISTRAR || env.PHONE_SIP_DIAL_URI,
  );
}

/** The dial-out URI template (`sip:{number}@trunk`), or undefined: no dial-out. */
export function dialUriTemplate(cfg: PhoneConfig): string | undefined {
  if (cfg.PHONE_SIP_DIAL_URI) return cfg.PHONE_SIP_DIAL_URI;
  const via = cfg.PHONE_SIP_OUTBOUND_PROXY ?? cfg.PHONE_SIP_REGISTRAR;
  if (!via) return undefined;
  const host = via
    .replace(/^sips?:/, '')
    .replace(/^[^@]*@/, '')
    .split(';')[0];
  return `sip:{number}@${host}`;
}
