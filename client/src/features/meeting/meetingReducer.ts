import type { EndpointView } from '@giaoban/signaling/protocol/index';
import type { EngineEvent } from './engineEvents';
import type { MeetingState } from './meetingStore';

export type SetMeeting = (
  p: Partial<MeetingState> | ((s: MeetingState) => Partial<MeetingState>),
) => void;

/**
 * The meeting store's state after one engine event. `onEnded`: the meeting is
 * over for this engine (the store lets it go).
 */
export function reduce(
  ev: EngineEvent,
  set: SetMeeting,
  get: () => MeetingState,
  onEnded: () => void,
): void {
  const self = get().self;
  const upsert = (endpoint: EndpointView) => {
    if (endpoint.id === self?.id) set({ self: endpoint, mutedByHost: endpoint.hostMuted });
    else set((s) => ({ endpoints: { ...s.endpoints, [endpoint.id]: endpoint } }));
  };
  switch (ev.type) {
    case 'joined': {
      const { join } = ev;
      set({
        self: join.self,
        meeting: join.meeting,
        isHost: join.isHost,
        endpoints: Object.fromEntries(join.endpoints.map((e) => [e.id, e])),
        chat: join.chat,
        mutedByHost: join.self.hostMuted,
        tracks: {},
        videoSelection: null,
      });
      break;
    }
    case 'presenceJoined':
    case 'presenceUpdated':
      upsert(ev.endpoint);
      break;
    case 'presenceLeft':
      set((s) => {
        const { [ev.endpointId]: _gone, ...rest } = s.endpoints;
        const tracks = Object.fromEntries(
          Object.entries(s.tracks).filter(([, t]) => t.endpointId !== ev.endpointId),
        );
        return { endpoints: rest, tracks };
      });
      break;
    case 'meetingUpdated':
      set({ meeting: ev.meeting });
      break;
    case 'producerAdded': {
      const { producer } = ev;
      const e = get().endpoints[producer.endpointId];
      if (!e) break;
      const producers = [
        ...e.producers.filter((p) => p.id !== producer.id && p.source !== producer.source),
        producer,
      ];
      set((s) => ({ endpoints: { ...s.endpoints, [e.id]: { ...e, producers } } }));
      break;
    }
    case 'producerState':
    case 'producerClosed': {
      const e = get().endpoints[ev.endpointId];
      if (!e) break;
      const producers =
        ev.type === 'producerClosed'
          ? e.producers.filter((p) => p.id !== ev.producerId)
          : e.producers.map((p) => (p.id === ev.producerId ? { ...p, paused: ev.paused } : p));
      set((s) => ({ endpoints: { ...s.endpoints, [e.id]: { ...e, producers } } }));
      break;
    }
    case 'track':
      set((s) => ({ tracks: { ...s.tracks, [ev.track.consumerId]: ev.track } }));
      break;
    case 'trackEnded':
      set((s) => {
        const { [ev.consumerId]: _gone, ...rest } = s.tracks;
        return { tracks: rest };
      });
      break;
    case 'activeSpeaker':
      set({ activeSpeakerId: ev.endpointId });
      break;
    case 'videoSelection':
      set({ videoSelection: ev.producerIds });
      break;
    case 'chat':
      set((s) => ({ chat: [...s.chat, ev.message].slice(-200) }));
      break;
    case 'local':
      set({ local: { mic: ev.mic, camera: ev.camera, screen: ev.screen } });
      break;
    case 'mutedByHost':
      set({ mutedByHost: true });
      break;
    case 'connection':
      set({
        connection: ev.state,
        reconnectReason: ev.state === 'reconnecting' ? (ev.reason ?? null) : null,
      });
      break;
    case 'ended':
      set({ endedReason: ev.reason, connection: 'ended' });
      onEnded();
      break;
    case 'error':
      set({ error: ev.code });
      break;
    case 'link':
      set({ link: ev.notice });
      break;
    case 'icePath':
      set({ icePath: ev.info });
      break;
  }
}
