/**
 * Caches for pure functions on the per-message path.
 *
 * A bounded cache for a pure function of a string key. The matcher's typo-tolerant lookups (a misspelt commune
 * name, an unknown word) cost 5–15 µs each, and citizens of one commune type the same names and the same typos again
 * and again. When full, the cache starts over: cheaper than LRU bookkeeping, and the frequent keys are back at once.
 */
export class Memo<V> {
  readonly #capacity: number;
  #entries = new Map<string, V>();

  constructor(capacity: number) {
    this.#capacity = capacity;
  }

  get(key: string, compute: (key: string) => V): V {
    const known = this.#entries.get(key);
    if (known !== undefined || this.#entries.has(key)) return known as V;
    const value = compute(key);
    if (this.#entries.size >= this.#capacity) this.#entries = new Map();
    this.#entries.set(key, value);
    return value;
  }

  clear(): void {
    if (this.#entries.size > 0) this.#entries = new Map();
  }
}

/**
 * `compute` made once per object and kept as long as the object lives: for what is derived from fixed content
 * (an answer's full text, a standard's indicator list) and asked for on every message.
 */
export function perObject<K extends object, V>(compute: (key: K) => V): (key: K) => V {
  const values = new WeakMap<K, V>();
  return (key) => {
    let value = values.get(key);
    if (value === undefined) {
      value = compute(key);
      values.set(key, value);
    }
    return value;
  };
}
