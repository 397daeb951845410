import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { groupCommit } from '../../src/storage/postgres/group-commit.js';

/** A write that finishes when the test says so, recording what each call to it carried. */
function controlledWrite() {
  const writes: { items: number[]; finish: (error?: Error) => void }[] = [];
  const write = (items: number[]) =>
    new Promise<void>((resolve, reject) => {
      writes.push({ items: [...items], finish: (error) => (error ? reject(error) : resolve()) });
    });
  return { writes, write };
}

/** Past the turn of the event loop in which a write is sent (it is scheduled from a promise callback). */
const nextTurn = () => new Promise((resolve) => setImmediate(() => setImmediate(resolve)));

const settled = async (promise: Promise<unknown>) => {
  let state = 'pending';
  promise.then(() => (state = 'resolved'), () => (state = 'rejected'));
  await nextTurn();
  return state;
};

describe('groupCommit', () => {
  it('sends what arrives during a write together in the next one, each caller settling with its own write', async () => {
    const { writes, write } = controlledWrite();
    const add = groupCommit(write);
    const first = add([1]);
    await nextTurn();
    expect(writes.map((w) => w.items)).toEqual([[1]]);

    const second = add([2]);
    const third = add([3, 4]);
    await nextTurn();
    // Nothing more goes while the first write runs.
    expect(writes).toHaveLength(1);
    expect(await settled(second)).toBe('pending');

    writes[0]!.finish();
    expect(await settled(first)).toBe('resolved');
    expect(writes.map((w) => w.items)).toEqual([[1], [2, 3, 4]]);
    expect(await settled(second)).toBe('pending');
    writes[1]!.finish();
    expect(await settled(second)).toBe('resolved');
    expect(await settled(third)).toBe('resolved');
  });

  it('rejects only the callers of a failed write; the next write still goes', async () => {
    const { writes, write } = controlledWrite();
    const add = groupCommit(write);
    const failing = add([1]);
    await nextTurn();
    const after = add([2]);
    writes[0]!.finish(new Error('connection lost'));
    await expect(failing).rejects.toThrow('connection lost');
    await nextTurn();
    expect(writes.map((w) => w.items)).toEqual([[1], [2]]);
    writes[1]!.finish();
    await expect(after).resolves.toBeUndefined();
  });

  describe('with spacing', () => {
    // Only the clock the spacing reads and its timer are faked: nextTurn's setImmediate stays real.
    beforeEach(() => vi.useFakeTimers({ toFake: ['setTimeout', 'performance'] }));
    afterEach(() => vi.useRealTimers());
    const spaced = () => {
      const { writes, write } = controlledWrite();
      return { writes, add: groupCommit(write, { spacingMs: 100 }) };
    };

    it('a batch begun while a write runs starts spacingMs after that write started, with what came meanwhile', async () => {
      const { writes, add } = spaced();
      const first = add([1]);
      await nextTurn();
      const second = add([2]);
      writes[0]!.finish();
      expect(await settled(first)).toBe('resolved');
      const third = add([3]);
      await vi.advanceTimersByTimeAsync(99);
      expect(writes.map((w) => w.items)).toEqual([[1]]);
      await vi.advanceTimersByTimeAsync(1);
      await nextTurn();
      expect(writes.map((w) => w.items)).toEqual([[1], [2, 3]]);
      writes[1]!.finish();
      expect(await settled(second)).toBe('resolved');
      expect(await settled(third)).toBe('resolved');
    });

    it('does not hold back a write begun when none runs (a caller that awaited its last write)', async () => {
      const { writes, add } = spaced();
      const first = add([1]);
      await nextTurn();
      writes[0]!.finish();
      await first;
      const second = add([2]);
      await nextTurn();
      expect(writes.map((w) => w.items)).toEqual([[1], [2]]);
      writes[1]!.finish();
      await expect(second).resolves.toBeUndefined();
    });
  });
});
