import type { iceRequests } from '../protocol/ice';
import type { TurnGrant } from '../protocol/ice';
import { turnSettingsOf } from '../config';
import { issueTurnGrant } from '../turn/turnCredentials';
import type { HandlerMap, RequestContext } from './context';

type Names = keyof typeof iceRequests;

/** TURN credentials for this socket's unit, or undefined when the deployment has no TURN. */
export function turnGrantFor(ctx: RequestContext): TurnGrant | undefined {
  const settings = turnSettingsOf(ctx.core.deps.config);
  return settings ? issueTurnGrant(settings, ctx.session.unitId) : undefined;
}

export const iceHandlers: HandlerMap<Names> = {
  // A refresh for an endpoint in a meeting (prepare and join hand out the first grant):
  // a socket that joined nothing gets no relay credentials.
  async 'media:iceServers'(ctx) {
    ctx.member();
    return { turn: turnGrantFor(ctx) };
  },
};
