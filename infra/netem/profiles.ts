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
  /** Random loss in percent, each direction (iptables statistic). */
  lossPct: number;
}

export const linkProfileNames = ['good', '3g', '2g', 'edge', 'gprs'] as const;
export type LinkProfileName = (typeof linkProfileNames)[number];

export const linkProfiles: Record<LinkProfileName, LinkProfile> = {
  good: { name: 'good', downKbps: 10_000, upKbps: 10_000, oneWayDelayMs: 10, lossPct: 0 },
  '3g': { name: '3g', downKbps: 750, upKbps: 250, oneWayDelayMs: 50, lossPct: 0 },
  '2g': { name: '2g', downKbps: 250, upKbps: 50, oneWayDelayMs: 150, lossPct: 0 },
  edge: { name: 'edge', downKbps: 240, upKbps: 200, oneWayDelayMs: 420, lossPct: 0 },
  gprs: { name: 'gprs', downKbps: 50, upKbps: 20, oneWayDelayMs: 250, lossPct: 0 },
};

export function profile(
  name: LinkProfileName,
  overrides: Partial<Omit<LinkProfile, 'name'>> = {},
): LinkProfile {
  return { ...linkProfiles[name], ...overrides };
}
