// A value that other hosts see late: each time it changes, the new version counts only once its delay has passed
// since the change was made; until then readers get the version before it.

interface Version<T> {
  text: string;
  value: T;
  /** Epoch ms from which this version counts. */
  since: number;
}

export class LaggingView<T> {
  private readonly versions = new Map<string, Version<T>[]>();

  constructor(private readonly maxEntries = 4096) {}

  /**
   * What a reader sees of `current` at `now`. `changedAt` is when the last change that could concern it was made;
   * `unseen` is what the reader saw before the thing existed (for a thing seen for the first time soon after a change).
   */
  see(id: string, current: T, now: number, delayMs: number, changedAt: number | undefined, unseen?: T): T {
    if (delayMs <= 0) {
      this.versions.delete(id);
      return current;
    }
    const text = JSON.stringify(current) ?? '';
    let list = this.versions.get(id);
    if (!list) {
      if (this.versions.size >= this.maxEntries) this.versions.clear();
      list = [];
      const recent = changedAt !== undefined && now < changedAt + delayMs;
      if (recent && unseen !== undefined) list.push({ text: JSON.stringify(unseen) ?? '', value: unseen, since: -Infinity });
      list.push({ text, value: current, since: recent && unseen !== undefined ? changedAt + delayMs : -Infinity });
      this.versions.set(id, list);
    } else if (list[list.length - 1].text !== text) {
      list.push({ text, value: current, since: (changedAt ?? now) + delayMs });
    }
    while (list.length > 1 && list[1].since <= now) list.shift();
    return list[0].since <= now ? list[0].value : current;
  }
}
