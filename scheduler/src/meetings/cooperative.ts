import { setImmediate as nextTurn } from 'node:timers/promises';

/** The longest a request's long walk holds the event loop before letting others run. */
export const SLICE_MS = 8;

/**
 * Time slices for a long computation inside one request: `due()` says when
 * the slice is used up, `yield()` lets other requests (and socket.io's pings)
 * run and starts a new slice. Measured in time, not items, so a loaded
 * machine slices finer.
 */
export class Pacer {
  #since = performance.now();

  due(): boolean {
    return performance.now() - this.#since >= SLICE_MS;
  }

  async yield(): Promise<void> {
    await nextTurn();
    this.#since = performance.now();
  }
}

/**
 * The items of a long iteration that pass `keep`, in time slices. `limit`:
 * stop (and say so) once that many were kept.
 */
export async function collectCooperatively<T>(
  items: Iterable<T>,
  keep: (item: T) => boolean = () => true,
  limit = Number.POSITIVE_INFINITY,
  pacer = new Pacer(),
): Promise<T[] & { truncated?: boolean }> {
  const out: T[] & { truncated?: boolean } = [];
  for (const item of items) {
    if (pacer.due()) await pacer.yield();
    if (!keep(item)) continue;
    if (out.length >= limit) {
      out.truncated = true;
      break;
    }
    out.push(item);
  }
  return out;
}

/** `map` in time slices. */
export async function mapCooperatively<T, U>(
  items: readonly T[],
  fn: (item: T) => U,
  pacer = new Pacer(),
): Promise<U[]> {
  const out: U[] = [];
  for (const item of items) {
    if (pacer.due()) await pacer.yield();
    out.push(fn(item));
  }
  return out;
}
