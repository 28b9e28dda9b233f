import { describe, expect, it } from 'vitest';
import type { EndpointView } from '@giaoban/signaling/protocol/meeting';
import type { RemoteTrack } from '../meeting/engineEvents';
import { endpointView } from '../../test/fixtures';
import { layoutRoom } from './roomLayout';

const ep = (id: string): EndpointView =>
  endpointView({ id, unitId: `u-${id}`, unitName: id, displayName: id });
const track = (
  endpointId: string,
  source: RemoteTrack['source'],
  kind: RemoteTrack['kind'] = 'video',
): RemoteTrack => ({
  consumerId: `${endpointId}-${source}`,
  producerId: `p-${endpointId}-${source}`,
  endpointId,
  kind,
  source,
  track: { readyState: 'live', id: `${endpointId}-${source}` } as MediaStreamTrack,
});

describe('room layout', () => {
  const self = ep('me');
  const base = { self, endpoints: [self, ep('a'), ep('b'), ep('c')], selfVideo: null };

  it('puts the floor holder on the stage, before the active speaker', () => {
    const l = layoutRoom({
      ...base,
      tracks: [track('a', 'camera')],
      floorEndpointId: 'b',
      activeSpeakerId: 'a',
    });
    expect(l.stage?.endpoint.id).toBe('b');
    expect(l.stage?.video).toBeNull(); // b is audio-only: an audio tile on the stage
    expect(l.grid.map((t) => t.endpoint.id)).toEqual(['me', 'a', 'c']);
    expect(l.grid[1]?.video?.id).toBe('a-camera');
  });

  it('gives the stage to a screen share, showing the screen not the camera', () => {
    const l = layoutRoom({
      ...base,
      tracks: [track('c', 'camera'), track('c', 'screen')],
      floorEndpointId: 'b',
      activeSpeakerId: null,
    });
    expect(l.stage?.endpoint.id).toBe('c');
    expect(l.stage?.video?.id).toBe('c-screen');
  });

  it('shows the avatar (no video) for tiles outside the last-N selection', () => {
    const tracks = [track('a', 'camera'), track('b', 'camera'), track('c', 'camera')];
    const l = layoutRoom({
      ...base,
      tracks,
      floorEndpointId: null,
      activeSpeakerId: null,
      videoSelection: ['p-b-camera'],
    });
    expect(l.grid.map((t) => t.video?.id ?? null)).toEqual([null, null, 'b-camera', null]);
    // Before the first notice every received video is shown.
    const all = layoutRoom({ ...base, tracks, floorEndpointId: null, activeSpeakerId: null });
    expect(all.grid.filter((t) => t.video)).toHaveLength(3);
  });

  it('never puts oneself on the stage, and has no stage with nobody speaking', () => {
    expect(
      layoutRoom({ ...base, tracks: [], floorEndpointId: 'me', activeSpeakerId: 'me' }).stage,
    ).toBeNull();
  });
});
