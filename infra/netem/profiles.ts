/**
 * Network profiles of the weak-link harness. Rates are what the shaped
 * endpoint can receive (down) and send (up); `oneWayDelayMs` is added by the
 * userspace relay in each direction, so the round trip is twice that (the
 * design table's "RTT" column: good 20 ms, 3G 100, 2G 300, EDGE 840, GPRS 500).
 */
export interface LinkProfile {
  name: LinkProfileName;
  downKbps: number;
  upKbps: number;
  oneWayDelayMs: number;
  /** Random loss in percent on the downlink (and the uplink unless `upLossPct`), on the wire. */
  lossPct: number;
  /** Random loss in percent on the uplink, when it differs from the downlink's. */
  upLossPct?: number;
}

export const linkProfileNames = [
  'good',
  '3g',
  '2g',
  'edge',
  'gprs',
  '2g-loss5',
  'edge-loss3',
  '3g-loss10',
  'vsat',
] as const;
export type LinkProfileName = (typeof linkProfileNames)[number];

export const linkProfiles: Record<LinkProfileName, LinkProfile> = {
  good: { name: 'good', downKbps: 10_000, upKbps: 10_000, oneWayDelayMs: 10, lossPct: 0 },
  '3g': { name: '3g', downKbps: 750, upKbps: 250, oneWayDelayMs: 50, lossPct: 0 },
  '2g': { name: '2g', downKbps: 250, upKbps: 50, oneWayDelayMs: 150, lossPct: 0 },
  edge: { name: 'edge', downKbps: 240, upKbps: 200, oneWayDelayMs: 420, lossPct: 0 },
  gprs: { name: 'gprs', downKbps: 50, upKbps: 20, oneWayDelayMs: 250, lossPct: 0 },
  // Mountain radio links lose packets at random, not only by rate (issue 13).
  '2g-loss5': { name: '2g-loss5', downKbps: 250, upKbps: 50, oneWayDelayMs: 150, lossPct: 5 },
  'edge-loss3': { name: 'edge-loss3', downKbps: 240, upKbps: 200, oneWayDelayMs: 420, lossPct: 3 },
  '3g-loss10': { name: '3g-loss10', downKbps: 750, upKbps: 250, oneWayDelayMs: 50, lossPct: 10 },
  // A satellite terminal: megabits, and the geostationary round trip.
  vsat: { name: 'vsat', downKbps: 2_000, upKbps: 500, oneWayDelayMs: 300, lossPct: 0 },
};

export function profile(
  name: LinkProfileName,
  overrides: Partial<Omit<LinkProfile, 'name'>> = {},
): LinkProfile {
  return { ...linkProfiles[name], ...overrides };
}
