import { AppError } from '@giaoban/common/errors';
import type { moderationRequests } from '../protocol/moderation';
import type { EndpointState, MeetingRoom } from '../room/meetingRoom';
import type { HandlerMap, RequestContext } from './context';

type Names = keyof typeof moderationRequests;

/** Pauses the endpoint's microphone in the SFU and marks it host-muted. */
async function mute(
  ctx: RequestContext,
  room: MeetingRoom,
  target: EndpointState,
  by: EndpointState,
) {
  target.hostMuted = true;
  for (const p of target.producers.values()) {
    if (p.source !== 'mic' || p.paused) continue;
    await ctx.core.deps.sfu.pauseProducer(room.id, p.id);
    p.paused = true;
    ctx.core.broadcast(room, 'media:producerPaused', {
      producerId: p.id,
      endpointId: target.id,
      byHost: true,
    });
  }
  ctx.core.notify(target.socketId, 'moderation:muted', { byEndpointId: by.id });
  ctx.core.presenceUpdated(room, target);
}

function audit(ctx: RequestContext, action: string, room: MeetingRoom, target?: EndpointState) {
  ctx.core.deps.audit
    ?.record(ctx.session, `meeting.${action}`, room.id, {
      targetUnitId: target?.session.unitId,
      targetEndpointId: target?.id,
    })
    .catch((err: unknown) => ctx.log.error({ err, action }, 'audit record failed'));
  ctx.log.info(
    {
      audit: true,
      action,
      meetingId: room.id,
      unitId: ctx.session.unitId,
      targetUnitId: target?.session.unitId,
    },
    'moderation',
  );
}

export const moderationHandlers: HandlerMap<Names> = {
  async 'moderation:mute'(ctx, { endpointId }) {
    const { room, endpoint } = ctx.member();
    const target = ctx.core.endpointIn(room, endpointId);
    await mute(ctx, room, target, endpoint);
    audit(ctx, 'mute', room, target);
    return {};
  },

  async 'moderation:muteAll'(ctx) {
    const { room, endpoint } = ctx.member();
    let muted = 0;
    for (const e of room.endpoints.values()) {
      if (e.grant.isHost) continue;
      await mute(ctx, room, e, endpoint);
      muted++;
    }
    if (room.floorEndpointId) {
      await room.setFloor(null);
      await ctx.core.deps.sfu.setFloor(room.id, null);
      ctx.core.broadcast(room, 'meeting:updated', { meeting: room.view() });
    }
    audit(ctx, 'muteAll', room);
    return { muted };
  },

  async 'moderation:giveFloor'(ctx, { endpointId }) {
    const { room } = ctx.member();
    const target = ctx.core.endpointIn(room, endpointId);
    const previous = room.floorEndpointId ? room.endpoints.get(room.floorEndpointId) : undefined;
    await room.setFloor(target);
    // A critical downlink hears only the floor holder.
    await ctx.core.deps.sfu.setFloor(room.id, target.id);
    target.hostMuted = false;
    target.handRaised = false;
    if (previous && previous !== target && !previous.grant.isHost)
      await mute(ctx, room, previous, ctx.member().endpoint);
    ctx.core.broadcast(room, 'meeting:updated', { meeting: room.view() });
    ctx.core.presenceUpdated(room, target);
    audit(ctx, 'giveFloor', room, target);
    return {};
  },

  async 'moderation:takeFloor'(ctx) {
    const { room, endpoint } = ctx.member();
    const holder = room.floorEndpointId ? room.endpoints.get(room.floorEndpointId) : undefined;
    await room.setFloor(null);
    await ctx.core.deps.sfu.setFloor(room.id, null);
    if (holder && !holder.grant.isHost) await mute(ctx, room, holder, endpoint);
    ctx.core.broadcast(room, 'meeting:updated', { meeting: room.view() });
    audit(ctx, 'takeFloor', room, holder);
    return {};
  },

  async 'moderation:lowerAllHands'(ctx) {
    const { room } = ctx.member();
    for (const e of room.endpoints.values()) {
      if (!e.handRaised) continue;
      e.handRaised = false;
      ctx.core.presenceUpdated(room, e);
    }
    return {};
  },

  async 'moderation:remove'(ctx, { endpointId }) {
    const { room, endpoint } = ctx.member();
    const target = ctx.core.endpointIn(room, endpointId);
    if (target === endpoint) throw new AppError('BAD_REQUEST', { reason: 'use meeting:leave' });
    ctx.core.notify(target.socketId, 'meeting:ended', { reason: 'removed' });
    audit(ctx, 'remove', room, target);
    await ctx.core.leave(room, target, 'removed');
    return {};
  },

  async 'moderation:lock'(ctx, { locked }) {
    const { room } = ctx.member();
    await room.setLocked(locked);
    ctx.core.broadcast(room, 'meeting:updated', { meeting: room.view() });
    audit(ctx, locked ? 'lock' : 'unlock', room);
    return {};
  },
};
