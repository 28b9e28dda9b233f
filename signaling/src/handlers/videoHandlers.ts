import type { videoRequests } from '../protocol/video';
import type { HandlerMap } from './context';

type Names = keyof typeof videoRequests;

/** Last-N pins: the SFU keeps them and re-selects the receivers' videos at once. */
export const videoHandlers: HandlerMap<Names> = {
  async 'video:pin'(ctx, { unitId, pinned }) {
    const { room, endpoint } = ctx.member();
    return { pinned: await ctx.core.deps.sfu.pinVideo(room.id, endpoint.id, unitId, pinned) };
  },

  async 'video:pinForAll'(ctx, { unitId, pinned }) {
    const { room } = ctx.member();
    const pins = await ctx.core.deps.sfu.hostPinVideo(room.id, unitId, pinned);
    ctx.core.deps.audit
      ?.record(ctx.session, pinned ? 'meeting.pinForAll' : 'meeting.unpinForAll', room.id, {
        targetUnitId: unitId,
      })
      .catch((err: unknown) => ctx.log.error({ err }, 'audit record failed'));
    return { pinned: pins };
  },
};
