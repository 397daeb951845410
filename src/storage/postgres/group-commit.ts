/**
 * Group commit for small writes many callers make at once: items given while a write is running go out together in
 * the next one, those given while none runs go together at the end of the current turn of the event loop (with the
 * turns that arrived with them), and each caller's promise settles with the write that carried its items. A busy
 * moment then costs one statement per round trip to the database instead of one per caller (and, for counters, no
 * queue of updates waiting on one row's lock).
 */
export function groupCommit<T>(
  write: (items: T[]) => Promise<void>,
  options: { spacingMs?: number } = {},
): (items: readonly T[]) => Promise<void> {
  const add = inBatches(write, options.spacingMs);
  return (items) => add(items).done;
}

/**
 * The batching behind groupCommit and batchedReads: `run` carries one batch at a time. Returns, for the items given,
 * the position of the first of them in its batch and the promise of that batch's run.
 *
 * With `spacingMs`, a batch begun while a run is under way (a busy moment: items keep coming) starts no sooner than
 * `spacingMs` after that run started, so it carries that long's items; a batch begun while none runs (a quiet moment,
 * or a caller that awaited its last write) goes at the end of the current turn as without it.
 */
export function inBatches<T, R>(
  run: (items: T[]) => Promise<R>,
  spacingMs = 0,
): (items: readonly T[]) => { first: number; done: Promise<R> } {
  let waiting: { items: T[]; done: Promise<R> } | null = null;
  let previous: Promise<unknown> = Promise.resolve();
  let running = false;
  let lastStart = 0;
  const pause = (busy: boolean) =>
    new Promise<void>((resolve) => {
      const wait = busy ? lastStart + spacingMs - performance.now() : 0;
      if (wait > 0) setTimeout(resolve, wait);
      else setImmediate(resolve);
    });
  return (items) => {
    if (!waiting) {
      const batch: { items: T[]; done: Promise<R> } = { items: [], done: Promise.resolve() as Promise<R> };
      const busy = running;
      batch.done = previous
        .then(() => pause(busy))
        .then(() => {
          // From here on, callers wait for the next batch.
          waiting = null;
          running = true;
          lastStart = performance.now();
          // Cleared before the batch's callers resume: one that awaited its write and adds again is not "busy".
          return run(batch.items).finally(() => {
            running = false;
          });
        });
      previous = batch.done.catch(() => undefined);
      waiting = batch;
    }
    const first = waiting.items.length;
    waiting.items.push(...items);
    return { first, done: waiting.done };
  };
}
