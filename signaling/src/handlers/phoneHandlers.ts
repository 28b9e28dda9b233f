import { randomUUID } from 'node:crypto';
import { AppError } from '@giaoban/common/errors';
import type { phoneRequests } from '../protocol/phone';
import type { HandlerMap } from './context';
import { admitEndpoint, consumeAtJoin } from './meetingHandlers';

type Names = keyof typeof phoneRequests;

/** The phone role joins a caller (docs/phone.md); the rest of its media uses the media:* requests. */
export const phoneHandlers: HandlerMap<Names> = {
  async 'phone:join'(ctx, { meetingId, deviceId, recvTo }) {
    if (ctx.session.via !== 'phone') throw new AppError('FORBIDDEN', { reason: 'phone only' });
    if (!ctx.socket.data.rtpCapabilities)
      throw new AppError('BAD_REQUEST', { reason: 'media:capabilities first' });
    const { sfu } = ctx.core.deps;
    const { room, endpoint, media } = await admitEndpoint(
      ctx,
      meetingId,
      deviceId || randomUUID(),
      ({ endpointId, unit }) =>
        sfu.joinPlain({
          meetingId,
          endpointId,
          unitId: ctx.session.unitId,
          group: unit?.parentId ?? undefined,
          recvTo,
        }),
    );
    const others = [...room.endpoints.values()].filter((e) => e !== endpoint);
    const consumers = await consumeAtJoin(ctx, endpoint, others);
    return {
      self: room.endpointView(endpoint),
      meeting: room.view(),
      send: media.send,
      recv: media.recv,
      consumers,
      producers: media.producers,
    };
  },
};
