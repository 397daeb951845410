import type pg from 'pg';
import type { z } from 'zod';
import { StorageError } from '../errors.js';

/** A pool or a client inside a transaction: whatever runs a query. */
export type Queryable = Pick<pg.Pool | pg.PoolClient, 'query'>;

/** A row as read: its id and the record, not yet checked. */
export type Row = { id: string; record: unknown };

/** Rows per INSERT: the records go as one JSON array parameter, kept to a few megabytes. */
const BATCH = 2000;

const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
/**
 * PostgreSQL text and jsonb hold neither NUL nor half of a surrogate pair (a hostile Zalo event or login may carry
 * them): each becomes U+FFFD, as in any UTF-8 text, rather than the write failing.
 */
export const storable = (text: string) => text.replace(UNSTORABLE, '\ufffd');
const storableValue = (value: unknown) => (typeof value === 'string' ? storable(value) : value);

/** The record as JSON PostgreSQL accepts: strings and keys made storable. */
export function toJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (typeof v === 'string') return storable(v);
    if (v && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).some((k) => storable(k) !== k)) {
      return Object.fromEntries(Object.entries(v).map(([k, inner]) => [storable(k), inner]));
    }
    return v;
  });
}

/** Query parameters made storable (strings, and the strings of arrays). */
export const storableParams = (params: unknown[]) =>
  params.map((p) => (Array.isArray(p) ? p.map(storableValue) : storableValue(p)));

/**
 * One collection's table (see migrations/): `id`, `seq` (first-write order), `record` (the whole record as JSON) and
 * generated columns the queries filter on. Every record read back is validated with the collection's zod schema, as
 * the embedded adapter validates its files; `where` and `order` clauses are the adapter's own SQL, values always go as
 * parameters.
 */
export class Table<T extends { id: string }> {
  constructor(
    readonly name: string,
    readonly schema: z.ZodType<T>,
  ) {}

  parse(row: Row): T {
    const result = this.schema.safeParse(row.record);
    if (result.success) return result.data;
    const issue = result.error.issues[0]!;
    const where = ['record', ...issue.path].join('.');
    throw new StorageError(
      `PostgreSQL table ${this.name}`,
      `row "${row.id}": ${where}: ${issue.message}`,
      `PostgreSQL table ${this.name}, row "${row.id}": ${where}: ${issue.message}. The row was not changed; fix it or delete it.`,
    );
  }

  async get(db: Queryable, id: string): Promise<T | undefined> {
    const { rows } = await db.query(`SELECT id, record FROM ${this.name} WHERE id = $1`, [storable(id)]);
    return rows[0] ? this.parse(rows[0]) : undefined;
  }

  async select(db: Queryable, where = 'true', params: unknown[] = [], order = 'seq'): Promise<T[]> {
    const { rows } = await db.query(`SELECT id, record FROM ${this.name} WHERE ${where} ORDER BY ${order}`, storableParams(params));
    return rows.map((row) => this.parse(row));
  }

  async count(db: Queryable, where: string, params: unknown[] = []): Promise<number> {
    const { rows } = await db.query(`SELECT count(*)::int AS n FROM ${this.name} WHERE ${where}`, storableParams(params));
    return rows[0].n as number;
  }

  /** Insert or replace (a replaced record keeps its place in the order). */
  put(db: Queryable, record: T): Promise<unknown> {
    return db.query(
      `INSERT INTO ${this.name} (id, record) VALUES ($1, $2) ON CONFLICT (id) DO UPDATE SET record = excluded.record`,
      [storable(record.id), toJson(record)],
    );
  }

