import { randomUUID } from 'node:crypto';
import type { chatRequests } from '../protocol/chat';
import type { HandlerMap } from './context';

type Names = keyof typeof chatRequests;

export const chatHandlers: HandlerMap<Names> = {
  async 'chat:send'(ctx, { text }) {
    const { room, endpoint } = ctx.member();
    const message = {
      id: randomUUID(),
      endpointId: endpoint.id,
      unitId: endpoint.session.unitId,
      unitName: endpoint.unitName,
      displayName: endpoint.session.displayName,
      text,
      at: Date.now(),
    };
    // Written to Redis before anyone sees it: a failover keeps every message acknowledged.
    await room.addChat(message);
    ctx.core.broadcast(room, 'chat:message', { message }, endpoint);
    return { message };
  },
};
