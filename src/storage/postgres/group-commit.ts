/**
 * Group commit for small writes many callers make at once: items given while a write is running go out together in
 * the next one, those given while none runs go together at the end of the current turn of the event loop (with the
 * turns that arrived with them), and each caller's promise settles with the write that carried its items. A busy
 * moment then costs one statement per round trip to the database instead of one per caller (and, for counters, no
 * queue of updates waiting on one row's lock).
 */
export function groupCommit<T>(write: (items: T[]) => Promise<void>): (items: readonly T[]) => Promise<void> {
  const add = inBatches(write);
  return (items) => add(items).done;
}

/**
 * The batching behind groupCommit and batchedReads: `run` carries one batch at a time. Returns, for the items given,
 * the position of the first of them in its batch and the promise of that batch's run.
 */
export function inBatches<T, R>(run: (items: T[]) => Promise<R>): (items: readonly T[]) => { first: number; done: Promise<R> } {
  let waiting: { items: T[]; done: Promise<R> } | null = null;
  let previous: Promise<unknown> = Promise.resolve();
  return (items) => {
    if (!waiting) {
      const batch: { items: T[]; done: Promise<R> } = { items: [], done: Promise.resolve() as Promise<R> };
      batch.done = previous
        .then(() => new Promise<void>((resolve) => setImmediate(resolve)))
        .then(() => {
          // From here on, callers wait for the next batch.
          waiting = null;
          return run(batch.items);
        });
      previous = batch.done.catch(() => undefined);
      waiting = batch;
    }
    const first = waiting.items.length;
    waiting.items.push(...items);
    return { first, done: waiting.done };
  };
}
