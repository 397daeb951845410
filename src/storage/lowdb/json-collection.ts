import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { Low } from 'lowdb';
import type { z } from 'zod';
import { ValidatedJsonFile } from './validated-json-file.js';

/**
 * One lowdb collection kept in memory, written as a whole file. lowdb rewrites the file on every write, so writes
 * are coalesced: any number of changes made while a write is running go out together in the next one, and every
 * caller's promise resolves once a write that includes its change is on disk (group commit).
 */
export class JsonCollection<T extends { id: string }> {
  readonly #db: Low<Map<string, T>>;
  #running: Promise<void> | null = null;
  #pending: Promise<void> | null = null;

  private constructor(db: Low<Map<string, T>>) {
    this.#db = db;
  }

  static async open<T extends { id: string }>(dir: string, name: string, schema: z.ZodType<T>) {
    await mkdir(dir, { recursive: true });
    const db = new Low(new ValidatedJsonFile(join(dir, `${name}.json`), schema), new Map<string, T>());
    await db.read();
    return new JsonCollection<T>(db);
  }

  get size(): number {
    return this.#db.data.size;
  }

  get(id: string): T | undefined {
    return this.#db.data.get(id);
  }

  values(): IterableIterator<T> {
    return this.#db.data.values();
  }

  filter(predicate: (record: T) => boolean): T[] {
    const out: T[] = [];
    for (const record of this.#db.data.values()) if (predicate(record)) out.push(record);
    return out;
  }

  find(predicate: (record: T) => boolean): T | undefined {
    for (const record of this.#db.data.values()) if (predicate(record)) return record;
    return undefined;
  }

  /** Insert or replace; the promise resolves when the change is durable. */
  put(record: T): Promise<void> {
    this.#db.data.set(record.id, record);
    return this.persist();
  }

  putMany(records: Iterable<T>): Promise<void> {
    for (const record of records) this.#db.data.set(record.id, record);
    return this.persist();
  }

  delete(id: string): Promise<void> {
    this.#db.data.delete(id);
    return this.persist();
  }

  deleteWhere(predicate: (record: T) => boolean): Promise<number> {
    let removed = 0;
    for (const [id, record] of this.#db.data) {
      if (predicate(record)) {
        this.#db.data.delete(id);
        removed++;
      }
    }
    return removed ? this.persist().then(() => removed) : Promise.resolve(0);
  }

  /** Replace the whole content (snapshots of soft state). */
  replaceAll(records: Iterable<T>): Promise<void> {
    this.#db.data = new Map([...records].map((r) => [r.id, r]));
    return this.persist();
  }

  /** Resolves once everything changed so far is on disk. */
  persist(): Promise<void> {
    if (this.#pending) return this.#pending;
    if (!this.#running) {
      this.#running = this.#writeSoon();
      return this.#running;
    }
    this.#pending = this.#running
      .catch(() => undefined)
      .then(() => {
        this.#pending = null;
        this.#running = this.#writeSoon();
        return this.#running;
      });
    return this.#pending;
  }

  async #writeSoon(): Promise<void> {
    try {
      // Let the changes made in the same turn of the event loop join this write.
      await new Promise((resolve) => setImmediate(resolve));
      await this.#db.write();
    } finally {
      this.#running = null;
    }
  }

  /** Wait for any write in flight (shutdown). */
  async flush(): Promise<void> {
    while (this.#running || this.#pending) await (this.#pending ?? this.#running)?.catch(() => undefined);
  }
}
