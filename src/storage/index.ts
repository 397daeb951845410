import { openLowdbStorage } from './lowdb/index.js';
import { openPostgresStorage } from './postgres/index.js';
import type { Storage } from './repositories.js';

export interface StorageChoice {
  /** PostgreSQL when set (DATABASE_URL); otherwise the embedded lowdb files under dataDir. */
  databaseUrl?: string | undefined;
  dataDir: string;
  /** Errors of idle database connections, and what the migrations run at opening did. */
  log: { error(object: object, message: string): void; info(message: string): void };
}

/** The one place that picks the storage adapter. */
export function openStorage(choice: StorageChoice): Promise<Storage> {
  if (!choice.databaseUrl) return openLowdbStorage(choice.dataDir);
  return openPostgresStorage({
    url: choice.databaseUrl,
    onError: (error) => choice.log.error({ err: error }, 'PostgreSQL connection error (the pool opens a new connection)'),
    log: { info: (message) => choice.log.info(`migrations: ${message}`) },
  });
}
