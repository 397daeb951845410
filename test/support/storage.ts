import { createHash } from 'node:crypto';
import { openLowdbStorage } from '../../src/storage/lowdb/index.js';
import type { Storage } from '../../src/storage/repositories.js';
import { createSchema, openPostgresIn } from './postgres.js';

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
  const schema = await createSchema(createHash('sha256').update(dataDir).digest('hex').slice(0, 16));
  return openPostgresIn(schema);
}
