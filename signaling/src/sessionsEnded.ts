import type { Redis } from 'ioredis';
import type { Logger } from '@giaoban/common/logger';
import { watchRedisConnection } from '@giaoban/common/redisWatch';
import {
  SESSIONS_ENDED_CHANNEL,
  endedSession,
  sessionsEndedSchema,
  type SessionsEnded,
} from '@giaoban/common/sessionsEnded';
import type { GbSocket, SignalingCore } from './core';

/**
 * A session that ends early (logout, password changed or reset by an admin)
 * ends its live sockets too: the token is checked at the handshake, so without
 * this an old socket kept joining meetings and chatting. Every signaling node
 * listens on Redis, so a logout on one node reaches sockets on all of them.
 */
export function watchEndedSessions(
  core: SignalingCore,
  redis: Redis,
  log: Logger,
): { ready: Promise<void>; close(): void } {
  const sub = redis.duplicate();
  watchRedisConnection(sub, log, 'sessions-ended');
  sub.on('message', (_channel: string, raw: string) => {
    let ended: SessionsEnded;
    try {
      ended = sessionsEndedSchema.parse(JSON.parse(raw));
    } catch {
      return;
    }
    endSessions(core, ended, log).catch((err: unknown) =>
      log.error({ err, accountId: ended.accountId }, 'ending sessions failed'),
    );
  });
  const ready = sub.subscribe(SESSIONS_ENDED_CHANNEL).then(() => undefined);
  ready.catch((err: unknown) => log.error({ err }, 'subscribing to ended sessions failed'));
  return { ready, close: () => sub.disconnect() };
}

/** Drops this node's sockets of the ended sessions, and their endpoints (also those in the grace period). */
export async function endSessions(
  core: SignalingCore,
  ended: SessionsEnded,
  log: Logger,
): Promise<number> {
  let dropped = 0;
  for (const raw of [...core.io.of('/').sockets.values()]) {
    const socket = raw as GbSocket;
    if (!endedSession(ended, socket.data.session)) continue;
    const found = core.endpointOf(socket);
    if (found) {
      core.notify(socket.id, 'meeting:ended', { reason: 'sessionEnded' });
      await core.leave(found.room, found.endpoint, 'left');
    }
    socket.disconnect(true);
    dropped++;
  }
  // Dropped sockets waiting to recover: recovery re-checks the token, but the
  // endpoint should not hold its place until the grace period runs out.
  for (const room of [...core.rooms.values()]) {
    for (const e of [...room.endpoints.values()]) {
      if (e.socketId === null && endedSession(ended, e.session)) {
        await core.leave(room, e, 'left');
        dropped++;
      }
    }
  }
  if (dropped > 0)
    log.info(
      { accountId: ended.accountId, reason: ended.reason, dropped },
      'session ended: sockets dropped',
    );
  return dropped;
}
