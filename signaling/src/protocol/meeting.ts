import { z } from 'zod';
import { emptySchema, idSchema, mediaObjectSchema, producerInfoSchema, req } from './common';
import { linkStateSchema, type LinkStateWire } from './link';
import { consumerParamsSchema } from './media';
import { turnGrantSchema } from './ice';
import { recordingViewSchema } from './recording';

export type LinkState = LinkStateWire;

/** Joining, leaving and who is present. */

export const endpointViewSchema = z.object({
  id: idSchema,
  unitId: z.string(),
  unitName: z.string(),
  tier: z.string(),
  displayName: z.string(),
  isHost: z.boolean(),
  handRaised: z.boolean(),
  /** Muted by a host: may speak again only when given the floor. */
  hostMuted: z.boolean(),
  linkState: linkStateSchema,
  /** Audio-only now: link fallback or the user's choice (roll call, tiles). */
  audioOnly: z.boolean().optional(),
  /** Joined by telephone (the phone role, docs/phone.md): a phone mark, audio only. */
  phone: z.boolean().optional(),
  /** False while the socket is gone and its grace period runs (flaky link). */
  connected: z.boolean(),
  producers: z.array(producerInfoSchema),
});
export type EndpointView = z.infer<typeof endpointViewSchema>;

export const chatMessageSchema = z.object({
  id: z.string(),
  endpointId: z.string(),
  unitId: z.string(),
  unitName: z.string(),
  displayName: z.string(),
  text: z.string(),
  at: z.number(),
});
export type ChatMessage = z.infer<typeof chatMessageSchema>;

export const meetingViewSchema = z.object({
  id: z.string(),
  title: z.string(),
  kind: z.enum(['regular', 'emergency']),
  locked: z.boolean(),
  floorEndpointId: z.string().nullable(),
  audioFirst: z.boolean(),
  videoUnitIds: z.array(z.string()),
  /** Being recorded now: everyone sees "Đang ghi âm". */
  recording: recordingViewSchema.nullable().optional(),
});
export type MeetingView = z.infer<typeof meetingViewSchema>;

/**
 * What the browser knows of its own link before joining: `measured` is the
 * device's latest measurement (pre-join link test, else its last meetings);
 * 'good' starts the endpoint with video instead of audio first. `audioOnly`:
 * the user chose audio-only before joining (forced from the first packet).
 */
export const joinLinkSchema = z
  .object({
    measured: z.enum(['good', 'weak', 'unknown']),
    audioOnly: z.boolean().optional(),
  })
  .strict();
export type JoinLink = z.infer<typeof joinLinkSchema>;

const transportParamsSchema = z.object({
  id: z.string(),
  iceParameters: mediaObjectSchema,
  iceCandidates: z.array(mediaObjectSchema),
  dtlsParameters: mediaObjectSchema,
});

export const joinResponseSchema = z.object({
  self: endpointViewSchema,
  meeting: meetingViewSchema,
  isHost: z.boolean(),
  /** Left out when this socket already told its receive capabilities (`media:capabilities`). */
  routerRtpCapabilities: mediaObjectSchema.optional(),
  sendTransport: transportParamsSchema,
  recvTransport: transportParamsSchema,
  /** Everyone else present, with their producers. */
  endpoints: z.array(endpointViewSchema),
  chat: z.array(chatMessageSchema),
  /**
   * Consumers of everyone's producers, created and resumed with the join when
   * the socket's receive capabilities are known: no consume/resume round trips
   * before the first sound (840 ms each on EDGE).
   */
  consumers: z.array(consumerParamsSchema).optional(),
  /** TURN servers with credentials for this unit (absent: no TURN in this deployment). */
  turn: turnGrantSchema.optional(),
});
export type JoinResponse = z.infer<typeof joinResponseSchema>;

export const meetingRequests = {
  /**
   * Before joining (the pre-join screen, an emergency alert): checks the unit may
   * join and returns what the browser needs to load its mediasoup Device, so the
   * join itself costs one round trip.
   */
  'meeting:prepare': req(
    z.object({ meetingId: idSchema }),
    z.object({
      routerRtpCapabilities: mediaObjectSchema,
      isHost: z.boolean(),
      turn: turnGrantSchema.optional(),
    }),
    { outsideMeeting: true },
  ),
  'meeting:join': req(
    z.object({
      meetingId: idSchema,
      /** Stable per browser: a rejoin from the same device replaces its old endpoint. */
      deviceId: idSchema,
      /** Where link adaptation starts for this device (absent: audio first). */
      link: joinLinkSchema.optional(),
    }),
    joinResponseSchema,
    { outsideMeeting: true },
  ),
  'meeting:leave': req(emptySchema, emptySchema),
  'hand:raise': req(emptySchema, emptySchema),
  'hand:lower': req(emptySchema, emptySchema),
};

export const meetingNotifications = {
  'presence:joined': z.object({ endpoint: endpointViewSchema }),
  'presence:left': z.object({ endpointId: z.string(), unitId: z.string(), reason: z.string() }),
  /** Any change of an endpoint's view (hand, mute, link state, connection). */
  'presence:updated': z.object({ endpoint: endpointViewSchema }),
  'meeting:updated': z.object({ meeting: meetingViewSchema }),
  /**
   * This socket's endpoint ended: removed by a host, replaced by a newer join, meeting
   * closed or cancelled, its unit uninvited, or its login session ended (logout,
   * password changed or reset).
   */
  'meeting:ended': z.object({
    reason: z.enum(['removed', 'replaced', 'closed', 'cancelled', 'uninvited', 'sessionEnded']),
  }),
};
