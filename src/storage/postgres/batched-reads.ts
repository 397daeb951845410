/**
 * Reads by key that many callers make at once (a chat turn's citizen record, its handoffs) go to the database as one
 * query. Every query written to PostgreSQL costs the instance a system call and a wake-up of the server's process,
 * whatever it carries: in a profile of `/api/chat` under load, a quarter of the instance's CPU went to writing queries.
 * So the keys asked for while a batch's query runs wait for it and go together in the next one (as group-commit.ts
 * does for writes), and a key asked for when none runs goes just after the current turn of the event loop, with the
 * keys of the turns that arrived with it. A read asked for after a write resolved goes after it, so sees it, as a read
 * of its own would. `readMany` answers each key in order; a failed query fails the callers it carried, not the next.
 */
export function batchedReads<K, V>(readMany: (keys: K[]) => Promise<V[]>): (key: K) => Promise<V> {
  let waiting: { keys: K[]; answered: Promise<V[]> } | null = null;
  let previous: Promise<unknown> = Promise.resolve();
  return (key) => {
    if (!waiting) {
      const batch: { keys: K[]; answered: Promise<V[]> } = { keys: [], answered: Promise.resolve([]) };
      batch.answered = previous
        .then(() => new Promise<void>((resolve) => setImmediate(resolve)))
        .then(() => {
          // From here on, callers wait for the next batch.
          waiting = null;
          return readMany(batch.keys);
        });
      previous = batch.answered.catch(() => undefined);
      waiting = batch;
    }
    const { keys, answered } = waiting;
    const index = keys.push(key) - 1;
    return answered.then((values) => values[index] as V);
  };
}
