import { RateLimiterMemory } from 'rate-limiter-flexible';
import { AppError, errorMessages, zodDetails, type ErrorBody } from '@giaoban/common/errors';
import type { Logger } from '@giaoban/common/logger';
import { storageFailure } from '@giaoban/common/storageErrors';
import type { GbSocket, SignalingCore } from './core';
import { RequestContext, type Handler, type HandlerMap } from './handlers/context';
import { chatHandlers } from './handlers/chatHandlers';
import { linkHandlers } from './handlers/linkHandlers';
import { mediaHandlers } from './handlers/mediaHandlers';
import { meetingHandlers } from './handlers/meetingHandlers';
import { moderationHandlers } from './handlers/moderationHandlers';
import { videoHandlers } from './handlers/videoHandlers';
import { iceHandlers } from './handlers/iceHandlers';
import { recordingHandlers } from './handlers/recordingHandlers';
import { phoneHandlers } from './handlers/phoneHandlers';
import { requestNames, requests, type Ack, type RequestName } from './protocol/index';

const handlers: HandlerMap<RequestName> = {
  ...meetingHandlers,
  ...mediaHandlers,
  ...moderationHandlers,
  ...chatHandlers,
  ...linkHandlers,
  ...videoHandlers,
  ...iceHandlers,
  ...recordingHandlers,
  ...phoneHandlers,
};

function errorBody(err: unknown, log: Logger, event: string): ErrorBody {
  if (err instanceof AppError) return err.toBody();
  // Redis restarting or its disk full: the client is told so (and may retry), nothing is logged as a bug.
  const storage = storageFailure(err);
  if (storage) return storage.toBody();
  // mediasoup rejects inconsistent parameters with TypeError: the client's fault, not ours.
  if (err instanceof TypeError) {
    return new AppError('BAD_REQUEST', { reason: err.message.slice(0, 200) }).toBody();
  }
  log.error({ err, event }, 'signaling request failed');
  return {
    code: 'INTERNAL',
    message: errorMessages.INTERNAL.vi,
    messageEn: errorMessages.INTERNAL.en,
  };
}

/**
 * Wires every request of the protocol on one socket: rate limit, zod
 * validation, meeting and host checks, then the handler; the answer is always
 * an ack `{ ok, data | error }`. A socket's requests run one after another so
 * out-of-order calls see a consistent state.
 */
export function attachRequests(
  core: SignalingCore,
  socket: GbSocket,
  limiter: RateLimiterMemory,
  log: Logger,
): void {
  let queue: Promise<unknown> = Promise.resolve();
  const ctx = new RequestContext(core, socket, log);

  for (const name of requestNames) {
    const spec = requests[name];
    const handler = handlers[name] as Handler<RequestName>;
    socket.on(
      name as never,
      ((payload: unknown, ack: unknown) => {
        // Without an ack function nobody could learn the outcome: such events are dropped unprocessed.
        if (typeof ack !== 'function') return;
        const reply = ack as (r: Ack<unknown>) => void;
        const run = async (): Promise<Ack<unknown>> => {
          try {
            await limiter.consume(socket.id);
          } catch {
            return { ok: false, error: new AppError('RATE_LIMITED').toBody() };
          }
          try {
            const parsed = spec.request.safeParse(payload);
            if (!parsed.success) throw new AppError('BAD_REQUEST', zodDetails(parsed.error));
            if (!('outsideMeeting' in spec && spec.outsideMeeting)) {
              const { endpoint } = ctx.member();
              if ('hostOnly' in spec && spec.hostOnly && !endpoint.grant.isHost)
                throw new AppError('FORBIDDEN');
            }
            const data = await handler(ctx, parsed.data as never);
            return { ok: true, data };
          } catch (err) {
            return { ok: false, error: errorBody(err, log, name) };
          }
        };
        queue = queue
          .then(run)
          .then(reply, (err: unknown) => reply({ ok: false, error: errorBody(err, log, name) }));
      }) as never,
    );
  }
}
