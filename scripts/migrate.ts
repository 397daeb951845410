/**
 * `npm run migrate`: brings the PostgreSQL schema of DATABASE_URL up to date with migrations/ (the service does the
 * same at every start; this runs them ahead, e.g. before a rolling restart). Prints the migrations run.
 */
import pg from 'pg';
import { ConfigError, loadConfig } from '../src/config.js';
import { migrate } from '../src/storage/postgres/migrate.js';

async function main(): Promise<void> {
  const config = loadConfig();
  if (!config.DATABASE_URL) throw new ConfigError('Set DATABASE_URL (postgres://user:password@host:5432/database) to migrate.');
  const pool = new pg.Pool({ connectionString: config.DATABASE_URL, max: 1 });
  try {
    const ran = await migrate(pool);
    console.log(ran.length ? `Ran ${ran.length} migration(s): ${ran.join(', ')}` : 'The schema is up to date: no migration to run.');
  } finally {
    await pool.end();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = error instanceof ConfigError ? 78 : 1;
});
