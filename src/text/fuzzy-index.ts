/**
 * Typo-tolerant lookup of short keys (syllables, commune names) by edit distance, in the "symmetric delete" way:
 * every key is stored under each string obtained by deleting up to `maxDistance` characters, so a query only
 * probes its own deletions instead of comparing against every key. Candidates are then verified with the
 * optimal-string-alignment distance (insert, delete, substitute, swap two neighbours).
 */
export interface FuzzyHit<T> {
  key: string;
  value: T;
  distance: number;
}

export class FuzzyIndex<T> {
  readonly #maxDistance: number;
  readonly #exact = new Map<string, T[]>();
  /**
   * Built by the first fuzzy search, not by `add`: exact lookups, most of them, need none of it, and for the
   * communes' ~1,000 names it is ~50,000 deletions (a twentieth of start-up).
   */
  #byDeletion: Map<string, Set<string>> | null = null;

  constructor(maxDistance: number) {
    this.#maxDistance = maxDistance;
  }

  add(key: string, value: T): void {
    const values = this.#exact.get(key);
    if (values) {
      if (!values.includes(value)) values.push(value);
      return;
    }
    this.#exact.set(key, [value]);
    if (this.#byDeletion) this.#indexDeletions(this.#byDeletion, key);
  }

  #indexDeletions(byDeletion: Map<string, Set<string>>, key: string): void {
    for (const variant of deletions(key, this.#maxDistance)) {
      const keys = byDeletion.get(variant);
      if (keys) keys.add(key);
      else byDeletion.set(variant, new Set([key]));
    }
  }

  #deletionIndex(): Map<string, Set<string>> {
    if (!this.#byDeletion) {
      this.#byDeletion = new Map();
      for (const key of this.#exact.keys()) this.#indexDeletions(this.#byDeletion, key);
    }
    return this.#byDeletion;
  }

  exact(key: string): readonly T[] {
    return this.#exact.get(key) ?? [];
  }

  /** Every key within `maxDistance` (capped by the index's own), nearest first. */
  search(query: string, maxDistance = this.#maxDistance): FuzzyHit<T>[] {
    const limit = Math.min(maxDistance, this.#maxDistance);
    const hits: FuzzyHit<T>[] = [];
    const seen = new Set<string>();
    const byDeletion = this.#deletionIndex();
    for (const variant of deletions(query, limit)) {
      for (const key of byDeletion.get(variant) ?? []) {
        if (seen.has(key)) continue;
        seen.add(key);
        const distance = editDistance(query, key, limit);
        if (distance > limit) continue;
        for (const value of this.#exact.get(key)!) hits.push({ key, value, distance });
      }
    }
    return hits.sort((a, b) => a.distance - b.distance);
  }
}

/** The string itself and every string made by deleting up to `depth` characters. */
function deletions(word: string, depth: number): Set<string> {
  const out = new Set<string>([word]);
  let frontier = [word];
  for (let d = 0; d < depth; d++) {
    const next: string[] = [];
    for (const w of frontier) {
      for (let i = 0; i < w.length; i++) {
        const shorter = w.slice(0, i) + w.slice(i + 1);
        if (!out.has(shorter)) {
          out.add(shorter);
          next.push(shorter);
        }
      }
    }
    frontier = next;
  }
  return out;
}

/** Three DP rows, reused across calls (the search runs inside every parse; allocating them cost more than the DP). */
let rows = [new Int32Array(32), new Int32Array(32), new Int32Array(32)] as const;

/**
 * Optimal-string-alignment distance, giving up (returning limit + 1) once every cell of a row exceeds `limit`.
 * Written here rather than taken from natural's DamerauLevenshteinDistance because this runs inside every parse
 * and natural's version allocates a matrix of objects per call (≈ 13 µs against well under 1 µs here).
 */
export function editDistance(a: string, b: string, limit = Number.POSITIVE_INFINITY): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  const cols = b.length + 1;
  if (rows[0].length < cols) rows = [new Int32Array(cols * 2), new Int32Array(cols * 2), new Int32Array(cols * 2)];
  let [prevPrev, prev, row] = rows;
  for (let j = 0; j < cols; j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    const ai = a.charCodeAt(i - 1);
    const aPrev = i > 1 ? a.charCodeAt(i - 2) : -1;
    row[0] = i;
    let rowMin = i;
    for (let j = 1; j < cols; j++) {
      const bj = b.charCodeAt(j - 1);
      let value = prev[j - 1]! + (ai === bj ? 0 : 1);
      if (prev[j]! + 1 < value) value = prev[j]! + 1;
      if (row[j - 1]! + 1 < value) value = row[j - 1]! + 1;
      if (j > 1 && ai === b.charCodeAt(j - 2) && aPrev === bj && prevPrev[j - 2]! + 1 < value) value = prevPrev[j - 2]! + 1;
      row[j] = value;
      if (value < rowMin) rowMin = value;
    }
    if (rowMin > limit) return limit + 1;
    [prevPrev, prev, row] = [prev, row, prevPrev];
  }
  return prev[b.length]!;
}
