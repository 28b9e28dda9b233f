import { create } from 'zustand';
import {
  unitsResponseSchema,
  type Tier,
  type Unit,
  type UnitNode,
  type UnitsResponse,
} from '@giaoban/scheduler/api/units';
import { api, errorCodeOf, type ClientErrorCode } from '../../app/api';

/** The org tree indexed for the screens: lookups by id, children, tiers. */
export interface UnitIndex {
  root: UnitNode;
  tiers: Tier[];
  byId: Map<string, UnitNode>;
}

export function indexUnits(res: UnitsResponse): UnitIndex {
  const byId = new Map<string, UnitNode>();
  const walk = (n: UnitNode) => {
    byId.set(n.id, n);
    n.children.forEach(walk);
  };
  walk(res.tree);
  return { root: res.tree, tiers: res.tiers, byId };
}

/** The unit and its ancestors, root first. */
export function unitPath(index: UnitIndex, unitId: string): UnitNode[] {
  const path: UnitNode[] = [];
  let u = index.byId.get(unitId);
  while (u) {
    path.unshift(u);
    u = u.parentId ? index.byId.get(u.parentId) : undefined;
  }
  return path;
}

/** Every unit in the subtree of `unitId` (itself included). */
export function subtree(index: UnitIndex, unitId: string): UnitNode[] {
  const out: UnitNode[] = [];
  const walk = (n: UnitNode) => {
    out.push(n);
    n.children.forEach(walk);
  };
  const start = index.byId.get(unitId);
  if (start) walk(start);
  return out;
}

export function tierOf(index: UnitIndex, unit: Unit): Tier | undefined {
  return index.tiers.find((t) => t.id === unit.tier);
}

interface UnitsState {
  index: UnitIndex | null;
  error: ClientErrorCode | null;
  loading: boolean;
  load(force?: boolean): Promise<void>;
}

export const useUnits = create<UnitsState>((set, get) => ({
  index: null,
  error: null,
  loading: false,
  async load(force = false) {
    if (get().loading || (get().index && !force)) return;
    set({ loading: true, error: null });
    try {
      const res = await api('/api/units', unitsResponseSchema);
      set({ index: indexUnits(res), loading: false });
    } catch (err) {
      set({ error: errorCodeOf(err), loading: false });
    }
  },
}));
