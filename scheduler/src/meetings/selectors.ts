import { AppError } from '@giaoban/common/errors';
import type { Selector } from '../api/meetings';
import type { OrgTree } from '../orgTree/orgTree';

/** Resolves invitation selectors against the org tree into a sorted, unique unit list. */
export function resolveSelectors(tree: OrgTree, selectors: Selector[]): string[] {
  const out = new Set<string>();
  selectors.forEach((s, i) => {
    const unit = tree.get(s.unitId);
    if (!unit) {
      throw new AppError('BAD_REQUEST', [
        { path: `selectors.${i}.unitId`, message: 'unknown unit' },
      ]);
    }
    switch (s.type) {
      case 'unit':
        out.add(unit.id);
        break;
      case 'children':
        for (const c of tree.children(unit.id)) out.add(c.id);
        break;
      case 'tier':
        if (!tree.tiers.some((t) => t.id === s.tier)) {
          throw new AppError('BAD_REQUEST', [
            { path: `selectors.${i}.tier`, message: 'unknown tier' },
          ]);
        }
        for (const u of tree.subtree(unit.id)) if (u.tier === s.tier) out.add(u.id);
        break;
      case 'subtree':
        for (const u of tree.subtree(unit.id)) out.add(u.id);
        break;
    }
  });
  if (out.size === 0) {
    throw new AppError('BAD_REQUEST', [{ path: 'selectors', message: 'selects no unit' }]);
  }
  return [...out].sort();
}
