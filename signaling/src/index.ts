import type { Server as HttpServer } from 'node:http';
import { Server, type ServerOptions } from 'socket.io';
import { RateLimiterMemory } from 'rate-limiter-flexible';
import { z } from 'zod';
import { AppError } from '@giaoban/common/errors';
import type { Logger } from '@giaoban/common/logger';
import { storageFailure } from '@giaoban/common/storageErrors';
import type {
  AttendanceRecorder,
  MeetingGate,
  SessionVerifier,
  UnitNotifier,
} from '@giaoban/common/ports';
import type { SfuClient } from '@giaoban/sfu/sfuClient';
import type { Redis } from 'ioredis';
import { loadSignalingConfig, type SignalingConfig } from './config';
import { SignalingCore, type GbSocket, type ModerationAudit, type UnitDescription } from './core';
import { attachRequests } from './dispatch';
import type { EndpointView, MeetingView } from './protocol/index';
import { RoomStateStore } from './room/roomState';
import { watchEndedSessions } from './sessionsEnded';

const closedMeetingSchema = z.object({
  meetingId: z.string(),
  occurrenceId: z.string().optional(),
});
/** Between signaling nodes: which room to close, or whom to drop from it. */
const roomChangeSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('close'),
    meetingId: z.string(),
    occurrenceId: z.string().optional(),
    reason: z.enum(['closed', 'cancelled']),
  }),
  z.object({
    type: z.literal('uninvited'),
    meetingId: z.string(),
    occurrenceId: z.string(),
    unitIds: z.array(z.string()),
  }),
]);
type RoomChange = z.infer<typeof roomChangeSchema>;

export interface SignalingOptions {
  httpServer: HttpServer;
  sfu: SfuClient;
  sessions: SessionVerifier;
  gate: MeetingGate;
  attendance: AttendanceRecorder;
  log: Logger;
  describeUnit?: (unitId: string) => UnitDescription | undefined;
  /** Records moderation (mute, mute all, floor, remove, lock) in the audit log. */
  audit?: ModerationAudit;
  config?: SignalingConfig;
  /** Room state lives here, so another node (or this one restarted) can take a meeting over. */
  redis: Redis;
  /**
   * Cluster: the socket.io adapter shared by the signaling nodes (Redis), so a
   * unit's notifications reach its sockets on any node. Unset: one process.
   */
  adapter?: ServerOptions['adapter'];
}

/** Between signaling nodes: a meeting ended, cancelled or re-invited elsewhere changes its room here. */
const ROOM_CHANGE = 'giaoban:roomChange';

export interface Signaling {
  readonly io: Server;
  /** Reaches every connected socket of the given units (scheduler reminders, emergency alerts). */
  readonly notifier: UnitNotifier;
  /** Meetings with their present endpoints (tests, health). */
  meetings(): { meetingId: string; endpoints: number }[];
  /** One meeting as its members see it (tests, diagnostics); undefined when nobody is in it. */
  meetingState(
    meetingId: string,
  ): { meeting: MeetingView; endpoints: EndpointView[]; chat: number } | undefined;
  /** Resolves once this node listens for ended sessions (logout, password change). */
  readonly sessionsReady: Promise<void>;
  close(): Promise<void>;
}

/** What a scheduler notification means for the meeting's room, if anything. */
function roomChangeOf(event: string, unitIds: string[], payload: unknown): RoomChange | undefined {
  const ref = closedMeetingSchema.safeParse(payload);
  if (!ref.success) return undefined;
  const { meetingId, occurrenceId } = ref.data;
  switch (event) {
    case 'meeting:closed':
    case 'emergency:ended':
      return { type: 'close', meetingId, occurrenceId, reason: 'closed' };
    case 'meeting:cancelled':
      return { type: 'close', meetingId, occurrenceId, reason: 'cancelled' };
    case 'meeting:uninvited':
      return occurrenceId ? { type: 'uninvited', meetingId, occurrenceId, unitIds } : undefined;
    default:
      return undefined;
  }
}

/** A unit's socket.io room: every connected socket of the unit, in a meeting or not. */
export const unitChannel = (unitId: string) => `unit:${unitId}`;

/**
 * The socket.io gateway on the all-in-one HTTP server. The handshake carries
 * `auth: { token }` (the login session token), verified by the scheduler.
 */
