// A state that other hosts see late: each accepted write is seen only once its delay has passed since it was made.
// Snapshots are taken at the writes themselves, so what did not change is never seen differently.

interface Snapshot<T> {
  state: T;
  /** Epoch ms from which this snapshot is what other hosts see. */
  since: number;
}

export class LaggingState<T> {
  private snapshots: Snapshot<T>[] = [];
  private writing = 0;

  constructor(
    private readonly live: () => T,
    private readonly copy: (state: T) => T,
    private readonly delayMs: () => number,
    private readonly now: () => number = Date.now,
  ) {}

  /** A write is about to be made: what is there now stays seen until the write's delay has passed. */
  beforeWrite(): void {
    if (this.delayMs() <= 0) return;
    this.writing++;
    this.settle();
    if (this.snapshots.length === 0) this.snapshots.push({ state: this.copy(this.live()), since: -Infinity });
  }

  /** A write was made at `at` (epoch ms). */
  afterWrite(at: number): void {
    if (this.snapshots.length === 0) return;
    this.writing = Math.max(0, this.writing - 1);
    this.snapshots.push({ state: this.copy(this.live()), since: at + this.delayMs() });
  }

  /** The state as other hosts see it now. */
  read(): T {
    this.settle();
    return this.snapshots.length === 0 ? this.live() : this.snapshots[0].state;
  }

  private settle(): void {
    const now = this.now();
    while (this.snapshots.length > 1 && this.snapshots[1].since <= now) this.snapshots.shift();
    // Every write is seen everywhere: the live state is what everyone sees.
    if (this.writing === 0 && this.snapshots.length === 1) this.snapshots = [];
  }
}
