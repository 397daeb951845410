import { createHash } from 'node:crypto';
import pg from 'pg';
import { openLowdbStorage } from '../../src/storage/lowdb/index.js';
import type { Storage } from '../../src/storage/repositories.js';
import { closedWhenDone } from './open-storages.js';
import { createSchema, openPostgresIn, runSchemaPrefix, type TestSchema } from './postgres.js';
import { TEST_REDIS_URL } from './redis.js';

/**
 * Whether the app-level tests run on PostgreSQL: `DATABASE_URL=postgres://…/test npm run test:unit` runs the whole
 * suite there (the storage contract tests run on both adapters either way).
 */
export const ON_POSTGRES = Boolean(process.env.DATABASE_URL);

/** Whether the apps the tests build share their state through Redis (REDIS_URL set), as several instances do. */
export const ON_REDIS = Boolean(process.env.REDIS_URL);

/**
 * Connections per pool of a test's app or storage: enough for the concurrency the tests make, few enough that a run's
 * two workers stay well inside the server's max_connections (100), which other runs on the machine share.
 */
export const TEST_POOL_SIZE = 3;

/**
 * The storage a test's app runs on, for its data directory: the lowdb files in it, or with DATABASE_URL set a
 * PostgreSQL schema named after it. Opening the same directory again opens the same data (a restart); the run's
 * schemas are dropped at its end (test/support/global-setup.ts).
 */
export async function openTestStorage(dataDir: string): Promise<Storage> {
  if (!ON_POSTGRES) return openLowdbStorage(dataDir);
  return closedWhenDone(await openPostgresIn(await schemaFor(dataDir), TEST_POOL_SIZE));
}

const dirHash = (dataDir: string) => createHash('sha256').update(dataDir).digest('hex').slice(0, 16);
const schemaFor = (dataDir: string): Promise<TestSchema> => createSchema(dirHash(dataDir));

/**
 * The environment that puts an app the tests build on the test servers, for its data directory: with DATABASE_URL set,
 * the URL of the directory's schema (the app migrates it as in production, and keeps its jobs in pg-boss beside it;
 * a storage handed to buildApp is used as well); with REDIS_URL set, Redis under a key prefix of the directory's, so
 * that no two tests share rate limits, sessions or pushes, while a restart on the same directory finds its own. Else
 * nothing: lowdb files and in-process state.
 */
export async function testServiceEnv(dataDir: string): Promise<Record<string, string>> {
  const env: Record<string, string> = {};
  if (ON_POSTGRES) Object.assign(env, { DATABASE_URL: (await schemaFor(dataDir)).url, DATABASE_POOL_SIZE: String(TEST_POOL_SIZE) });
  if (ON_REDIS) Object.assign(env, { REDIS_URL: TEST_REDIS_URL, REDIS_KEY_PREFIX: `test:${runSchemaPrefix()}${dirHash(dataDir)}:` });
  return env;
}

/**
 * On PostgreSQL, every collection's rows as stored (raw SQL, apart from the adapter's own reading), by the lowdb
 * collection name (`kept-answers` for the table kept_answers), in the order first written.
 */
export async function postgresCollections(dataDir: string): Promise<Map<string, Record<string, unknown>[]>> {
  const client = new pg.Client({ connectionString: (await schemaFor(dataDir)).url });
  await client.connect();
  try {
    const { rows: tables } = await client.query<{ name: string }>(
      // The collections' tables (a `record` each), not the shared state's (the Zalo quota, long broadcasts).
      "SELECT table_name AS name FROM information_schema.columns WHERE table_schema = current_schema() AND column_name = 'record' ORDER BY 1",
    );
    const collections = new Map<string, Record<string, unknown>[]>();
    for (const { name } of tables) {
      const { rows } = await client.query(`SELECT record FROM ${name} ORDER BY seq`);
      collections.set(name.replace('_', '-'), rows.map((r) => r.record));
    }
    return collections;
  } finally {
    await client.end();
  }
}
