import { describe, expect, it } from 'vitest';
import type { EndpointView } from '@giaoban/signaling/protocol/meeting';
import { buildRollCall, countByStatus } from './rollCall';

const ep = (id: string, unitId: string, over: Partial<EndpointView> = {}): EndpointView => ({
  id,
  unitId,
  unitName: `Unit ${unitId}`,
  tier: 'commune',
  displayName: unitId,
  isHost: false,
  handRaised: false,
  hostMuted: false,
  linkState: 'good',
  connected: true,
  producers: [
    { id: `${id}-a`, endpointId: id, kind: 'audio', source: 'mic', paused: false },
    { id: `${id}-v`, endpointId: id, kind: 'video', source: 'camera', paused: false },
  ],
  ...over,
});

describe('roll call', () => {
  const rows = buildRollCall({
    invitedUnitIds: ['A', 'B', 'C', 'D', 'E'],
    endpoints: [
      ep('host', '452', { isHost: true }),
      ep('a1', 'A', { handRaised: true }),
      ep('b1', 'B', {
        producers: [{ id: 'b1-a', endpointId: 'b1', kind: 'audio', source: 'mic', paused: false }],
      }),
      ep('c1', 'C', { connected: false }),
      ep('x1', '44'),
    ],
    seenUnitIds: new Set(['A', 'B', 'C', 'D']),
    floorEndpointId: 'a1',
    unitName: (u) => `Name ${u}`,
    selfEndpointId: 'host',
  });
  const by = Object.fromEntries(rows.map((r) => [r.unitId, r]));

  it('tells joined, audio-only, reconnecting, left and not joined apart', () => {
    expect(by.A?.status).toBe('joined');
    expect(by.B?.status).toBe('audioOnly');
    expect(by.C?.status).toBe('reconnecting');
    expect(by.D?.status).toBe('left');
    expect(by.E?.status).toBe('notJoined');
    expect(by.E?.unitName).toBe('Name E');
  });

  it('marks hands and the floor, lists uninvited guests, leaves out the host itself', () => {
    expect(by.A).toMatchObject({ handRaised: true, hasFloor: true });
    expect(by['44']).toMatchObject({ invited: false, status: 'joined' });
    expect(by['452']).toBeUndefined();
    expect(countByStatus(rows)).toEqual({
      joined: 2,
      audioOnly: 1,
      reconnecting: 1,
      left: 1,
      notJoined: 1,
    });
  });

  it('treats a paused camera as audio-only', () => {
    const [row] = buildRollCall({
      invitedUnitIds: ['A'],
      endpoints: [
        ep('a1', 'A', {
          producers: [{ id: 'v', endpointId: 'a1', kind: 'video', source: 'camera', paused: true }],
        }),
      ],
      seenUnitIds: new Set(),
      floorEndpointId: null,
      unitName: () => undefined,
    });
    expect(row?.status).toBe('audioOnly');
  });
});
