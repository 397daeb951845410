import { openLowdbStorage } from './lowdb/index.js';
import type { Storage } from './repositories.js';

export interface StorageChoice {
  /** PostgreSQL when set (DATABASE_URL); otherwise the embedded lowdb files under dataDir. */
  databaseUrl?: string | undefined;
  /** Connections to PostgreSQL (10 when not given). */
  poolSize?: number;
  dataDir: string;
  /** Errors of idle database connections, and what the migrations run at opening did. */
  log: { error(object: object, message: string): void; info(message: string): void };
}

/** The one place that picks the storage adapter. */
export async function openStorage(choice: StorageChoice): Promise<Storage> {
  if (!choice.databaseUrl) return openLowdbStorage(choice.dataDir);
  // Loaded only when chosen: the embedded default starts without evaluating the driver and the migration tool.
  const { openPostgresStorage } = await import('./postgres/index.js');
  return openPostgresStorage({
    url: choice.databaseUrl,
    poolSize: choice.poolSize,
    onError: (error) => choice.log.error({ err: error }, 'PostgreSQL connection error (the pool opens a new connection)'),
    log: { info: (message) => choice.log.info(`migrations: ${message}`) },
  });
}
