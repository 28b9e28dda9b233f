import type { OrgTree } from '../orgTree/orgTree';
import type { AccountStore, NewAccount } from './accountStore';
import { DEMO_PASSWORD, hashPassword } from './passwords';

/**
 * Demo accounts (only with SEED_DEMO): a member account `u<GSO code>` per unit,
 * a host per province and district (`host<code>`), the commander `chihuy`
 * (province) and `admin` (central). All share the public demo password, which
 * is why production refuses to start while any of them keeps it.
 */
export async function seedDemoAccounts(tree: OrgTree, accounts: AccountStore): Promise<number> {
  if ((await accounts.count()) > 0) return 0;
  // One hash for all: the password is public anyway, and hashing 170 times would
  // cost seconds at every first start.
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  const list: NewAccount[] = [];
  const base = { passwordHash, demoPassword: true };
  const levelOf = new Map(tree.tiers.map((t) => [t.id, t.level]));
  for (const unit of tree.all()) {
    list.push({
      ...base,
      username: `u${unit.id.toLowerCase()}`,
      displayName: unit.name,
      unitId: unit.id,
      role: 'member',
    });
    const level = levelOf.get(unit.tier) ?? 0;
    // Hosts for every unit between the central level and the leaves.
    if (level > 0 && tree.children(unit.id).length > 0) {
      list.push({
        ...base,
        username: `host${unit.id.toLowerCase()}`,
        displayName: `Chủ trì ${unit.name}`,
        unitId: unit.id,
        role: 'host',
      });
    }
  }
  const province = tree.all().find((u) => u.tier === 'province');
  if (province) {
    list.push({
      ...base,
      username: 'chihuy',
      displayName: `Ban Chỉ huy ${province.name}`,
      unitId: province.id,
      role: 'commander',
    });
  }
  const root = tree.root();
  if (root) {
    list.push({
      ...base,
      username: 'admin',
      displayName: 'Quản trị hệ thống',
      unitId: root.id,
      role: 'admin',
    });
  }
  await accounts.createMany(list);
  return list.length;
}
