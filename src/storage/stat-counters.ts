import type { StatRecord } from './records.js';
import type { StatIncrement } from './repositories.js';

/**
 * The counters `increments` add up to, one record per counter id, each started from `current(id)` (what is stored;
 * nothing when the adapter sums into the store itself).
 */
export function sumIncrements(
  increments: readonly StatIncrement[],
  current: (id: string) => StatRecord | undefined = () => undefined,
): StatRecord[] {
  const changed = new Map<string, StatRecord>();
  for (const { week, commune, measure, key, count, seconds } of increments) {
    const id = `${week}|${commune}|${measure}|${key}`;
    const before = changed.get(id) ?? current(id) ?? { id, week, commune, measure, key, count: 0 };
    const next: StatRecord = { ...before, count: before.count + count };
    if (seconds !== undefined) next.seconds = (before.seconds ?? 0) + seconds;
    changed.set(id, next);
  }
  return [...changed.values()];
}
