import type { SessionClaims } from '@giaoban/common/session';
import { AppError } from '@giaoban/common/errors';
import type { OrgTree } from '../orgTree/orgTree';

/**
 * Rights by tier, all derived from the org tree so that a three-tier tree needs
 * no change: a host, the commander and the admin act within the subtree of
 * their own unit (a district host within its district; province host and the
 * commander across the province; the admin at the root, everywhere). Members
 * only see and join meetings their unit is invited to.
 */
export function isManager(session: SessionClaims): boolean {
  return session.role === 'host' || session.role === 'commander' || session.role === 'admin';
}

export function inReach(tree: OrgTree, session: SessionClaims, unitId: string): boolean {
  return isManager(session) && tree.isInSubtree(session.unitId, unitId);
}

/** FORBIDDEN for members, UNIT_OUT_OF_SCOPE (listing the units) for units beyond reach. */
export function assertCanAddress(tree: OrgTree, session: SessionClaims, unitIds: string[]): void {
  if (!isManager(session)) throw new AppError('FORBIDDEN');
  const outside = unitIds.filter((u) => !tree.isInSubtree(session.unitId, u));
  if (outside.length) throw new AppError('UNIT_OUT_OF_SCOPE', { unitIds: outside.slice(0, 20) });
}

/** May change or cancel a meeting organised by this unit. */
export function assertCanManage(tree: OrgTree, session: SessionClaims, hostUnitId: string): void {
  if (!isManager(session)) throw new AppError('FORBIDDEN');
  if (!tree.isInSubtree(session.unitId, hostUnitId)) throw new AppError('FORBIDDEN');
}

/** May see an occurrence: invited, organiser, or a manager above one of them. */
export function canSee(
  tree: OrgTree,
  session: SessionClaims,
  hostUnitId: string,
  invitedUnitIds: readonly string[],
): boolean {
  if (session.role === 'admin') return true;
  if (!isManager(session)) {
    return hostUnitId === session.unitId || invitedUnitIds.includes(session.unitId);
  }
  if (tree.isInSubtree(session.unitId, hostUnitId)) return true;
  return invitedUnitIds.some((u) => tree.isInSubtree(session.unitId, u));
}

/** Emergency convene: the commander, the admin, or a host at the top tier below central. */
export function canConvene(tree: OrgTree, session: SessionClaims): boolean {
  if (session.role === 'commander' || session.role === 'admin') return true;
  if (session.role !== 'host') return false;
  const unit = tree.get(session.unitId);
  const level = tree.tiers.find((t) => t.id === unit?.tier)?.level;
  return level !== undefined && level <= 1;
}

/**
 * May list, play and download a meeting's recordings (given that the session
 * sees the occurrence): the emergency command and the admin, and units of the
 * organising unit's tier and above; units below (the invited communes of a
 * district meeting) learn only that a recording exists.
 */
export function canPlayRecording(
  tree: OrgTree,
  session: SessionClaims,
  hostUnitId: string,
): boolean {
  if (session.role === 'commander' || session.role === 'admin') return true;
  const level = (unitId: string) => {
    const unit = tree.get(unitId);
    return tree.tiers.find((t) => t.id === unit?.tier)?.level;
  };
  const mine = level(session.unitId);
  const host = level(hostUnitId);
  return mine !== undefined && host !== undefined && mine <= host;
}
