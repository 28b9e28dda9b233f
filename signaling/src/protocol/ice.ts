import { z } from 'zod';
import { emptySchema, req } from './common';

/**
 * TURN servers and their time-limited credentials (signaling/src/turn), handed out
 * with `meeting:prepare` and `meeting:join` and refreshed by `media:iceServers`
 * before they expire. Absent when the deployment has no TURN (TURN_URLS unset).
 */
export const iceServerSchema = z.object({
  urls: z.array(z.string().max(256)).min(1).max(8),
  username: z.string().max(160),
  credential: z.string().max(160),
});
export type IceServerWire = z.infer<typeof iceServerSchema>;

export const turnGrantSchema = z.object({
  iceServers: z.array(iceServerSchema).max(4),
  /** Unix ms after which coturn refuses new allocations with these credentials. */
  expiresAt: z.number(),
});
export type TurnGrant = z.infer<typeof turnGrantSchema>;

export const iceRequests = {
  /** Fresh TURN credentials (before the ones in hand expire); `turn` absent: no TURN here. */
  'media:iceServers': req(emptySchema, z.object({ turn: turnGrantSchema.optional() }), {
    outsideMeeting: true,
  }),
};
