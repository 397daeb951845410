import { describe, expect, it } from 'vitest';
import { batchedReads } from '../../src/storage/postgres/batched-reads.js';

/** A read that finishes when the test says so, recording the keys each call carried. */
function controlledRead() {
  const reads: { keys: string[]; finish: (error?: Error) => void }[] = [];
  const readMany = (keys: string[]) =>
    new Promise<string[]>((resolve, reject) => {
      reads.push({ keys: [...keys], finish: (error) => (error ? reject(error) : resolve(keys.map((k) => `value of ${k}`))) });
    });
  return { reads, readMany };
}

/** Past the turn of the event loop in which a batch is sent (it is scheduled from a promise callback). */
const nextTurn = () => new Promise((resolve) => setImmediate(() => setImmediate(resolve)));

describe('batchedReads', () => {
  it('reads the keys asked for in one turn of the event loop in one query, each caller getting its own answer', async () => {
    const { reads, readMany } = controlledRead();
    const read = batchedReads(readMany);
    const answers = Promise.all([read('a'), read('b'), read('a')]);
    await nextTurn();
    expect(reads.map((r) => r.keys)).toEqual([['a', 'b', 'a']]);
    reads[0]!.finish();
    expect(await answers).toEqual(['value of a', 'value of b', 'value of a']);
  });

  it('holds the keys asked for while a query runs and sends them together once it has answered', async () => {
    const { reads, readMany } = controlledRead();
    const read = batchedReads(readMany);
    const first = read('a');
    await nextTurn();
    const second = read('b');
    await nextTurn();
    const third = read('c');
    await nextTurn();
    expect(reads.map((r) => r.keys)).toEqual([['a']]);
    reads[0]!.finish();
    expect(await first).toBe('value of a');
    await nextTurn();
    expect(reads.map((r) => r.keys)).toEqual([['a'], ['b', 'c']]);
    reads[1]!.finish();
    expect([await second, await third]).toEqual(['value of b', 'value of c']);
  });

  it('rejects only the callers of a failed query; the next query still goes', async () => {
    const { reads, readMany } = controlledRead();
    const read = batchedReads(readMany);
    const failing = read('a');
    await nextTurn();
    const after = read('b');
    reads[0]!.finish(new Error('connection lost'));
    await expect(failing).rejects.toThrow('connection lost');
    await nextTurn();
    expect(reads.map((r) => r.keys)).toEqual([['a'], ['b']]);
    reads[1]!.finish();
    await expect(after).resolves.toBe('value of b');
  });
});
