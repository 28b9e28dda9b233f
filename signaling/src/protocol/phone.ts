import { z } from 'zod';
import { idSchema, producerInfoSchema, req } from './common';
import { endpointViewSchema, meetingViewSchema } from './meeting';
import { consumerParamsSchema } from './media';

/**
 * The phone role's own requests (docs/phone.md): a caller who entered a PIN
 * joins as the unit the PIN belongs to, with PlainTransports (RTP over UDP)
 * instead of WebRTC. Only a session the phone role got for that PIN
 * (`via: 'phone'`) may use them.
 */

const plainTransportSchema = z.object({
  id: z.string(),
  ip: z.string(),
  port: z.number().int(),
});

export const phoneRequests = {
  'phone:join': req(
    z.object({
      meetingId: idSchema,
      /** One per call: a redial replaces nothing, it is another device. */
      deviceId: idSchema,
      /** The phone role's UDP socket for this call: every consumer's RTP goes there. */
      recvTo: z.object({
        ip: z.string().min(1).max(64),
        port: z.number().int().min(1).max(65535),
      }),
    }),
    z.object({
      self: endpointViewSchema,
      meeting: meetingViewSchema,
      /** Where the caller's Opus RTP goes (comedia: the SFU answers the first packet's source). */
      send: plainTransportSchema,
      recv: plainTransportSchema,
      /** Producers already there, consumed and resumed (the socket told its capabilities first). */
      consumers: z.array(consumerParamsSchema),
      producers: z.array(producerInfoSchema),
    }),
    { outsideMeeting: true },
  ),
};
