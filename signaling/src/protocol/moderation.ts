import { z } from 'zod';
import { emptySchema, idSchema, req } from './common';

/** Host-only actions. Every one is checked against JoinGrant.isHost on the server. */

const target = z.object({ endpointId: idSchema });

export const moderationRequests = {
  /** Pauses the endpoint's microphone; it may speak again only when given the floor. */
  'moderation:mute': req(target, emptySchema, { hostOnly: true }),
  /** Mutes every non-host endpoint. */
  'moderation:muteAll': req(emptySchema, z.object({ muted: z.number() }), { hostOnly: true }),
  /** Gives the floor (allowed to unmute, shown first); takes it from the previous holder. */
  'moderation:giveFloor': req(target, emptySchema, { hostOnly: true }),
  'moderation:takeFloor': req(emptySchema, emptySchema, { hostOnly: true }),
  'moderation:lowerAllHands': req(emptySchema, emptySchema, { hostOnly: true }),
  'moderation:remove': req(target, emptySchema, { hostOnly: true }),
  'moderation:lock': req(z.object({ locked: z.boolean() }), emptySchema, { hostOnly: true }),
};

export const moderationNotifications = {
  /** To the muted endpoint: its microphone was paused by a host. */
  'moderation:muted': z.object({ byEndpointId: z.string() }),
};
