import type { FastifyBaseLogger } from 'fastify';
import pg from 'pg';
import { type RefreshLease, type RefreshLock, TokenRefreshError } from '../channels/zalo/token-manager.js';
import { schemaOf } from './postgres-broadcast.js';

/** How long an instance waits for another's refresh before giving up this try (the caller retries later). */
const WAIT_MS = 45_000;
/** PostgreSQL's SQLSTATE when a statement ran past statement_timeout. */
const QUERY_CANCELED = '57014';

/**
 * The Zalo token refresh lock across instances that share PostgreSQL but no Redis: a session-level advisory lock on a
 * connection of its own, held for the whole refresh and released when that connection ends (so an instance that dies
 * holding it releases it at once). Before the single-use refresh token is spent, the holder checks that its
 * connection, hence the lock, is still alive.
 */
export class PostgresRefreshLock implements RefreshLock {
  readonly #url: string;
  readonly #log: Pick<FastifyBaseLogger, 'info'>;
  readonly #name: string;

  constructor(url: string, log: Pick<FastifyBaseLogger, 'info'>) {
    this.#url = url;
    this.#log = log;
    this.#name = `${schemaOf(url)}:zalo-token-refresh`;
  }

  async run<T>(work: (lease: RefreshLease) => Promise<T>): Promise<T> {
    const client = new pg.Client({ connectionString: this.#url });
    client.on('error', () => undefined); // a lost connection fails the lease check below
    await client.connect();
    try {
      try {
        await client.query(`SET statement_timeout = ${WAIT_MS}`);
        await client.query('SELECT pg_advisory_lock(hashtext($1))', [this.#name]);
        await client.query('SET statement_timeout = 0');
      } catch (error) {
        if ((error as { code?: string }).code === QUERY_CANCELED) throw new TokenRefreshError('another instance is refreshing the Zalo token');
        throw error;
      }
      this.#log.info({ lock: this.#name }, 'Zalo token refresh lock taken');
      const lease: RefreshLease = {
        // A session lock lasts as long as its connection: alive now, it is still this instance's.
        assertHeldFor: async () => {
          try {
            await client.query('SELECT 1');
          } catch {
            throw new TokenRefreshError('the Zalo token refresh lock was lost with its connection');
          }
        },
      };
      return await work(lease);
    } finally {
      // Ending the session releases the lock.
      await client.end().catch(() => undefined);
    }
  }
}
