import { setImmediate as nextTurn } from 'node:timers/promises';

/** Items handled between two turns of the event loop in the long walks of a request. */
export const BATCH = 500;

/** Lets other requests (and socket.io's pings) run before a long computation goes on. */
export const yieldToLoop = (): Promise<void> => nextTurn();

/**
 * The items of a long iteration that pass `keep`, taking a turn of the event
 * loop every BATCH items: a listing over thousands of occurrences never holds
 * the loop for long. `limit`: stop (and say so) once that many were kept.
 */
export async function collectCooperatively<T>(
  items: Iterable<T>,
  keep: (item: T) => boolean = () => true,
  limit = Number.POSITIVE_INFINITY,
): Promise<T[] & { truncated?: boolean }> {
  const out: T[] & { truncated?: boolean } = [];
  let seen = 0;
  for (const item of items) {
    if (++seen % BATCH === 0) await yieldToLoop();
    if (!keep(item)) continue;
    if (out.length >= limit) {
      out.truncated = true;
      break;
    }
    out.push(item);
  }
  return out;
}
