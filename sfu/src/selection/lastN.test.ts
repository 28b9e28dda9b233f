import { describe, expect, it } from 'vitest';
import { selectLastN, type LastNInput, type VideoCandidate } from './lastN';

/** 12 communes c0…c11, one camera each; c3 also shares its screen. */
const cams: VideoCandidate[] = Array.from({ length: 12 }, (_, i) => ({
  producerId: `cam${i}`,
  endpointId: `e${i}`,
  unitId: `u${i}`,
  source: 'camera' as const,
}));
const screen3: VideoCandidate = {
  producerId: 'screen3',
  endpointId: 'e3',
  unitId: 'u3',
  source: 'screen',
};

const base: LastNInput = {
  candidates: cams,
  n: 4,
  pinnedUnits: [],
  hostPinnedUnits: [],
  spokeAt: new Map(),
  previous: new Map(),
  now: 100_000,
  holdMs: 5_000,
};
const ids = (r: { selected: Map<string, number> }) => [...r.selected.keys()];

describe('selectLastN', () => {
  it('takes at most N videos, in the stable order when nobody has spoken', () => {
    expect(ids(selectLastN(base))).toEqual(['cam0', 'cam1', 'cam2', 'cam3']);
    expect(selectLastN({ ...base, n: 0 }).selected.size).toBe(0);
    expect(selectLastN({ ...base, n: 50 }).selected.size).toBe(12);
  });

  it('ranks floor holder, receiver pins, host pins, then recent speakers', () => {
    const r = selectLastN({
      ...base,
      n: 5,
      floorEndpointId: 'e9',
      pinnedUnits: ['u7'],
      hostPinnedUnits: ['u5'],
      spokeAt: new Map([
        ['e1', 90_000],
        ['e2', 99_000],
        ['e4', 95_000],
      ]),
    });
    expect(ids(r)).toEqual(['cam9', 'cam7', 'cam5', 'cam2', 'cam4']);
  });

  it("always selects the floor holder's screen share, on top of the N slots", () => {
    const r = selectLastN({
      ...base,
      n: 1,
      candidates: [...cams, screen3],
      floorEndpointId: 'e3',
    });
    expect(ids(r)).toEqual(['screen3', 'cam3']);
    expect(
      ids(selectLastN({ ...base, n: 0, candidates: [screen3], floorEndpointId: 'e3' })),
    ).toEqual(['screen3']);
  });

  it('pins are taken in pin order and a pinned screen comes before its camera', () => {
    const r = selectLastN({
      ...base,
      n: 3,
      candidates: [...cams, screen3],
      pinnedUnits: ['u8', 'u3'],
    });
    expect(ids(r)).toEqual(['cam8', 'screen3', 'cam3']);
  });

  it('a new speaker does not displace a video selected less than holdMs ago', () => {
    const first = selectLastN({
      ...base,
      spokeAt: new Map([
        ['e0', 99_000],
        ['e1', 98_000],
        ['e2', 97_000],
        ['e3', 96_000],
      ]),
    });
    expect(ids(first)).toEqual(['cam0', 'cam1', 'cam2', 'cam3']);
    // e9 speaks 1 s later: e3 spoke 5 s ago at most → still protected until 101 000.
    const spoke = new Map([
      ['e0', 99_000],
      ['e1', 98_000],
      ['e2', 97_000],
      ['e3', 96_000],
      ['e9', 100_500],
    ]);
    const flicker = selectLastN({
      ...base,
      now: 100_500,
      spokeAt: spoke,
      previous: first.selected,
    });
    expect(ids(flicker).sort()).toEqual(['cam0', 'cam1', 'cam2', 'cam3']);
    // Protected since it was selected at 100 000 (later than e3 last spoke).
    expect(flicker.recheckAt).toBe(105_000);
    // Once the hold expires, the newer speaker takes the oldest speaker's slot.
    const later = selectLastN({
      ...base,
      now: 105_000,
      spokeAt: spoke,
      previous: flicker.selected,
    });
    expect(ids(later).sort()).toEqual(['cam0', 'cam1', 'cam2', 'cam9']);
    expect(later.recheckAt).toBeUndefined();
    // Kept slots keep their original selection time.
    expect(later.selected.get('cam0')).toBe(100_000);
    expect(later.selected.get('cam9')).toBe(105_000);
  });

  it('explicit choices (floor, pins) take a slot at once, despite the hold', () => {
    const first = selectLastN(base);
    const r = selectLastN({
      ...base,
      now: 100_100,
      floorEndpointId: 'e11',
      pinnedUnits: ['u10'],
      previous: first.selected,
    });
    expect(ids(r)).toEqual(['cam11', 'cam10', 'cam0', 'cam1']);
  });

  it('idle slots stay with who had them when a selected video leaves', () => {
    const first = selectLastN({
      ...base,
      previous: new Map([
        ['cam7', 1],
        ['cam8', 1],
      ]),
    });
    expect(ids(first).sort()).toEqual(['cam0', 'cam1', 'cam7', 'cam8']);
    const without0 = selectLastN({
      ...base,
      candidates: cams.filter((c) => c.producerId !== 'cam0'),
      previous: first.selected,
    });
    expect(ids(without0).sort()).toEqual(['cam1', 'cam2', 'cam7', 'cam8']);
  });
});
