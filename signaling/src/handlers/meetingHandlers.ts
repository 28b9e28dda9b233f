import { randomUUID } from 'node:crypto';
import { AppError } from '@giaoban/common/errors';
import type { meetingRequests } from '../protocol/meeting';
import { MeetingRoom, type EndpointState } from '../room/meetingRoom';
import type { HandlerMap, RequestContext } from './context';
import type { UnitDescription } from '../core';
import { consumeProducers } from './mediaHandlers';
import { onLinkState, presenceLinkState } from './linkHandlers';
import { turnGrantFor } from './iceHandlers';

type Names = keyof typeof meetingRequests;

export const meetingHandlers: HandlerMap<Names> = {
  async 'meeting:prepare'(ctx, { meetingId }) {
    const grant = await ctx.core.deps.gate.authorizeJoin(meetingId, ctx.session);
    const caps = await ctx.core.deps.sfu.routerRtpCapabilities();
    return {
      routerRtpCapabilities: caps as unknown as Record<string, unknown>,
      isHost: grant.isHost,
      turn: turnGrantFor(ctx),
    };
  },

  async 'meeting:join'(ctx, { meetingId, deviceId, link: hint }) {
    const { sfu } = ctx.core.deps;
    const {
      room: r,
      endpoint,
      grant,
      media,
    } = await admitEndpoint(ctx, meetingId, deviceId, ({ endpointId, unit }) =>
      // Link adaptation starts audio-only; mountain communes (profile 'poor') stay so until proven.
      // A device that measured its link good starts with video (sfu/src/link/endpointLink.ts).
      sfu.join({
        meetingId,
        endpointId,
        unitId: ctx.session.unitId,
        link: {
          linkProfile: unit?.linkProfile ?? 'good',
          startWithVideo: hint?.measured === 'good',
          forcedAudioOnly: hint?.audioOnly ?? false,
        },
        group: unit?.parentId ?? undefined,
      }),
    );
    const others = [...r.endpoints.values()].filter((e) => e !== endpoint);
    const consumers = endpoint.rtpCapabilities
      ? await consumeAtJoin(ctx, endpoint, others)
      : undefined;
    return {
      self: r.endpointView(endpoint),
      meeting: r.view(),
      isHost: grant.isHost,
      routerRtpCapabilities: endpoint.rtpCapabilities
        ? undefined
        : (media.routerRtpCapabilities as unknown as Record<string, unknown>),
      sendTransport: toWire(media.sendTransport),
      recvTransport: toWire(media.recvTransport),
      endpoints: others.map((e) => r.endpointView(e)),
      chat: [...r.chat],
      consumers,
      turn: turnGrantFor(ctx),
    };
  },

  async 'meeting:leave'(ctx) {
    const { room, endpoint } = ctx.member();
    await ctx.core.leave(room, endpoint, 'left');
    return {};
  },

  async 'hand:raise'(ctx) {
    const { room, endpoint } = ctx.member();
    endpoint.handRaised = true;
    ctx.core.presenceUpdated(room, endpoint);
    return {};
  },

  async 'hand:lower'(ctx) {
    const { room, endpoint } = ctx.member();
    endpoint.handRaised = false;
    ctx.core.presenceUpdated(room, endpoint);
    return {};
  },
};

/**
 * Everyone's producers consumed and resumed in the join itself (the client
 * wires the tracks without asking). Producers that fail here are simply left
 * out: the client consumes whatever the answer does not cover the usual way.
 */
export async function consumeAtJoin(
  ctx: RequestContext,
  endpoint: EndpointState,
  others: EndpointState[],
) {
  const { sfu } = ctx.core.deps;
  const ids = others.flatMap((e) => [...e.producers.keys()]);
  const { consumers } = await consumeProducers(
    ctx,
    endpoint.meetingId,
    endpoint.id,
    ids,
    endpoint.rtpCapabilities!,
  );
  const resumed = [];
  for (const c of consumers) {
    try {
      await sfu.resumeConsumer(endpoint.meetingId, endpoint.id, c.id);
      resumed.push({ ...c, paused: false });
    } catch {
      resumed.push(c);
    }
  }
  return resumed;
}

/** Only the SHA-256 fingerprint goes on the wire: what browsers use, 600 bytes less per transport. */
function toWire(t: {
  id: string;
  iceParameters: object;
  iceCandidates: object[];
  dtlsParameters: { fingerprints: { algorithm: string }[] };
}) {
  return {
    id: t.id,
    iceParameters: { ...t.iceParameters },
    iceCandidates: t.iceCandidates.map((c) => ({ ...c })),
    dtlsParameters: {
      ...t.dtlsParameters,
      fingerprints: t.dtlsParameters.fingerprints.filter((f) => f.algorithm === 'sha-256'),
    },
  };
}

