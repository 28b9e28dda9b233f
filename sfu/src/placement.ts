import type { RouterSlot } from './routerSlot';

/** What a placement strategy knows about the newcomer and the meeting. */
export interface PlacementRequest {
  /** Org-tree group of the endpoint's unit (e.g. its district), if known. */
  group?: string;
  /** Consumers the newcomer will add (about one per producer present). */
  expectedConsumers: number;
  budget: number;
}

/** 'new' asks the meeting for a router on a worker it does not use yet. */
export type PlacementChoice = RouterSlot | 'new';

/**
 * Chooses the router of a meeting a new endpoint goes to. Pure, in a file of
 * its own so the policy can change (load, region, org tree) without touching
 * the Meeting.
 */
export type PlacementStrategy = (
  slots: readonly RouterSlot[],
  req: PlacementRequest,
  canOpenRouter: boolean,
) => PlacementChoice;

const hasRoom = (s: RouterSlot, req: PlacementRequest) =>
  s.endpointIds.size === 0 || s.consumers + req.expectedConsumers <= req.budget;

/**
 * Default: keep an org-tree group (the communes of one district) on one router
 * while it has room, so their mutual media never crosses a pipe; otherwise the
 * first router with room; otherwise a router on a new worker; when every worker
 * is used, the least-loaded router (the budget is soft).
 */
export const orgTreePlacement: PlacementStrategy = (slots, req, canOpenRouter) => {
  if (req.group !== undefined) {
    const home = slots.find((s) => s.groups.has(req.group!) && hasRoom(s, req));
    if (home) return home;
  }
  const roomy = slots.find((s) => hasRoom(s, req));
  if (roomy) return roomy;
  if (canOpenRouter || slots.length === 0) return 'new';
  return [...slots].sort((a, b) => a.consumers - b.consumers)[0]!;
};
