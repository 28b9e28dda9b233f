import { z } from 'zod';
import {
  emptySchema,
  idSchema,
  mediaKindSchema,
  mediaObjectSchema,
  mediaSourceSchema,
  producerInfoSchema,
  req,
} from './common';

/** Transports, producers and consumers of the joined endpoint. */

export const consumerParamsSchema = z.object({
  id: z.string(),
  producerId: z.string(),
  endpointId: z.string(),
  kind: mediaKindSchema,
  source: mediaSourceSchema,
  rtpParameters: mediaObjectSchema,
  paused: z.boolean(),
  producerPaused: z.boolean(),
  type: z.string(),
});
export type ConsumerView = z.infer<typeof consumerParamsSchema>;

export const layersSchema = z.object({
  spatialLayer: z.number().int().min(0).max(2),
  temporalLayer: z.number().int().min(0).max(2).optional(),
});

/** The three VP8 simulcast layers the client sends for a camera (low → high). */
export const cameraSimulcastEncodings = [
  { scaleResolutionDownBy: 4, maxBitrate: 100_000 },
  { scaleResolutionDownBy: 2, maxBitrate: 300_000 },
  { scaleResolutionDownBy: 1, maxBitrate: 900_000 },
];

const ids = z.array(idSchema).min(1).max(100);

export const mediaRequests = {
  /** This socket's receive capabilities (the loaded Device's), kept for its joins and consumes. */
  'media:capabilities': req(z.object({ rtpCapabilities: mediaObjectSchema }), emptySchema, {
    outsideMeeting: true,
  }),
  'media:connectTransport': req(
    z.object({ transportId: idSchema, dtlsParameters: mediaObjectSchema }),
    emptySchema,
  ),
  'media:produce': req(
    z.object({
      transportId: idSchema,
      kind: mediaKindSchema,
      rtpParameters: mediaObjectSchema,
      source: mediaSourceSchema,
      paused: z.boolean().optional(),
    }),
    z.object({ producerId: z.string() }),
  ),
  'media:closeProducer': req(z.object({ producerId: idSchema }), emptySchema),
  'media:pauseProducer': req(z.object({ producerId: idSchema }), emptySchema),
  'media:resumeProducer': req(z.object({ producerId: idSchema }), emptySchema),
  /** Consumers start paused; `rtpCapabilities` is required on the first call only. */
  'media:consume': req(
    z.object({ producerIds: ids, rtpCapabilities: mediaObjectSchema.optional() }),
    z.object({
      consumers: z.array(consumerParamsSchema),
      /** Producers that could not be consumed (gone meanwhile, incompatible). */
      failed: z.array(z.object({ producerId: z.string(), code: z.string() })),
    }),
  ),
  'media:resumeConsumers': req(z.object({ consumerIds: ids }), emptySchema),
  'media:pauseConsumers': req(z.object({ consumerIds: ids }), emptySchema),
  'media:setPreferredLayers': req(
    z.object({ consumerId: idSchema, layers: layersSchema }),
    emptySchema,
  ),
  'media:restartIce': req(
    z.object({ transportId: idSchema }),
    z.object({ iceParameters: mediaObjectSchema }),
  ),
};

/**
 * Why the server asks a client to join again: its mediasoup worker died, its
 * SFU node was lost (cluster), or its room is no longer where its socket is.
 */
export const reconnectReasonSchema = z.enum(['workerDied', 'sfuNodeLost', 'roomGone']);
export type ReconnectReason = z.infer<typeof reconnectReasonSchema>;

export const mediaNotifications = {
  'media:newProducer': z.object({ producer: producerInfoSchema }),
  'media:producerClosed': z.object({ producerId: z.string(), endpointId: z.string() }),
  'media:producerPaused': z.object({
    producerId: z.string(),
    endpointId: z.string(),
    byHost: z.boolean(),
  }),
  'media:producerResumed': z.object({ producerId: z.string(), endpointId: z.string() }),
  'media:consumerClosed': z.object({ consumerId: z.string(), producerId: z.string() }),
  'media:consumerLayers': z.object({ consumerId: z.string(), spatialLayer: z.number().nullable() }),
  'media:activeSpeaker': z.object({ endpointId: z.string() }),
  /** The server lost this endpoint's media or room: join again (same deviceId). */
  'media:reconnect': z.object({ reason: reconnectReasonSchema }),
};
