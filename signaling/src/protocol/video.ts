import { z } from 'zod';
import { idSchema, req } from './common';

/**
 * Last-N video on the wire (the SFU forwards at most N videos to each
 * receiver: floor holder, pinned units, active speakers; sfu/src/selection).
 *
 * client → server (requests)
 *   'video:pin'       { unitId, pinned }: this receiver pins (or unpins) a unit's video.
 *   'video:pinForAll' { unitId, pinned }: the host pins (or unpins) a unit for everyone.
 * server → client (notification)
 *   'media:videoSelection' { producerIds }: the video producers the SFU forwards to
 *   this receiver now; the others' tiles show the avatar (no frames are coming).
 */
export const videoPinSchema = z.object({ unitId: idSchema, pinned: z.boolean() }).strict();

export const videoPinsSchema = z.object({ pinned: z.array(z.string()) });

export const videoSelectionSchema = z.object({ producerIds: z.array(z.string()).max(500) });
export type VideoSelection = z.infer<typeof videoSelectionSchema>;

export const videoRequests = {
  'video:pin': req(videoPinSchema, videoPinsSchema),
  'video:pinForAll': req(videoPinSchema, videoPinsSchema, { hostOnly: true }),
};

export const videoNotifications = {
  'media:videoSelection': videoSelectionSchema,
};
