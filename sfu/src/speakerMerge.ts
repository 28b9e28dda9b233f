import type { types as ms } from 'mediasoup';
import type { ProducerAppData } from './endpoint';
import type { RouterSlot } from './routerSlot';

/**
 * The meeting's active speaker when the meeting spans several routers. Each
 * router's ActiveSpeakerObserver only hears the microphones on that router,
 * so each reports its own dominant speaker; "the latest report wins" would
 * let a quiet router's report steal the speaker from a loud one. Instead the
 * router dominants are compared by their recent audio level (each router's
 * AudioLevelObserver), and the meeting speaker changes only to someone
 * clearly louder (`marginDb`) or when its own router elected someone else.
 * Pure: the caller feeds reports and the clock.
 */
export interface SpeakerMergeOptions {
  /** A level older than this counts as silence (ms). */
  windowMs?: number;
  /** A challenger must be this much louder to take over (dB). */
  marginDb?: number;
}

export class SpeakerMerge {
  readonly #windowMs: number;
  readonly #marginDb: number;
  /** routerId → its dominant endpoint, in report order (latest last). */
  readonly #dominant = new Map<string, string>();
  readonly #level = new Map<string, { dBov: number; at: number }>();
  #current: string | undefined;

  constructor(opts: SpeakerMergeOptions = {}) {
    this.#windowMs = opts.windowMs ?? 1_500;
    this.#marginDb = opts.marginDb ?? 3;
  }

  get current(): string | undefined {
    return this.#current;
  }

  /** A router elected a dominant speaker. Returns the new meeting speaker if it changed. */
  dominant(routerId: string, endpointId: string, now: number): string | undefined {
    this.#dominant.delete(routerId);
    this.#dominant.set(routerId, endpointId);
    return this.#decide(now);
  }

  /** A router's loudest microphones (dBov, 0 = loudest, -127 = silence). */
  volumes(entries: readonly { endpointId: string; dBov: number }[], now: number) {
    for (const e of entries) this.#level.set(e.endpointId, { dBov: e.dBov, at: now });
    return this.#decide(now);
  }

  routerGone(routerId: string, now: number): string | undefined {
    this.#dominant.delete(routerId);
    return this.#decide(now);
  }

  #loudness(endpointId: string, now: number): number {
    const l = this.#level.get(endpointId);
    return l && now - l.at <= this.#windowMs ? l.dBov : -Infinity;
  }

  #decide(now: number): string | undefined {
    const candidates = [...this.#dominant.values()];
    if (candidates.length === 0) return undefined;
    // Loudest recent first; among equals (all silent) the latest report.
    let best = candidates[candidates.length - 1]!;
    for (const c of candidates) {
      if (this.#loudness(c, now) > this.#loudness(best, now)) best = c;
    }
    const cur = this.#current;
    if (
      cur !== undefined &&
      candidates.includes(cur) &&
      this.#loudness(best, now) <= this.#loudness(cur, now) + this.#marginDb
    ) {
      return undefined;
    }
    if (best === cur) return undefined;
    this.#current = best;
    return best;
  }
}

/** Feeds one router's observers into the meeting's merge; `changed` gets each new speaker. */
export function watchRouterSpeakers(
  slot: RouterSlot,
  merge: SpeakerMerge,
  changed: (endpointId: string) => void,
): void {
  const ownerOf = (p: ms.Producer) => (p.appData as Partial<ProducerAppData>).endpointId;
  const report = (id: string | undefined) => {
    if (id) changed(id);
  };
  slot.speakers.on('dominantspeaker', ({ producer }) => {
    const endpointId = ownerOf(producer);
    if (endpointId) report(merge.dominant(slot.id, endpointId, Date.now()));
  });
  slot.levels.on('volumes', (volumes) => {
    const entries = volumes.flatMap(({ producer, volume }) => {
      const endpointId = ownerOf(producer);
      return endpointId ? [{ endpointId, dBov: volume }] : [];
    });
    report(merge.volumes(entries, Date.now()));
  });
}
