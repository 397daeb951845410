import { onTestFinished } from 'vitest';
import type { Storage } from '../../src/storage/repositories.js';

/** The PostgreSQL storages opened by the running test file and not yet closed. */
const open = new Set<Storage>();

/**
 * Tracks a storage so that it is closed if its test did not close it: when that test ends if it was opened inside a
 * test (or its beforeEach), else when the file ends. Each holds a pool of connections, and a run's forgotten pools
 * would reach the server's max_connections (100), which other runs share. Closing twice is closing once.
 */
export function closedWhenDone(storage: Storage): Storage {
  let closing: Promise<void> | undefined;
  const tracked: Storage = {
    ...storage,
    close: () => {
      open.delete(tracked);
      closing ??= storage.close();
      return closing;
    },
  };
  open.add(tracked);
  try {
    onTestFinished(() => tracked.close());
  } catch {
    // Opened outside a test (beforeAll, module level): vitest refuses the hook, and the file's end closes it.
  }
  return tracked;
}

/** Closes every storage the file opened and left open (test/support/setup.ts, at the end of each file). */
export async function closeOpenStorages(): Promise<void> {
  await Promise.all([...open].map((storage) => storage.close()));
}
