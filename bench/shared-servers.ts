import { createTestDatabase } from '../test/support/postgres-db.js';
import { openTestRedis } from '../test/support/redis.js';

/**
 * PostgreSQL and Redis for `npm run bench -- --postgres`: a database of the bench's own on the machine's server
 * (TEST_DATABASE_URL, else postgres://postgres@127.0.0.1:5432/test), dropped by `close`, and a Redis key prefix of its
 * own (TEST_REDIS_URL, else redis://127.0.0.1:6379), emptied by `close`. PostgreSQL keeps its defaults
 * (`synchronous_commit = on`): acknowledged means flushed to the WAL, as in production.
 */
export interface SharedServers {
  databaseUrl: string;
  /** What every instance of the service gets on top of its own settings: the shared stores and widget secret. */
  env: Record<string, string>;
  close(): Promise<void>;
}

export async function openSharedServers(name: string): Promise<SharedServers> {
  const database = await createTestDatabase(`bench_${name}`);
  const redis = await openTestRedis(`bench-${name}`);
  return {
    databaseUrl: database.url,
    env: {
      DATABASE_URL: database.url,
      REDIS_URL: process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379',
      REDIS_KEY_PREFIX: redis.prefix,
      // A conversation started on one instance continues on the other.
      WIDGET_SESSION_SECRET: 'bench-instances-share-this-widget-secret-0123',
    },
    close: async () => {
      await redis.cleanUp();
      await database.drop();
    },
  };
}
