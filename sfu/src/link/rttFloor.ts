/**
 * A link's own round trip, apart from its queue: the lowest RTT since the
 * join is the floor, what is above it is queueing delay. Classifying by the
 * queue lets a link with plenty of rate and a long path keep its video — a
 * VSAT satellite terminal (2,000/500 kbit/s, 500–700 ms RTT) is not 2G — while
 * a link that fills its queue still shows it at once. The floor never rises:
 * a good link that falls to 2G for an hour stays 2G's queue above the good
 * floor (a floor that forgot would read the fallen link as a clean one and
 * retry video every hold). Pure.
 */
export class RttFloor {
  #floor = Infinity;

  /** The queue above the floor (ms) of this round trip, the floor counting it too. */
  queue(rttMs: number): number {
    this.#floor = Math.min(this.#floor, rttMs);
    return rttMs - this.#floor;
  }
}
