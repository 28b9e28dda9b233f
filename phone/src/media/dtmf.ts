/** RFC 4733 telephone-events: digits a caller types, each counted once (its first packet). */
const KEYS = '0123456789*#ABCD';

export class DtmfReceiver {
  #lastTimestamp: number | null = null;

  /** The digit this packet starts, or null (a repeat, an end packet of a known event, another event). */
  digit(payload: Buffer, timestamp: number): string | null {
    if (payload.length < 4) return null;
    const event = payload[0]!;
    if (event >= KEYS.length) return null;
    // Every packet of one event (its updates, its three end packets) carries the event's timestamp.
    if (timestamp === this.#lastTimestamp) return null;
    this.#lastTimestamp = timestamp;
    return KEYS[event]!;
  }
}
