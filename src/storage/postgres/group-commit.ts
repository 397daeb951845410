/**
 * Group commit for small writes many callers make at once: items given while a write is running go out together in
 * the next one, and each caller's promise settles with the write that carried its items. A busy moment then costs
 * one statement per round trip to the database instead of one per caller (and, for counters, no queue of updates
 * waiting on one row's lock).
 */
export function groupCommit<T>(write: (items: T[]) => Promise<void>): (items: readonly T[]) => Promise<void> {
  let waiting: { items: T[]; written: Promise<void> } | null = null;
  let previous: Promise<unknown> = Promise.resolve();
  return (items) => {
    if (!waiting) {
      const batch: { items: T[]; written: Promise<void> } = { items: [], written: Promise.resolve() };
      batch.written = previous.then(() => {
        // From here on, callers wait for the next write.
        waiting = null;
        return write(batch.items);
      });
      previous = batch.written.catch(() => undefined);
      waiting = batch;
    }
    waiting.items.push(...items);
    return waiting.written;
  };
}
