import { selectLastN, type LastNResult, type VideoCandidate } from './lastN';

export interface SelectionOptions {
  /** LAST_N_VIDEOS: videos a receiver gets at most (its link plan may allow fewer). */
  lastN: number;
  /** A selected video keeps its slot at least this long against speaker changes. */
  holdMs?: number;
  now?: () => number;
}

/** Receiver pins and host pins are bounded: nobody watches more than this anyway. */
export const MAX_PINS = 9;

/**
 * The inputs of last-N for one meeting: the floor holder, who spoke when,
 * the receivers' pins and the host's pins, and each receiver's previous
 * choice (for the hold). `select()` is called by each receiver's link when
 * it applies its receive plan.
 */
export class MeetingVideoSelection {
  readonly lastN: number;
  readonly #holdMs: number;
  readonly #now: () => number;
  #floor: string | undefined;
  readonly #spokeAt = new Map<string, number>();
  readonly #pins = new Map<string, string[]>();
  #hostPins: string[] = [];
  readonly #previous = new Map<string, Map<string, number>>();

  constructor(opts: SelectionOptions) {
    this.lastN = opts.lastN;
    this.#holdMs = opts.holdMs ?? 5_000;
    this.#now = opts.now ?? Date.now;
  }

  get floor(): string | undefined {
    return this.#floor;
  }

  setFloor(endpointId: string | null): void {
    this.#floor = endpointId ?? undefined;
  }

  spoke(endpointId: string): void {
    this.#spokeAt.set(endpointId, this.#now());
  }

  pins(receiverId: string): string[] {
    return [...(this.#pins.get(receiverId) ?? [])];
  }

  get hostPins(): string[] {
    return [...this.#hostPins];
  }

  /** Pins (or unpins) a unit for one receiver; the newest pin goes last. Returns the pins. */
  pin(receiverId: string, unitId: string, pinned: boolean): string[] {
    const next = togglePin(this.#pins.get(receiverId) ?? [], unitId, pinned);
    if (next.length) this.#pins.set(receiverId, next);
    else this.#pins.delete(receiverId);
    return [...next];
  }

  /** The host pins (or unpins) a unit for everyone. */
  hostPin(unitId: string, pinned: boolean): string[] {
    this.#hostPins = togglePin(this.#hostPins, unitId, pinned);
    return [...this.#hostPins];
  }

  /** One receiver's videos now; `maxVideos` is its link plan's cap. */
  select(
    receiverId: string,
    candidates: readonly VideoCandidate[],
    maxVideos: number,
  ): LastNResult {
    const result = selectLastN({
      candidates,
      n: Math.min(this.lastN, maxVideos),
      floorEndpointId: this.#floor,
      pinnedUnits: this.#pins.get(receiverId) ?? [],
      hostPinnedUnits: this.#hostPins,
      spokeAt: this.#spokeAt,
      previous: this.#previous.get(receiverId) ?? new Map(),
      now: this.#now(),
      holdMs: this.#holdMs,
    });
    this.#previous.set(receiverId, result.selected);
    return result;
  }

  /** The endpoint left: its slot history goes (its pins stay for a rejoin with the same id). */
  forget(endpointId: string): void {
    this.#previous.delete(endpointId);
    this.#spokeAt.delete(endpointId);
  }
}

function togglePin(list: readonly string[], unitId: string, pinned: boolean): string[] {
  const without = list.filter((u) => u !== unitId);
  // The oldest pin gives way when the list is full.
  return pinned ? [...without, unitId].slice(-MAX_PINS) : without;
}
