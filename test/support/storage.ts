import { createHash } from 'node:crypto';
import pg from 'pg';
import { openLowdbStorage } from '../../src/storage/lowdb/index.js';
import type { Storage } from '../../src/storage/repositories.js';
import { createSchema, openPostgresIn, type TestSchema } from './postgres.js';

/**
 * Whether the app-level tests run on PostgreSQL: `DATABASE_URL=postgres://…/test npm run test:unit` runs the whole
 * suite there (the storage contract tests run on both adapters either way).
 */
export const ON_POSTGRES = Boolean(process.env.DATABASE_URL);

/**
 * The storage a test's app runs on, for its data directory: the lowdb files in it, or with DATABASE_URL set a
 * PostgreSQL schema named after it. Opening the same directory again opens the same data (a restart); the run's
 * schemas are dropped at its end (test/support/global-setup.ts).
 */
export async function openTestStorage(dataDir: string): Promise<Storage> {
  if (!ON_POSTGRES) return openLowdbStorage(dataDir);
  return openPostgresIn(await schemaFor(dataDir));
}

const schemaFor = (dataDir: string): Promise<TestSchema> => createSchema(createHash('sha256').update(dataDir).digest('hex').slice(0, 16));

/**
 * The environment that puts an app built from configuration (buildApp without a storage) on the test storage: with
 * DATABASE_URL set, the URL of the data directory's schema (migrated by the app as in production); else nothing.
 */
export async function testDatabaseEnv(dataDir: string): Promise<{ DATABASE_URL?: string }> {
  if (!ON_POSTGRES) return {};
  return { DATABASE_URL: (await schemaFor(dataDir)).url };
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
      "SELECT tablename AS name FROM pg_tables WHERE schemaname = current_schema() AND tablename <> 'pgmigrations' ORDER BY 1",
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
