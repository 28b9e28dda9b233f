/**
 * A Map that calls `onAdd` when a value new under its key is set. The room
 * state hangs on it: whoever adds a room (a join, a takeover) or an endpoint
 * (a join, a rejoin after a failover) gets it restored from Redis.
 */
export class AddObservedMap<K, V> extends Map<K, V> {
  onAdd?: (value: V) => void;

  override set(key: K, value: V): this {
    const added = this.get(key) !== value;
    super.set(key, value);
    if (added) this.onAdd?.(value);
    return this;
  }
}
