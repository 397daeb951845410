import fp from 'fastify-plugin';
import type { JobQueue } from '../jobs/job-queue.js';

declare module 'fastify' {
  interface FastifyInstance {
    /**
     * Work any instance may take and none takes twice: in this process on lowdb, in PostgreSQL (pg-boss) when
     * DATABASE_URL is set. The areas register their workers on it and add their jobs to it.
     */
    jobs: JobQueue;
  }
}

/**
 * Decorates `jobs` with the queue `app.ts` picked (in-process on lowdb, pg-boss on PostgreSQL). Registered before the
 * areas that use it, it is stopped after theirs (onClose hooks run last-added first), so jobs in flight finish before
 * the storage closes.
 */
export const jobsPlugin = fp<{ queue: JobQueue }>(
  async (app, { queue }) => {
    app.decorate('jobs', queue);
    app.addHook('onClose', () => queue.stop());
  },
  { name: 'jobs' },
);
