import type { Redis } from 'ioredis';
import type { Tier, Unit, UnitNode } from '../api/units';

const UNITS_KEY = 'gb:units';
const TIERS_KEY = 'gb:tiers';

/**
 * The org tree, stored in Redis (one hash of units, one of tiers) and held in
 * memory for fast subtree queries. Writes go to Redis first, then the cache.
 */
export class OrgTree {
  readonly #redis: Redis;
  #units = new Map<string, Unit>();
  #children = new Map<string, Unit[]>();
  #tiers: Tier[] = [];

  private constructor(redis: Redis) {
    this.#redis = redis;
  }

  static async load(redis: Redis): Promise<OrgTree> {
    const tree = new OrgTree(redis);
    await tree.reload();
    return tree;
  }

  async reload(): Promise<void> {
    const [units, tiers] = await Promise.all([
      this.#redis.hvals(UNITS_KEY),
      this.#redis.hvals(TIERS_KEY),
    ]);
    this.#tiers = tiers.map((t) => JSON.parse(t) as Tier).sort((a, b) => a.level - b.level);
    this.#index(units.map((u) => JSON.parse(u) as Unit));
  }

  #index(units: Unit[]): void {
    this.#units = new Map(units.map((u) => [u.id, u]));
    this.#children = new Map();
    for (const u of [...units].sort((a, b) => a.id.localeCompare(b.id))) {
      if (u.parentId === null) continue;
      const list = this.#children.get(u.parentId) ?? [];
      list.push(u);
      this.#children.set(u.parentId, list);
    }
  }

  /** Writes tiers and units only if the store holds no unit yet (first start). */
  async seedIfEmpty(tiers: Tier[], units: Unit[]): Promise<boolean> {
    if ((await this.#redis.hlen(UNITS_KEY)) > 0) return false;
    const multi = this.#redis.multi();
    multi.hset(TIERS_KEY, Object.fromEntries(tiers.map((t) => [t.id, JSON.stringify(t)])));
    multi.hset(UNITS_KEY, Object.fromEntries(units.map((u) => [u.id, JSON.stringify(u)])));
    await multi.exec();
    await this.reload();
    return true;
  }

  async saveUnit(unit: Unit): Promise<void> {
    await this.#redis.hset(UNITS_KEY, unit.id, JSON.stringify(unit));
    this.#index([...this.#units.values()].filter((u) => u.id !== unit.id).concat(unit));
  }

  get tiers(): readonly Tier[] {
    return this.#tiers;
  }

  get size(): number {
    return this.#units.size;
  }

  get(id: string): Unit | undefined {
    return this.#units.get(id);
  }

  all(): Unit[] {
    return [...this.#units.values()];
  }

  children(id: string): Unit[] {
    return this.#children.get(id) ?? [];
  }

  root(): Unit | undefined {
    return [...this.#units.values()].find((u) => u.parentId === null);
  }

  /** The unit and every unit below it. */
  subtree(id: string): Unit[] {
    const start = this.#units.get(id);
    if (!start) return [];
    const out: Unit[] = [];
    const stack = [start];
    while (stack.length) {
      const u = stack.pop() as Unit;
      out.push(u);
      stack.push(...this.children(u.id));
    }
    return out;
  }

  /** The chain from the unit up to the root, the unit first. */
  ancestors(id: string): Unit[] {
    const out: Unit[] = [];
    for (let u = this.#units.get(id); u; u = u.parentId ? this.#units.get(u.parentId) : undefined) {
      out.push(u);
    }
    return out;
  }

  isInSubtree(ancestorId: string, id: string): boolean {
    return this.ancestors(id).some((u) => u.id === ancestorId);
  }

  tree(fromId?: string): UnitNode | undefined {
    const start = fromId ? this.#units.get(fromId) : this.root();
    if (!start) return undefined;
    const build = (u: Unit): UnitNode => ({ ...u, children: this.children(u.id).map(build) });
    return build(start);
  }
}
