// Bounded memos kept on engine-owned objects: maps of maps that are emptied rather than left to grow.

/** The child of `parent` under `key`, made on first use; `parent` is emptied when it holds more than `limit` children. */
export function childOf<K, C>(parent: Map<K, C>, key: K, Make: new () => C, limit = 64): C {
  let child = parent.get(key);
  if (child === undefined) {
    if (parent.size > limit) parent.clear();
    parent.set(key, (child = new Make()));
  }
  return child;
}
