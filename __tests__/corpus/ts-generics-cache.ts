// A small LRU cache with time-to-live; the store survives reloads, the logic is hot.

export interface CacheOptions {
  max: number;
  ttlMs?: number;
  now?: () => number;
}

interface Slot<V> {
  value: V;
  expires: number;
}

/* @chaud.hot */
export class LruCache<K, V> {
  readonly #slots = new Map<K, Slot<V>>();
  #hits = 0;
  #misses = 0;

  constructor(private readonly options: CacheOptions) {}

  get size(): number {
    return this.#slots.size;
  }

  get hitRate(): number {
    const total = this.#hits + this.#misses;
    return total === 0 ? 0 : this.#hits / total;
  }

  get(key: K): V | undefined {
    const slot = this.#slots.get(key);
    if (!slot || slot.expires <= this.#now()) {
      if (slot) this.#slots.delete(key);
      this.#misses++;
      return undefined;
    }
    this.#slots.delete(key);
    this.#slots.set(key, slot);
    this.#hits++;
    return slot.value;
  }

  set(key: K, value: V): this {
    this.#slots.delete(key);
    this.#slots.set(key, { value, expires: this.#now() + (this.options.ttlMs ?? Infinity) });
    while (this.#slots.size > this.options.max) {
      const oldest = this.#slots.keys().next();
      if (oldest.done) break;
      this.#slots.delete(oldest.value);
    }
    return this;
  }

  #now(): number {
    return this.options.now?.() ?? Date.now();
  }

  static memoize<A extends unknown[], R>(fn: (...args: A) => R, options: CacheOptions): (...args: A) => R {
    const cache = new LruCache<string, R>(options);
    return (...args: A): R => {
      const key = JSON.stringify(args);
      const cached = cache.get(key);
      if (cached !== undefined) return cached;
      const result = fn(...args);
      cache.set(key, result);
      return result;
    };
  }
}

/* @chaud.persist */
export const sharedCache = new LruCache<string, unknown>({ max: 500, ttlMs: 60_000 });

export const cached = <T,>(key: string, compute: () => T): T => {
  const hit = sharedCache.get(key) as T | undefined;
  if (hit !== undefined) return hit;
  const value = compute();
  sharedCache.set(key, value);
  return value;
};
