import type { SfuNodeInfo } from './protocol';

/** A live SFU node with the meetings placed on it that its heartbeat may not count yet. */
export interface PlacementCandidate {
  node: SfuNodeInfo;
  placedMeetings: number;
}

/**
 * Where a new meeting goes: the node carrying the fewest endpoints plus
 * meetings (a just-placed meeting weighs one before anybody joined it), then
 * the fewest consumers, then the node id so every signaling node decides the
 * same way from the same data. A strategy of its own, like LiveKit's selector:
 * region- or org-tree-aware placement would replace this function.
 */
export function selectSfuNode(candidates: readonly PlacementCandidate[]): SfuNodeInfo | undefined {
  const weight = (c: PlacementCandidate) =>
    c.node.load.endpoints + Math.max(c.node.load.meetings, c.placedMeetings);
  return [...candidates].sort(
    (a, b) =>
      weight(a) - weight(b) ||
      a.node.load.consumers - b.node.load.consumers ||
      a.node.id.localeCompare(b.node.id),
  )[0]?.node;
}