export function createSignaling(options: SignalingOptions): Signaling {
  const config = options.config ?? loadSignalingConfig();
  const log = options.log;
  const io = new Server(options.httpServer, {
    serveClient: false,
    // Signaling messages are small; anything bigger is hostile.
    maxHttpBufferSize: 64 * 1024,
    pingInterval: 10_000,
    pingTimeout: 10_000,
    // A join answer of a full emergency meeting (151 communes: endpoints, consumers' RTP
    // parameters) is tens of kB of repetitive JSON: deflated ~8×, seconds less on GPRS/EDGE.
    perMessageDeflate: { threshold: 1024 },
    connectionStateRecovery: {
      maxDisconnectionDuration: config.SIGNALING_GRACE_MS,
      // A recovered socket shows its token again: logged out or password changed meanwhile = refused.
      skipMiddlewares: false,
    },
    ...(options.adapter ? { adapter: options.adapter } : {}),
  });
  const roomState = new RoomStateStore(options.redis, {
    ttlMs: config.SIGNALING_ROOM_STATE_TTL_MS,
    chatHistory: config.SIGNALING_CHAT_HISTORY,
    log,
  });
  const core = new SignalingCore(io, { ...options, config, roomState });
  const limiter = new RateLimiterMemory({ points: config.SIGNALING_RATE_PER_SECOND, duration: 1 });
  const unsubscribe = options.sfu.onEvent((e) => core.onSfuEvent(e));
  const endedSessions = watchEndedSessions(core, options.redis, log);
  // Presence lease: endpoints of a node that stops saying this are recorded as left elsewhere.
  const heartbeat = setInterval(() => {
    const held = [...core.rooms.values()].flatMap((room) =>
      [...room.endpoints.values()].map((e) => ({
        meetingId: room.id,
        occurrenceId: e.grant.occurrenceId,
        unitId: e.session.unitId,
        endpointId: e.id,
      })),
    );
    options.attendance.alive?.(held);
  }, config.SIGNALING_PRESENCE_HEARTBEAT_MS);
  heartbeat.unref();
  const applyRoomChange = (change: RoomChange) => {
    const done =
      change.type === 'close'
        ? core.closeRoom(change.meetingId, change)
        : core.dropUninvited(change.meetingId, change.occurrenceId, change.unitIds);
    done.catch((err: unknown) => {
      log.error({ err, meetingId: change.meetingId, change: change.type }, 'room change failed');
    });
  };
  if (options.adapter) {
    io.on(ROOM_CHANGE, (payload: unknown) => {
      const change = roomChangeSchema.safeParse(payload);
      if (change.success) applyRoomChange(change.data);
    });
  }

  io.use((socket, next) => {
    const auth: unknown = socket.handshake.auth;
    const token = typeof auth === 'object' && auth && 'token' in auth ? auth.token : undefined;
    if (typeof token !== 'string' || token.length === 0 || token.length > 4096) {
      next(
        Object.assign(new Error('UNAUTHENTICATED'), {
          data: new AppError('UNAUTHENTICATED').toBody(),
        }),
      );
      return;
    }
    options.sessions.verify(token).then(
      (session) => {
        (socket as GbSocket).data.session = session;
        next();
      },
      (err: unknown) => {
        // Redis down is not a bad token: the client should retry, not log out.
        const body =
          err instanceof AppError
            ? err.toBody()
            : (storageFailure(err) ?? new AppError('UNAUTHENTICATED')).toBody();
        next(Object.assign(new Error(body.code), { data: body }));
      },
    );
  });

  io.on('connection', (raw) => {
    const socket = raw as GbSocket;
    const session = socket.data.session;
    void socket.join(unitChannel(session.unitId));
    if (socket.recovered) {
      const wasIn = socket.data.meetingId;
      core.recovered(socket);
      // Recovered where its room is not (a cluster node handed its meetings over, or the
      // grace ran out): without a word the client would believe it is still in the meeting.
      if (wasIn && !socket.data.meetingId)
        core.notify(socket.id, 'media:reconnect', { reason: 'roomGone' });
    }
    attachRequests(
      core,
      socket,
      limiter,
      log.child({ unitId: session.unitId, socketId: socket.id }),
    );
    socket.on('disconnect', (reason) => {
      const explicit =
        reason === 'client namespace disconnect' || reason === 'server namespace disconnect';
      core.disconnected(socket, explicit);
    });
  });

  return {
    io,
    notifier: {
      notifyUnits(unitIds, event, payload) {
        // A closed or cancelled occurrence (host "end", the schedule's close, an emergency
        // ended, a cancellation) also empties its room, and units dropped from the open
        // occurrence's invitations leave it: without this, endpoints inside kept meeting.
        const change = roomChangeOf(event, unitIds, payload);
        if (change) {
          applyRoomChange(change);
          // The room may live on another signaling node (cluster): tell them all.
          if (options.adapter) io.serverSideEmit(ROOM_CHANGE, change);
        }
        if (unitIds.length === 0) return;
        io.to(unitIds.map(unitChannel)).emit(event, payload);
      },
    },
    meetings: () =>
      [...core.rooms.values()].map((r) => ({ meetingId: r.id, endpoints: r.endpoints.size })),
    meetingState(meetingId) {
      const room = core.rooms.get(meetingId);
      if (!room) return undefined;
      const endpoints = [...room.endpoints.values()].map((e) => room.endpointView(e));
      return { meeting: room.view(), endpoints, chat: room.chat.length };
    },
    sessionsReady: endedSessions.ready,
    async close() {
      unsubscribe();
      clearInterval(heartbeat);
      endedSessions.close();
      await core.close();
      io.disconnectSockets(true);
      await new Promise<void>((resolve) => {
        // io.close() also closes the HTTP server; the all-in-one closes that itself.
        io.engine.close();
        resolve();
      });
    },
  };
}
