import { AppError } from '@giaoban/common/errors';
import type { recordingRequests } from '../protocol/recording';
import type { HandlerMap } from './context';

type Names = keyof typeof recordingRequests;

/** The host starts and stops the meeting's recording; both go into the audit log. */
export const recordingHandlers: HandlerMap<Names> = {
  async 'recording:start'(ctx) {
    const { room } = ctx.member();
    const view = await ctx.core.recording.start(room, ctx.session);
    void ctx.core.deps.audit
      ?.record(ctx.session, 'recording.start', room.id, { recordingId: view.id })
      .catch((err: unknown) => ctx.log.error({ err }, 'audit record failed'));
    return view;
  },

  async 'recording:stop'(ctx) {
    const { room } = ctx.member();
    const id = await ctx.core.recording.stop(room, 'host');
    if (!id) throw new AppError('NOT_FOUND', { reason: 'not recording' });
    void ctx.core.deps.audit
      ?.record(ctx.session, 'recording.stop', room.id, { recordingId: id })
      .catch((err: unknown) => ctx.log.error({ err }, 'audit record failed'));
    return { recordingId: id };
  },
};
