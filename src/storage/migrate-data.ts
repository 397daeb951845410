import type pg from 'pg';
import { readLowdbRecords } from './lowdb/index.js';
import { tables } from './postgres/index.js';
import { transaction } from './postgres/table.js';
import type { StoredRecords } from './records.js';

export interface CollectionCopy {
  collection: keyof StoredRecords;
  /** Records in DATA_DIR. */
  read: number;
  /** Rows inserted now; the others' ids were already there (an earlier run, or the service since): left as they are. */
  written: number;
  /** Of the records read, how many the database holds after the copy (counted by id): `read` when none is missing. */
  inDatabase: number;
}

/**
 * Copies every record of an embedded DATA_DIR (read through the lowdb adapter, so validated as at start-up) into a
 * migrated PostgreSQL database, all in one transaction: on any error nothing is written. A record whose id is already
 * there is left alone, so a second run writes nothing and never undoes what the service changed since.
 */
export async function copyLowdbToPostgres(dataDir: string, pool: pg.Pool): Promise<CollectionCopy[]> {
  const records = await readLowdbRecords(dataDir);
  const names = Object.keys(tables) as (keyof StoredRecords)[];
  return transaction(pool, async (client) => {
    const copy = async <K extends keyof StoredRecords>(collection: K): Promise<CollectionCopy> => {
      const rows = records[collection];
      const written = await tables[collection].putMany(client, rows, 'keep');
      const inDatabase = await tables[collection].count(client, 'id = ANY($1)', [rows.map((r) => r.id)]);
      return { collection, read: rows.length, written, inDatabase };
    };
    const copies: CollectionCopy[] = [];
    for (const collection of names) copies.push(await copy(collection));
    return copies;
  });
}
