/** createCache / InMemoryCache: memoise an async computation by key within a run, as in Trigger.dev. */
export interface CacheStore {
  get(key: string): unknown | Promise<unknown>;
  set(key: string, value: unknown): unknown | Promise<unknown>;
}

export class InMemoryCache implements CacheStore {
  private readonly values = new Map<string, unknown>();
  get(key: string): unknown {
    return this.values.get(key);
  }
  set(key: string, value: unknown): void {
    this.values.set(key, value);
  }
}

export function createCache(store: CacheStore) {
  return async function cache<T>(key: string, compute: () => T | Promise<T>): Promise<T> {
    const hit = await store.get(key);
    if (hit !== undefined) return hit as T;
    const value = await compute();
    await store.set(key, value);
    return value;
  };
}
