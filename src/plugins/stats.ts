import fp from 'fastify-plugin';
import { type ProgrammeStats, StatsRecorder } from '../stats/programme-stats.js';
import type { Storage } from '../storage/repositories.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** The programme statistics port (dashboard counters): the conversation, the screening and the handoff report to it. */
    stats: ProgrammeStats;
  }
}

/** Decorates `stats` before the plugins that report to it (handoff, conversation) are registered. */
export const statsPlugin = fp<{ storage: Storage }>(
  async (app, { storage }) => {
    const stats = new StatsRecorder(storage.stats, (error) => app.log.error({ err: error }, 'programme statistics not written'));
    app.decorate('stats', stats);
    // Counts of the last turns are written before the storage they go to is closed.
    app.addHook('onClose', () => stats.settled());
  },
  { name: 'stats' },
);
