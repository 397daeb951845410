import type { FastifyBaseLogger } from 'fastify';
// pg-boss's own module (the one its work() loop calls), not its public API: see guardCompletions.
// @ts-expect-error pg-boss 10 ships no types for its internals
import Manager from 'pg-boss/src/manager.js';

type Completion = (this: unknown, name: string, ids: unknown, ...rest: unknown[]) => Promise<unknown>;
interface ManagerPrototype {
  complete: Completion;
  fail: Completion;
}

let report: Pick<FastifyBaseLogger, 'error'> | null = null;
let guarded = false;

/**
 * pg-boss 10 (the last for Node 20) marks a job done or failed without awaiting the query (work()'s loop in
 * manager.js; pg-boss 12 awaits it): when the database drops at that moment, the rejection is unhandled and Node ends
 * the process. Such a failure is logged instead. The job then stays active until its lease runs out and is retried,
 * which every handler allows (each is idempotent: keyed deliveries, re-checked state).
 */
export function guardCompletions(log: Pick<FastifyBaseLogger, 'error'>): void {
  report = log;
  if (guarded) return;
  guarded = true;
  const prototype = (Manager as { prototype: ManagerPrototype }).prototype;
  for (const method of ['complete', 'fail'] as const) {
    const original = prototype[method];
    prototype[method] = function (this: unknown, name, ids, ...rest) {
      return original.call(this, name, ids, ...rest).catch((error: Error) => {
        report?.error({ err: { name: error.name, message: error.message }, queue: name }, `job not marked ${method === 'complete' ? 'done' : 'failed'}; it is retried after its lease`);
        return { jobs: [], requested: 0, affected: 0 };
      });
    };
  }
}
