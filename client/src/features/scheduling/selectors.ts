import type { Selector } from '@giaoban/scheduler/api/meetings';
import type { UnitNode } from '@giaoban/scheduler/api/units';
import type { UnitIndex } from '../units/unitsStore';

/**
 * Turns the picked units into the scheduler's invitation selectors, compactly:
 * a unit whose lowest-tier children are all picked becomes one
 * { type: 'tier', unitId, tier } selector ("all communes of district 452"), so
 * the invitation follows the org tree if a commune is added later.
 */
export function toSelectors(
  index: UnitIndex,
  scopeId: string,
  picked: ReadonlySet<string>,
): Selector[] {
  const out: Selector[] = [];
  const covered = new Set<string>();
  const walk = (node: UnitNode) => {
    const leaves = node.children.filter((c) => c.children.length === 0);
    const tier = leaves[0]?.tier;
    if (
      tier &&
      leaves.length >= 2 &&
      leaves.every((l) => l.tier === tier && picked.has(l.id)) &&
      // Only the leaves of that tier: the selector must not invite more than was picked.
      node.children.filter((c) => c.tier === tier).every((c) => c.children.length === 0)
    ) {
      out.push({ type: 'tier', unitId: node.id, tier });
      leaves.forEach((l) => covered.add(l.id));
    }
    node.children.forEach(walk);
  };
  const scope = index.byId.get(scopeId);
  if (scope) walk(scope);
  for (const id of [...picked].sort()) if (!covered.has(id)) out.push({ type: 'unit', unitId: id });
  return out;
}

/** The units a list of selectors invites (for showing an existing meeting in the picker). */
export function resolveSelectors(index: UnitIndex, selectors: Selector[]): Set<string> {
  const out = new Set<string>();
  const all = (n: UnitNode, keep: (u: UnitNode) => boolean) => {
    if (keep(n)) out.add(n.id);
    n.children.forEach((c) => all(c, keep));
  };
  for (const s of selectors) {
    const node = index.byId.get(s.unitId);
    if (!node) continue;
    if (s.type === 'unit') out.add(node.id);
    else if (s.type === 'children') node.children.forEach((c) => out.add(c.id));
    else if (s.type === 'subtree') all(node, () => true);
    else node.children.forEach((c) => all(c, (u) => u.tier === s.tier));
  }
  return out;
}
