import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';
import { openPostgresStorage } from '../../src/storage/postgres/index.js';
import type { Storage } from '../../src/storage/repositories.js';

/**
 * PostgreSQL for tests: DATABASE_URL when set, else the machine's local server (`.ci/run` starts it). Each test file
 * (or each data directory, see openTestStorage) works in a schema of its own, so files running in parallel, and
 * other runs on the same server, never see each other's rows.
 */
export const TEST_DATABASE_URL = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';

/** The schemas of this run start with this prefix; the global teardown drops them all (test/support/global-setup.ts). */
export function runSchemaPrefix(): string {
  return inject('schemaPrefix');
}

/**
 * The database URL whose connections work in `schema` (libpq's options parameter sets the search_path). Commits do
 * not wait for the WAL's fsync: a test's data need not outlive a crash of the database server, and on a busy disk that
 * wait (~25 ms a commit here) is most of a test's time.
 */
export function urlInSchema(schema: string, base = TEST_DATABASE_URL): string {
  const url = new URL(base);
  url.searchParams.set('options', `-c search_path=${schema} -c synchronous_commit=off`);
  return url.toString();
}

async function admin<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

export interface TestSchema {
  name: string;
  url: string;
  /** Empties every table the migrations made (the migrations' own record stays). */
  truncate(): Promise<void>;
  drop(): Promise<void>;
}

/** A new, empty schema (`name` when given, else a random one) under this run's prefix. */
export async function createSchema(name = randomBytes(6).toString('hex')): Promise<TestSchema> {
  const schema = `${runSchemaPrefix()}${name}`;
  await admin((client) => client.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`));
  return {
    name: schema,
    url: urlInSchema(schema),
    truncate: () =>
      admin(async (client) => {
        const { rows } = await client.query<{ list: string | null }>(
          "SELECT string_agg(format('%I.%I', schemaname, tablename), ', ') AS list FROM pg_tables WHERE schemaname = $1 AND tablename <> 'pgmigrations'",
          [schema],
        );
        if (rows[0]?.list) await client.query(`TRUNCATE ${rows[0].list}`);
      }),
    drop: () => admin((client) => client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)).then(() => undefined),
  };
}

/** Drops every schema whose name starts with `prefix` (the end of a run). */
export function dropSchemas(prefix: string): Promise<number> {
  return admin(async (client) => {
    const { rows } = await client.query<{ name: string }>(
      'SELECT nspname AS name FROM pg_namespace WHERE starts_with(nspname, $1)',
      [prefix],
    );
    for (const { name } of rows) await client.query(`DROP SCHEMA IF EXISTS "${name}" CASCADE`);
    return rows.length;
  });
}

/** The PostgreSQL adapter on a schema (migrated on opening). */
export function openPostgresIn(schema: TestSchema, poolSize?: number): Promise<Storage> {
  return openPostgresStorage({ url: schema.url, poolSize });
}
