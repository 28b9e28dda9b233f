import { createHash } from 'node:crypto';

/**
 * Rendezvous (highest random weight) hashing: every balancer picks the same
 * node for a key from the same node list, and when a node leaves only its
 * keys move. Used so that every socket of one meeting reaches one signaling node.
 */
export function rendezvous<T extends { id: string }>(
  key: string,
  nodes: readonly T[],
): T | undefined {
  let best: T | undefined;
  let bestScore = -1n;
  for (const node of nodes) {
    const score = createHash('sha1').update(`${node.id}\u0000${key}`).digest().readBigUInt64BE(0);
    if (score > bestScore || (score === bestScore && best && node.id < best.id)) {
      best = node;
      bestScore = score;
    }
  }
  return best;
}
