// @ts-expect-error pg-boss 10 ships no types for its internals
import Manager from 'pg-boss/src/manager.js';
import { describe, expect, it } from 'vitest';
import { guardCompletions } from '../../src/jobs/pg-boss-completions.js';

describe('pg-boss job completions', () => {
  it('a completion the database refuses is logged, not left as an unhandled rejection', async () => {
    const errors: unknown[][] = [];
    guardCompletions({ error: (...args: unknown[]) => errors.push(args) } as never);
    // A manager whose database connection has just dropped, as work()'s loop calls it (without awaiting).
    const manager = Object.create(Manager.prototype);
    manager.db = { executeSql: () => Promise.reject(new Error('Connection terminated unexpectedly')) };
    await expect(manager.complete('announcements', 'a0b1c2d3-0000-4000-8000-000000000000')).resolves.toBeDefined();
    await expect(manager.fail('announcements', 'a0b1c2d3-0000-4000-8000-000000000000', 'boom')).resolves.toBeDefined();
    expect(errors).toHaveLength(2);
    expect(JSON.stringify(errors[0])).toContain('Connection terminated unexpectedly');
  });
});
