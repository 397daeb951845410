/**
 * `npm run migrate-data`: copies the embedded store in DATA_DIR (lowdb files) into the PostgreSQL database of
 * DATABASE_URL, migrating its schema first. Stop the service on DATA_DIR first. One transaction: on any error nothing
 * is written. Records already in the database are left as they are, so running it again is harmless. Prints, per
 * collection, how many records were read and written; exits 1 if any record read is not in the database after.
 */
import pg from 'pg';
import { ConfigError, loadConfig } from '../src/config.js';
import { StorageError } from '../src/storage/errors.js';
import { copyLowdbToPostgres } from '../src/storage/migrate-data.js';
import { migrate } from '../src/storage/postgres/migrate.js';

async function main(): Promise<void> {
  const config = loadConfig();
  if (!config.DATABASE_URL) throw new ConfigError('Set DATABASE_URL (postgres://user:password@host:5432/database) to copy DATA_DIR into.');
  const pool = new pg.Pool({ connectionString: config.DATABASE_URL, max: 1 });
  try {
    await migrate(pool);
    const copies = await copyLowdbToPostgres(config.DATA_DIR, pool);
    console.log(`Copied ${config.DATA_DIR} into PostgreSQL:`);
    for (const { collection, read, written, inDatabase } of copies) {
      const already = read - written;
      const missing = read - inDatabase;
      console.log(
        `  ${collection.padEnd(16)} read ${read}, written ${written}${already ? ` (${already} already there)` : ''}${missing ? `, MISSING ${missing}` : ''}`,
      );
    }
    const read = copies.reduce((n, c) => n + c.read, 0);
    const found = copies.reduce((n, c) => n + c.inDatabase, 0);
    console.log(`${read} records read, ${found} of them in the database.`);
    if (found !== read) process.exitCode = 1;
  } finally {
    await pool.end();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = error instanceof ConfigError ? 78 : error instanceof StorageError ? 65 : 1;
});
