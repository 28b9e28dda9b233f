import type { LinkStateEvent } from '@giaoban/sfu/link/linkSupervisor';
import { severity, type LinkState } from '@giaoban/sfu/link/linkState';
import type { SignalingCore } from '../core';
import type { linkRequests } from '../protocol/link';
import type { EndpointState, MeetingRoom } from '../room/meetingRoom';
import type { HandlerMap } from './context';

type Names = keyof typeof linkRequests;

/** The browser's link reports and its audio-only choice go to the SFU, which decides. */
export const linkHandlers: HandlerMap<Names> = {
  async 'link:report'(ctx, report) {
    const { room, endpoint } = ctx.member();
    await ctx.core.deps.sfu.reportLink(room.id, endpoint.id, report);
    return {};
  },

  async 'link:audioOnly'(ctx, { audioOnly }) {
    const { room, endpoint } = ctx.member();
    await ctx.core.deps.sfu.setAudioOnly(room.id, endpoint.id, audioOnly);
    return {};
  },
};

/** Presence shows the worse of the two directions. */
export function presenceLinkState(ev: Pick<LinkStateEvent, 'down' | 'up'>): LinkState {
  return severity(ev.down) >= severity(ev.up) ? ev.down : ev.up;
}

/**
 * An endpoint's link changed on the SFU: tell its browser what to send, show
 * the new state in presence (tiles, the host's roll call) and count
 * audio-only time in attendance.
 */
export function onLinkState(
  core: SignalingCore,
  room: MeetingRoom,
  e: EndpointState,
  ev: LinkStateEvent,
): void {
  core.notify(e.socketId, 'link:state', {
    endpointId: e.id,
    down: ev.down,
    up: ev.up,
    audioOnly: ev.audioOnly,
    forced: ev.forced,
    send: ev.send,
    ...(ev.fall && { fall: true }),
    ...(ev.voices && { voices: ev.voices }),
    ...(ev.transition && {
      reason: `${ev.transition.direction} ${ev.transition.from}→${ev.transition.to}`,
    }),
  });
  const state = presenceLinkState(ev);
  const wasAudioOnly = e.audioOnly;
  if (e.linkState === state && wasAudioOnly === ev.audioOnly) return;
  e.linkState = state;
  e.audioOnly = ev.audioOnly;
  core.presenceUpdated(room, e);
  if (wasAudioOnly !== ev.audioOnly) {
    core.deps.attendance.record({
      type: 'audioOnly',
      meetingId: room.id,
      occurrenceId: e.grant.occurrenceId,
      unitId: e.session.unitId,
      endpointId: e.id,
      at: Date.now(),
      audioOnly: ev.audioOnly,
    });
  }
}
