import { z } from 'zod';
import type { ErrorBody } from '@giaoban/common/errors';
import { isCleanText } from '@giaoban/common/text';

/**
 * Building blocks of the wire protocol. Every request is a socket.io event with
 * an acknowledgement; the ack is `{ ok: true, data }` or `{ ok: false, error }`.
 * Ids and strings are bounded so a hostile client cannot make the server hold
 * or log megabytes.
 */
export const idSchema = z
  .string()
  .min(1)
  .max(64)
  .refine((v) => isCleanText(v), 'contains control characters or broken Unicode');

/**
 * mediasoup objects (RTP parameters, DTLS parameters, capabilities) are
 * validated for shape and size here and in depth by mediasoup itself, which
 * rejects anything inconsistent with a TypeError that becomes BAD_REQUEST.
 */
export const mediaObjectSchema = z
  .record(z.string().max(64), z.unknown())
  .refine((v) => JSON.stringify(v).length <= 16_384, 'media object too large');

export const mediaSourceSchema = z.enum(['mic', 'camera', 'screen']);
export const mediaKindSchema = z.enum(['audio', 'video']);

export const producerInfoSchema = z.object({
  id: idSchema,
  endpointId: idSchema,
  kind: mediaKindSchema,
  source: mediaSourceSchema,
  paused: z.boolean(),
});
export type ProducerView = z.infer<typeof producerInfoSchema>;

export interface RequestSpec<Req extends z.ZodType = z.ZodType, Res extends z.ZodType = z.ZodType> {
  request: Req;
  response: Res;
  /** Only hosts of the meeting may send it. */
  hostOnly?: boolean;
  /** May be sent before joining a meeting. */
  outsideMeeting?: boolean;
}

export const req = <Req extends z.ZodType, Res extends z.ZodType>(
  request: Req,
  response: Res,
  flags: { hostOnly?: boolean; outsideMeeting?: boolean } = {},
): RequestSpec<Req, Res> => ({ request, response, ...flags });

export const emptySchema = z.object({}).strict();

export type Ack<T> = { ok: true; data: T } | { ok: false; error: ErrorBody };