/**
 * Admits the socket's session into the meeting's room: the gate's grant, the
 * lock, the media (`openMedia`: WebRTC for a browser, PlainTransports for a
 * phone), presence, attendance, the recording. Shared by `meeting:join` and
 * `phone:join` (handlers/phoneHandlers.ts).
 */
export async function admitEndpoint<M>(
  ctx: RequestContext,
  meetingId: string,
  deviceId: string,
  openMedia: (a: { endpointId: string; unit: UnitDescription | undefined }) => Promise<M>,
) {
  const { core, socket, session } = ctx;
  const { sfu, gate, attendance, config, describeUnit } = core.deps;
  // Only units the scheduler invited (and hosts above them) get a grant; others get its coded error.
  const grant = await gate.authorizeJoin(meetingId, session);
  const current = core.endpointOf(socket);
  if (current) await core.leave(current.room, current.endpoint, 'left');

  let room = core.rooms.get(meetingId);
  if (room?.locked && !grant.isHost && !room.mayReturn(session, deviceId))
    throw new AppError('MEETING_LOCKED');
  const previous = room?.byDevice(session, deviceId);

  const endpointId = randomUUID();
  const unit = describeUnit?.(session.unitId);
  // The last endpoint's leave may still be closing the meeting's media: after it, not into it.
  await core.mediaClosed(meetingId);
  // The join counts as under way so that an emptied meeting keeps its media meanwhile.
  core.joining.set(meetingId, (core.joining.get(meetingId) ?? 0) + 1);
  let media: M;
  try {
    media = await openMedia({ endpointId, unit });
  } finally {
    const n = (core.joining.get(meetingId) ?? 1) - 1;
    if (n > 0) core.joining.set(meetingId, n);
    else core.joining.delete(meetingId);
  }
  const link = await sfu.linkState(meetingId, endpointId);
  if (socket.disconnected) {
    await sfu.leave(meetingId, endpointId);
    throw new AppError('UNAVAILABLE', { reason: 'socket closed during join' });
  }
  // Its worker died meanwhile: the client joins again (UNAVAILABLE is retried with backoff).
  if (core.lostBeforeAdmit(endpointId)) {
    await sfu.leave(meetingId, endpointId).catch(() => undefined);
    throw new AppError('UNAVAILABLE', { reason: 'media lost during join' });
  }
  room = core.rooms.get(meetingId);
  const newRoom = !room;
  if (!room) {
    room = new MeetingRoom(grant, config.SIGNALING_CHAT_HISTORY);
    core.addRoom(room);
  }
  const endpoint: EndpointState = {
    id: endpointId,
    meetingId,
    deviceId,
    session,
    grant,
    unitName: unit?.name ?? session.unitId,
    tier: unit?.tier ?? '',
    socketId: socket.id,
    handRaised: false,
    // Host mutes survive a reconnection; a mute-all applies to newcomers too.
    hostMuted: previous?.hostMuted ?? false,
    phone: session.via === 'phone',
    linkState: link ? presenceLinkState(link) : 'good',
    audioOnly: session.via === 'phone' || (link?.audioOnly ?? false),
    rtpCapabilities: socket.data.rtpCapabilities ?? null,
    producers: new Map(),
    graceTimer: null,
  };
  room.admit(endpoint);
  socket.data.meetingId = meetingId;
  socket.data.endpointId = endpointId;
  await socket.join(room.channel);
  // Same unit, same device: a reconnection. The new endpoint is in first, so the room never empties.
  if (previous && room.endpoints.get(previous.id) === previous) {
    core.notify(previous.socketId, 'meeting:ended', { reason: 'replaced' });
    await core.leave(room, previous, 'replaced');
  }
  attendance.record({
    type: 'joined',
    meetingId,
    occurrenceId: grant.occurrenceId,
    unitId: session.unitId,
    endpointId,
    at: Date.now(),
    audioOnly: endpoint.audioOnly,
    reconnect: previous !== undefined,
    ...(endpoint.phone ? { phone: true } : {}),
  });
  ctx.log.info(
    { meetingId, unitId: session.unitId, endpointId, reconnect: !!previous },
    'endpoint joined',
  );
  core.broadcast(room, 'presence:joined', { endpoint: room.endpointView(endpoint) }, endpoint);
  // A recording in progress goes on (a new segment where the meeting moved); an emergency starts one.
  // Not awaited: the join answer does not wait for Redis; members learn it by meeting:updated.
  void core.recording
    .joined(room, newRoom)
    .catch((err: unknown) => ctx.log.error({ err, meetingId }, 'recording check failed'));
  // The browser learns its starting link state right after the join answer.
  const joinedRoom = room;
  if (link) setTimeout(() => onLinkState(core, joinedRoom, endpoint, link), 0);
  return { room, endpoint, grant, media };
}
