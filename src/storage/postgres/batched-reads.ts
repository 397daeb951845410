import { inBatches } from './group-commit.js';

/**
 * Reads by key that many callers make at once (a chat turn's citizen record, its handoffs) go to the database as one
 * query. Every query written to PostgreSQL costs the instance a system call and a wake-up of the server's process,
 * whatever it carries: in a profile of `/api/chat` under load, a quarter of the instance's CPU went to writing queries.
 * So the keys asked for while a batch's query runs wait for it and go together in the next one (as group-commit.ts
 * does for writes), and a key asked for when none runs goes at the end of the current turn of the event loop, with the
 * keys of the turns that arrived with it. A read asked for after a write resolved goes after it, so sees it, as a read
 * of its own would. `readMany` answers each key in order; a failed query fails the callers it carried, not the next.
 */
export function batchedReads<K, V>(readMany: (keys: K[]) => Promise<V[]>): (key: K) => Promise<V> {
  const add = inBatches(readMany);
  return (key) => {
    const { first, done } = add([key]);
    return done.then((values) => values[first] as V);
  };
}
