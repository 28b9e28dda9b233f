import { z } from 'zod';
import { parseEnv } from '@giaoban/common/env';

const schema = z.object({
  /** Requests one socket may send per second before it gets RATE_LIMITED. */
  SIGNALING_RATE_PER_SECOND: z.coerce.number().int().min(1).default(40),
  /** How long a dropped socket's endpoint stays in the meeting waiting for it (flaky links). */
  SIGNALING_GRACE_MS: z.coerce.number().int().min(0).default(30_000),
  /** How often this node tells attendance which endpoints it holds (their presence lease). */
  SIGNALING_PRESENCE_HEARTBEAT_MS: z.coerce.number().int().min(100).default(10_000),
  /** Chat messages kept per meeting and sent to late joiners. */
  SIGNALING_CHAT_HISTORY: z.coerce.number().int().min(0).default(100),
  /** Room state (chat, hands, mutes, floor, lock) is kept this long after no node holds the room. */
  SIGNALING_ROOM_STATE_TTL_MS: z.coerce
    .number()
    .int()
    .min(10_000)
    .default(15 * 60_000),
});

export type SignalingConfig = z.infer<typeof schema>;

export function loadSignalingConfig(env: NodeJS.ProcessEnv = process.env): SignalingConfig {
  return parseEnv(schema, env);
}
