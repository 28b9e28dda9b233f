import type { Account } from '@giaoban/scheduler/api/auth';
import { tierOf, type UnitIndex } from '../units/unitsStore';

/**
 * Who may convene an emergency: the commander, an admin, and hosts of the
 * province tier or above (tiers are data: compared by level, not by name).
 */
export function canConvene(account: Account | null, index: UnitIndex | null): boolean {
  if (!account) return false;
  if (account.role === 'commander' || account.role === 'admin') return true;
  if (account.role !== 'host' || !index) return false;
  const unit = index.byId.get(account.unitId);
  const tier = unit && tierOf(index, unit);
  const province = index.tiers.find((t) => t.id === 'province');
  return !!tier && !!province && tier.level <= province.level;
}
