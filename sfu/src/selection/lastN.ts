/**
 * Last-N video: which video producers one receiver gets. Pure; the SFU
 * applies the result through the link's consumer gate (a video consumer runs
 * only when its client wants it, the link plan allows it and it is selected).
 *
 * Rank: the floor holder (screen share first, then camera), the units the
 * receiver pinned (in pin order), the units the host pinned for everyone,
 * then the most recent active speakers, then everyone else (already selected
 * first, so idle slots do not reshuffle). The floor holder's screen share is
 * always selected, on top of the N slots.
 *
 * Hysteresis: a selected video keeps its slot for at least `holdMs` after it
 * was selected or its owner last spoke, against anyone who was not selected
 * before. Only the explicit choices (floor, pins) take a slot at once: a
 * speaker's flicker does not thrash consumers.
 */

export interface VideoCandidate {
  producerId: string;
  /** The endpoint that sends it. */
  endpointId: string;
  unitId: string;
  source: 'camera' | 'screen';
}

export interface LastNInput {
  /** Running (not producer-paused) video producers the receiver consumes, in a stable order. */
  candidates: readonly VideoCandidate[];
  /** Slots (LAST_N_VIDEOS, reduced by the receiver's link plan). */
  n: number;
  floorEndpointId?: string;
  /** Units the receiver pinned, first pinned first. */
  pinnedUnits: readonly string[];
  /** Units the host pinned for everyone. */
  hostPinnedUnits: readonly string[];
  /** endpointId → when it was last the active speaker (ms). */
  spokeAt: ReadonlyMap<string, number>;
  /** The previous result: producerId → selected since (ms). */
  previous: ReadonlyMap<string, number>;
  now: number;
  holdMs: number;
}

export interface LastNResult {
  /** producerId → selected since (ms). */
  selected: Map<string, number>;
  /** When a slot protected by the hold expires and the choice may change. */
  recheckAt?: number;
}

type Ranked = VideoCandidate & { tier: number; order: number };

/** Within one endpoint the screen share comes before the camera. */
const sourceOrder = (c: VideoCandidate) => (c.source === 'screen' ? 0 : 1);

export function selectLastN(input: LastNInput): LastNResult {
  const { candidates, floorEndpointId, pinnedUnits, hostPinnedUnits, spokeAt, previous } = input;
  const n = Math.max(0, Math.floor(input.n));
  const ranked: Ranked[] = candidates.map((c, i) => {
    if (c.endpointId === floorEndpointId) {
      return { ...c, tier: c.source === 'screen' ? 0 : 1, order: 0 };
    }
    const pin = pinnedUnits.indexOf(c.unitId);
    if (pin >= 0) return { ...c, tier: 2, order: pin * 2 + sourceOrder(c) };
    const hostPin = hostPinnedUnits.indexOf(c.unitId);
    if (hostPin >= 0) return { ...c, tier: 3, order: hostPin * 2 + sourceOrder(c) };
    const spoke = spokeAt.get(c.endpointId);
    // Most recent speaker first: order by negative time, screen before camera.
    if (spoke !== undefined) return { ...c, tier: 4, order: -spoke * 2 + sourceOrder(c) };
    // The rest: already selected first, then the stable candidate order.
    return { ...c, tier: 5, order: (previous.has(c.producerId) ? 0 : 1e9) + i };
  });
  ranked.sort((a, b) => a.tier - b.tier || a.order - b.order);

  const selected = new Map<string, number>();
  const since = (id: string) => previous.get(id) ?? input.now;
  const floorScreen = ranked.filter((r) => r.tier === 0);
  for (const r of floorScreen) selected.set(r.producerId, since(r.producerId));
  const explicit = ranked.filter((r) => r.tier >= 1 && r.tier <= 3);
  // The floor holder's screen share is extra: it does not take one of the N slots.
  const taken = () => selected.size - floorScreen.length;
  for (const r of explicit) {
    if (taken() >= n) break;
    selected.set(r.producerId, since(r.producerId));
  }

  // Speakers and the rest share the remaining slots, with the hold.
  const rest = ranked.filter((r) => r.tier >= 4);
  const slots = Math.max(0, n - taken());
  const natural = rest.slice(0, slots);
  const naturalIds = new Set(natural.map((r) => r.producerId));
  const protectedUntil = (r: Ranked) =>
    Math.max(previous.get(r.producerId) ?? -Infinity, spokeAt.get(r.endpointId) ?? -Infinity) +
    input.holdMs;
  const held = rest.filter(
    (r) =>
      previous.has(r.producerId) && !naturalIds.has(r.producerId) && protectedUntil(r) > input.now,
  );
  // A held video takes the slot of the lowest-ranked newcomer, if there is one.
  const chosen = [...natural];
  let recheckAt: number | undefined;
  for (const h of held) {
    let victim = -1;
    for (let i = chosen.length - 1; i >= 0; i--) {
      if (!previous.has(chosen[i]!.producerId)) {
        victim = i;
        break;
      }
    }
    if (victim < 0) break;
    chosen.splice(victim, 1, h);
    const until = protectedUntil(h);
    recheckAt = recheckAt === undefined ? until : Math.min(recheckAt, until);
  }
  for (const r of chosen) selected.set(r.producerId, since(r.producerId));
  return recheckAt === undefined ? { selected } : { selected, recheckAt };
}
