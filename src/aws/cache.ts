// Results that stay valid until the next refresh. Concurrent asks for the same key share one request;
// a failed request is forgotten so the next ask tries again.

export class RefreshCache {
  private readonly entries = new Map<string, Promise<unknown>>();

  get<T>(key: string, load: () => Promise<T>): Promise<T> {
    const cached = this.entries.get(key);
    if (cached) return cached as Promise<T>;
    const loading = load();
    this.entries.set(key, loading);
    loading.catch(() => {
      if (this.entries.get(key) === loading) this.entries.delete(key);
    });
    return loading;
  }

  /** Stores a value learnt some other way, e.g. a key described under its id after being asked for by alias. */
  set<T>(key: string, value: T): void {
    this.entries.set(key, Promise.resolve(value));
  }

  has(key: string): boolean {
    return this.entries.has(key);
  }

  /** Forgets every entry whose key starts with `prefix`, so that the next ask reads it again. */
  forget(prefix: string): void {
    for (const key of [...this.entries.keys()]) if (key.startsWith(prefix)) this.entries.delete(key);
  }

  clear(): void {
    this.entries.clear();
  }

  get size(): number {
    return this.entries.size;
  }
}
