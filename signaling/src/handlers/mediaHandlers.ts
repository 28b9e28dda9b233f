import type { types as ms } from 'mediasoup';
import type { ConsumerParams } from '@giaoban/sfu/mediaTypes';
import { AppError } from '@giaoban/common/errors';
import type { mediaRequests } from '../protocol/media';
import type { HandlerMap, RequestContext } from './context';

type Names = keyof typeof mediaRequests;

/** mediasoup objects arrive shape-checked by zod; mediasoup validates them in depth. */
const asMs = <T>(v: Record<string, unknown>): T => v as T;

function ownProducer(ctx: RequestContext, producerId: string) {
  const m = ctx.member();
  const producer = m.endpoint.producers.get(producerId);
  if (!producer) throw new AppError('NOT_FOUND', { producerId });
  return { ...m, producer };
}

export const mediaHandlers: HandlerMap<Names> = {
  async 'media:connectTransport'(ctx, { transportId, dtlsParameters }) {
    const { room, endpoint } = ctx.member();
    await ctx.core.deps.sfu.connectTransport(
      room.id,
      endpoint.id,
      transportId,
      asMs<ms.DtlsParameters>(dtlsParameters),
    );
    return {};
  },

  async 'media:produce'(ctx, req) {
    const { room, endpoint } = ctx.member();
    // A host-muted endpoint may publish its microphone, but only paused.
    const forcedPause = req.source === 'mic' && !room.maySpeak(endpoint);
    const info = await ctx.core.deps.sfu.produce(room.id, endpoint.id, {
      kind: req.kind,
      rtpParameters: asMs<ms.RtpParameters>(req.rtpParameters),
      source: req.source,
      paused: req.paused === true || forcedPause,
    });
    // Producing a source again replaced the old producer of that source.
    for (const [id, p] of endpoint.producers) {
      if (p.source === info.source) {
        endpoint.producers.delete(id);
        ctx.core.broadcast(
          room,
          'media:producerClosed',
          { producerId: id, endpointId: endpoint.id },
          endpoint,
        );
      }
    }
    endpoint.producers.set(info.id, info);
    ctx.core.broadcast(room, 'media:newProducer', { producer: info }, endpoint);
    return { producerId: info.id };
  },

  async 'media:closeProducer'(ctx, { producerId }) {
    const { room, endpoint } = ownProducer(ctx, producerId);
    await ctx.core.deps.sfu.closeProducer(room.id, endpoint.id, producerId);
    endpoint.producers.delete(producerId);
    ctx.core.broadcast(
      room,
      'media:producerClosed',
      { producerId, endpointId: endpoint.id },
      endpoint,
    );
    return {};
  },

  async 'media:pauseProducer'(ctx, { producerId }) {
    const { room, endpoint, producer } = ownProducer(ctx, producerId);
    await ctx.core.deps.sfu.pauseProducer(room.id, producerId);
    producer.paused = true;
    ctx.core.broadcast(
      room,
      'media:producerPaused',
      { producerId, endpointId: endpoint.id, byHost: false },
      endpoint,
    );
    return {};
  },

  async 'media:resumeProducer'(ctx, { producerId }) {
    const { room, endpoint, producer } = ownProducer(ctx, producerId);
    if (producer.source === 'mic' && !room.maySpeak(endpoint)) throw new AppError('FLOOR_REQUIRED');
    await ctx.core.deps.sfu.resumeProducer(room.id, producerId);
    producer.paused = false;
    ctx.core.broadcast(
      room,
      'media:producerResumed',
      { producerId, endpointId: endpoint.id },
      endpoint,
    );
    return {};
  },

  async 'media:capabilities'(ctx, { rtpCapabilities }) {
    ctx.socket.data.rtpCapabilities = rtpCapabilities;
    return {};
  },

  async 'media:consume'(ctx, { producerIds, rtpCapabilities }) {
    const { room, endpoint } = ctx.member();
    const given = rtpCapabilities ?? endpoint.rtpCapabilities;
    if (!given) throw new AppError('BAD_REQUEST', { reason: 'rtpCapabilities required' });
    const r = await consumeProducers(ctx, room.id, endpoint.id, producerIds, given);
    // Kept for later calls only once they have proved usable.
    if (r.consumers.length > 0 && rtpCapabilities) endpoint.rtpCapabilities = rtpCapabilities;
    return r;
  },

  async 'media:resumeConsumers'(ctx, { consumerIds }) {
    const { room, endpoint } = ctx.member();
    for (const id of new Set(consumerIds))
      await ctx.core.deps.sfu.resumeConsumer(room.id, endpoint.id, id);
    return {};
  },

  async 'media:pauseConsumers'(ctx, { consumerIds }) {
    const { room, endpoint } = ctx.member();
    for (const id of new Set(consumerIds))
      await ctx.core.deps.sfu.pauseConsumer(room.id, endpoint.id, id);
    return {};
  },

  async 'media:setPreferredLayers'(ctx, { consumerId, layers }) {
    const { room, endpoint } = ctx.member();
    await ctx.core.deps.sfu.setPreferredLayers(room.id, endpoint.id, consumerId, layers);
    return {};
  },

  async 'media:restartIce'(ctx, { transportId }) {
    const { room, endpoint } = ctx.member();
    const iceParameters = await ctx.core.deps.sfu.restartIce(room.id, endpoint.id, transportId);
    return { iceParameters: { ...iceParameters } };
  },
};

/** Consumers (paused) of the given producers; a producer that cannot be consumed is reported, not thrown. */
export async function consumeProducers(
  ctx: RequestContext,
  meetingId: string,
  endpointId: string,
  producerIds: readonly string[],
  rtpCapabilities: Record<string, unknown>,
): Promise<{
  consumers: (Omit<ConsumerParams, 'rtpParameters'> & { rtpParameters: Record<string, unknown> })[];
  failed: { producerId: string; code: string }[];
}> {
  const caps = asMs<ms.RtpCapabilities>(rtpCapabilities);
  const consumers = [];
  const failed = [];
  for (const producerId of new Set(producerIds)) {
    try {
      const c = await ctx.core.deps.sfu.consume(meetingId, endpointId, producerId, caps);
      consumers.push({ ...c, rtpParameters: { ...c.rtpParameters } as Record<string, unknown> });
    } catch (err) {
      failed.push({ producerId, code: err instanceof AppError ? err.code : 'BAD_REQUEST' });
    }
  }
  // Left out of the answer: the endpoint will not hear these unless announced again.
  if (failed.length > 0) ctx.log.warn({ meetingId, endpointId, failed }, 'consume failed');
  return { consumers, failed };
}
