import type { EndpointView } from '@giaoban/signaling/protocol/meeting';
import type { RemoteTrack } from '../meeting/engineEvents';

export interface LayoutInput {
  self: EndpointView | null;
  endpoints: readonly EndpointView[];
  tracks: readonly RemoteTrack[];
  floorEndpointId: string | null;
  activeSpeakerId: string | null;
  selfVideo: MediaStreamTrack | null;
  /** Last-N: the video producers the SFU forwards to us (null = all); others show the avatar. */
  videoSelection?: readonly string[] | null;
}

export interface LayoutTile {
  endpoint: EndpointView;
  video: MediaStreamTrack | null;
  isSelf: boolean;
}

/**
 * Who is large and who is in the grid. The stage shows, in this order: a
 * screen share, the floor holder, the active speaker, else nobody (the grid
 * alone). Our own tile is never on the stage: seeing oneself large helps no one.
 */
export function layoutRoom(i: LayoutInput): { stage: LayoutTile | null; grid: LayoutTile[] } {
  const videoOf = (endpointId: string, prefer: 'screen' | 'camera') => {
    const mine = i.tracks.filter(
      (t) =>
        t.endpointId === endpointId &&
        t.kind === 'video' &&
        (!i.videoSelection || i.videoSelection.includes(t.producerId)),
    );
    const live = (t: RemoteTrack) => t.track.readyState !== 'ended';
    return (
      mine.find((t) => t.source === prefer && live(t))?.track ??
      mine.find((t) => live(t))?.track ??
      null
    );
  };
  const remote = i.endpoints.filter((e) => e.id !== i.self?.id);
  const sharer = remote.find((e) =>
    i.tracks.some(
      (t) => t.endpointId === e.id && t.source === 'screen' && t.track.readyState !== 'ended',
    ),
  );
  const stageEndpoint =
    sharer ??
    remote.find((e) => e.id === i.floorEndpointId) ??
    remote.find((e) => e.id === i.activeSpeakerId) ??
    null;
  const stage = stageEndpoint
    ? {
        endpoint: stageEndpoint,
        video: videoOf(stageEndpoint.id, sharer === stageEndpoint ? 'screen' : 'camera'),
        isSelf: false,
      }
    : null;
  const grid: LayoutTile[] = [];
  if (i.self) grid.push({ endpoint: i.self, video: i.selfVideo, isSelf: true });
  for (const e of remote) {
    if (e.id === stageEndpoint?.id) continue;
    grid.push({ endpoint: e, video: videoOf(e.id, 'camera'), isSelf: false });
  }
  return { stage, grid };
}
