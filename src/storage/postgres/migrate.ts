import { resolve } from 'node:path';
import { PG_MIGRATE_LOCK_ID, runner } from 'node-pg-migrate';
import type pg from 'pg';
import { withConnection } from './table.js';

/** The SQL migrations (`migrations/`, beside package.json), found from the working directory as content/ is. */
export const MIGRATIONS_DIR = resolve('migrations');

export interface MigrationLog {
  info(message: string): void;
}

/**
 * Brings the database's schema up to date with migrations/ (node-pg-migrate, SQL files), in the connection's current
 * schema. Instances starting together wait for each other: node-pg-migrate itself only tries its advisory lock and
 * fails when another run holds it, so the same lock is first taken here, waiting (advisory locks are re-entrant within
 * a session, so its own try then succeeds). Returns the names of the migrations run.
 */
export function migrate(pool: pg.Pool, log: MigrationLog = { info: () => undefined }): Promise<string[]> {
  return withConnection(pool, async (client) => {
    await client.query('SELECT pg_advisory_lock($1)', [PG_MIGRATE_LOCK_ID]);
    try {
      const { rows } = await client.query<{ schema: string }>('SELECT current_schema() AS schema');
      const schema = rows[0]?.schema;
      if (!schema) throw new Error('the connection has no current schema: check the search_path in DATABASE_URL');
      const ran = await runner({
        dbClient: client,
        dir: MIGRATIONS_DIR,
        direction: 'up',
        schema,
        migrationsTable: 'pgmigrations',
        checkOrder: true,
        singleTransaction: true,
        logger: { debug: () => undefined, info: (m) => log.info(m), warn: (m) => log.info(m), error: (m) => log.info(m) },
      });
      return ran.map((m) => m.name);
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [PG_MIGRATE_LOCK_ID]);
    }
  });
}