  /**
   * Inserts many records in batches: replacing those already there (`replace`) or leaving them as they are. The last
   * of several records with one id wins, as in the embedded adapter. Returns how many rows were written.
   */
  async putMany(db: Queryable, records: Iterable<T>, conflict: 'replace' | 'keep'): Promise<number> {
    // By the id as stored: two ids that differ only in unstorable characters are one row.
    const unique = [...new Map([...records].map((r) => [storable(r.id), r])).values()];
    const onConflict = conflict === 'replace' ? 'DO UPDATE SET record = excluded.record' : 'DO NOTHING';
    let written = 0;
    for (let start = 0; start < unique.length; start += BATCH) {
      const batch = unique.slice(start, start + BATCH);
      const result = await db.query(
        `INSERT INTO ${this.name} (id, record)
         SELECT r->>'id', r FROM jsonb_array_elements($1::jsonb) WITH ORDINALITY AS a(r, n) ORDER BY n
         ON CONFLICT (id) ${onConflict}`,
        [toJson(batch)],
      );
      written += result.rowCount ?? 0;
    }
    return written;
  }

  async deleteWhere(db: Queryable, where: string, params: unknown[] = []): Promise<number> {
    const result = await db.query(`DELETE FROM ${this.name} WHERE ${where}`, storableParams(params));
    return result.rowCount ?? 0;
  }
}

/** Rows of a table found by a key: those whose `column` holds it and that match `where` (the adapter's SQL, no parameters). */
export interface KeyedSelect {
  table: Table<{ id: string }>;
  column: string;
  where?: string;
}

/** A key asked of one of the selects given to keyedRows (its index). */
export type AskedKey = { select: number; key: string };

/**
 * Reads by key from several selects: for each asked key, the rows of its select in first-write order, in one query
 * for the keys of every select asked (see batched-reads.ts), whatever the tables. Rows, not records: each caller
 * parses its own (a copy of its own; a row failing its schema fails only the callers that asked for it).
 */
export function keyedRows(selects: readonly KeyedSelect[]): (db: Queryable, asked: readonly AskedKey[]) => Promise<Row[][]> {
  // One statement text per combination of selects asked, built once.
  const statements = new Map<string, string>();
  const statementFor = (parts: readonly number[]) => {
    const id = parts.join();
    let text = statements.get(id);
    if (text === undefined) {
      const union = parts.map((select, n) => {
        const { table, column, where = 'true' } = selects[select]!;
        return `(SELECT ${select} AS part, id, record, ${column} AS key, seq FROM ${table.name} WHERE ${column} = ANY($${n + 1}) AND (${where}))`;
      });
      text = `${union.join(' UNION ALL ')} ORDER BY part, seq`;
      statements.set(id, text);
    }
    return text;
  };
  return async (db, asked) => {
    const keys = selects.map(() => new Set<string>());
    for (const { select, key } of asked) keys[select]!.add(storable(key));
    const parts: number[] = [];
    for (let select = 0; select < selects.length; select++) if (keys[select]!.size) parts.push(select);
    const { rows } = await db.query(
      statementFor(parts),
      parts.map((select) => [...keys[select]!]),
    );
    const found = new Map<string, Row[]>();
    for (const row of rows) {
      const at = `${row.part} ${row.key}`;
      const list = found.get(at);
      const read: Row = { id: row.id, record: row.record };
      if (list) list.push(read);
      else found.set(at, [read]);
    }
    return asked.map(({ select, key }) => found.get(`${select} ${storable(key)}`) ?? []);
  };
}

/**
 * A connection of the pool for `work`, given back after it. The pool listens for errors of idle connections only:
 * one lost while checked out would be an uncaught 'error' (the process ends); here it marks the connection broken
 * (its query fails too, and that failure is what the caller sees). `work` may mark it broken itself. A broken
 * connection is closed, not handed out again.
 */
export async function withConnection<R>(pool: pg.Pool, work: (client: pg.PoolClient, markBroken: () => void) => Promise<R>): Promise<R> {
  const client = await pool.connect();
  let broken = false;
  const markBroken = () => {
    broken = true;
  };
  client.on('error', markBroken);
  try {
    return await work(client, markBroken);
  } finally {
    client.off('error', markBroken);
    client.release(broken);
  }
}

/** Runs `work` in one transaction on one connection of the pool: committed when it resolves, rolled back if it throws. */
export function transaction<R>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<R>): Promise<R> {
  return withConnection(pool, async (client, markBroken) => {
    try {
      await client.query('BEGIN');
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      // A connection whose rollback failed may still be inside the transaction.
      await client.query('ROLLBACK').catch(markBroken);
      throw error;
    }
  });
}
