import { AppError } from '@giaoban/common/errors';
import type { Logger } from '@giaoban/common/logger';
import type { SessionClaims } from '@giaoban/common/session';
import type { GbSocket, SignalingCore } from '../core';
import type { ParsedRequestOf, RequestName, ResponseOf } from '../protocol/index';
import type { EndpointState, MeetingRoom } from '../room/meetingRoom';

export interface Member {
  room: MeetingRoom;
  endpoint: EndpointState;
}

/** What a request handler works with: the socket, its session and the shared core. */
export class RequestContext {
  readonly core: SignalingCore;
  readonly socket: GbSocket;
  readonly log: Logger;

  constructor(core: SignalingCore, socket: GbSocket, log: Logger) {
    this.core = core;
    this.socket = socket;
    this.log = log;
  }

  get session(): SessionClaims {
    return this.socket.data.session;
  }

  /** The socket's endpoint and meeting; MEETING_NOT_OPEN when it has not joined one. */
  member(): Member {
    const found = this.core.endpointOf(this.socket);
    if (!found) throw new AppError('MEETING_NOT_OPEN', { reason: 'join a meeting first' });
    return found;
  }
}

export type Handler<N extends RequestName> = (
  ctx: RequestContext,
  payload: ParsedRequestOf<N>,
) => Promise<ResponseOf<N>>;
export type HandlerMap<N extends RequestName> = { [K in N]: Handler<K> };
