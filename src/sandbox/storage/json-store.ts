// A persistent JSON document with atomic, durable, serialised updates.
//
//   const store = await JsonStore.open(file, () => ({ users: {} }));
//   store.read().users                         // the current state (do not mutate outside update)
//   await store.update((s) => { s.users.a = 1 }) // resolves once the change is on disk
//
// Mutations run synchronously, one at a time, on the in-memory state; writes are batched (group commit):
// every update issued while a write is in flight is persisted by the next single write. An update that
// throws leaves the state exactly as it was before it ran.
import { promises as fs } from 'node:fs';
import { SECRET_FILE_MODE, removeStaleTemporaries, writeFileAtomic } from './atomic-file';
import { stateChanged } from './state-generation';

export interface JsonStoreOptions<T> {
  /** File mode of the document; 0600 unless the content is harmless. */
  mode?: number;
  /**
   * Restores what JSON cannot hold (records without prototype, see null-prototype.ts), in place: after the state is
   * read or rolled back, and after every update (which may have added records written as literals).
   */
  revive?: (state: T) => void;
}

interface Waiter {
  resolve: () => void;
  reject: (error: Error) => void;
}

export class JsonStore<T> {
  private state: T;
  /** JSON text of `state` when nothing has changed since it was computed, used for rollback and writing. */
  private cachedText: string | undefined;
  /** The last text known to be on disk. */
  private durableText: string;
  private waiting: Waiter[] = [];
  private writing: Promise<void> | undefined;

  private constructor(
    readonly file: string,
    state: T,
    text: string,
    private readonly mode: number,
    private readonly revive: (state: T) => void,
  ) {
    revive(state);
    this.state = state;
    this.cachedText = text;
    this.durableText = text;
  }

  static async open<T>(file: string, initial: () => T, options: JsonStoreOptions<T> = {}): Promise<JsonStore<T>> {
    const mode = options.mode ?? SECRET_FILE_MODE;
    const revive = options.revive ?? (() => undefined);
    let text: string | undefined;
    try {
      text = await fs.readFile(file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
        throw new Error(`Could not read ${file}: ${(error as Error).message}`, { cause: error });
      }
    }
    if (text === undefined) {
      await removeStaleTemporaries(file);
      const state = initial();
      return new JsonStore<T>(file, state, JSON.stringify(state), mode, revive);
    }
    let state: T;
    try {
      state = JSON.parse(text) as T;
    } catch (error) {
      throw new Error(`${file} is not valid JSON (${(error as Error).message}); it was not written by the sandbox`, { cause: error });
    }
    await removeStaleTemporaries(file);
    return new JsonStore<T>(file, state, text, mode, revive);
  }

  /** The current state, including updates whose write is still in flight. Treat it as read-only. */
  read(): T {
    return this.state;
  }

  /**
   * Runs fn on the state, then persists the result durably before resolving with fn's return value.
   * If fn throws, the state is rolled back and the promise rejects with fn's error; nothing is written.
   */
  update<R>(fn: (state: T) => R): Promise<R> {
    const before = this.cachedText ?? JSON.stringify(this.state);
    stateChanged();
    let result: R;
    try {
      result = fn(this.state);
    } catch (error) {
      this.state = this.parsed(before);
      this.cachedText = before;
      return Promise.reject(error);
    }
    this.revive(this.state);
    this.cachedText = undefined;
    return new Promise<R>((resolve, reject) => {
      this.waiting.push({ resolve: () => resolve(result), reject });
      this.scheduleWrite();
    });
  }

  private parsed(text: string): T {
    const state = JSON.parse(text) as T;
    this.revive(state);
    return state;
  }

  /** Resolves when every update issued so far is on disk (or has failed). */
  async flush(): Promise<void> {
    while (this.writing) await this.writing.catch(() => undefined);
  }

  private scheduleWrite(): void {
    if (this.writing) return;
    this.writing = this.writeLoop().finally(() => {
      this.writing = undefined;
      // An update issued while the loop was ending found it still running: write it now.
      if (this.waiting.length > 0) this.scheduleWrite();
    });
  }

  private async writeLoop(): Promise<void> {
    while (this.waiting.length > 0) {
      const batch = this.waiting;
      this.waiting = [];
      const text = (this.cachedText ??= JSON.stringify(this.state));
      try {
        await writeFileAtomic(this.file, text, this.mode);
        this.durableText = text;
        for (const waiter of batch) waiter.resolve();
      } catch (error) {
        // Memory must not run ahead of the disk: forget this batch and everything queued behind it.
        const failed = [...batch, ...this.waiting];
        this.waiting = [];
        this.state = this.parsed(this.durableText);
        this.cachedText = this.durableText;
        stateChanged();
        const reason = error instanceof Error ? error : new Error(String(error));
        for (const waiter of failed) waiter.reject(reason);
      }
    }
  }
}
