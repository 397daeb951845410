import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { Low } from 'lowdb';
import type { z } from 'zod';
import { ChangeLog, type Changes } from './change-log.js';
import { ValidatedJsonFile } from './validated-json-file.js';

/** A log-structured collection is compacted once its log has more lines than this or than its live records. */
const COMPACT_MIN_LINES = 1000;

/**
 * One lowdb collection kept in memory. Writes are coalesced: any number of changes made while a write is running go
 * out together in the next one, and every caller's promise resolves once a write that includes its change is on disk
 * (group commit).
 *
 * By default each write rewrites the whole file `name.json`. With `log: true` (collections with many small writes)
 * each write appends just the records changed since the last one to `name.log`, and the snapshot `name.json` is only
 * rewritten to compact: when the log outgrows the collection, and on `compact()`.
 */
export class JsonCollection<T extends { id: string }> {
  readonly #db: Low<Map<string, T>>;
  readonly #file: ValidatedJsonFile<T>;
  readonly #log: ChangeLog<T> | null;
  /** Log mode: the last change of each record since the last append. */
  #changes: Changes<T> = new Map();
  #compactAsked = false;
  #running: Promise<void> | null = null;
  #pending: Promise<void> | null = null;

  private constructor(db: Low<Map<string, T>>, file: ValidatedJsonFile<T>, log: ChangeLog<T> | null) {
    this.#db = db;
    this.#file = file;
    this.#log = log;
  }

  static async open<T extends { id: string }>(dir: string, name: string, schema: z.ZodType<T>, options: { log?: boolean } = {}) {
    await mkdir(dir, { recursive: true });
    const file = new ValidatedJsonFile(join(dir, `${name}.json`), schema);
    const db = new Low(file, new Map<string, T>());
    await db.read();
    const log = options.log ? await ChangeLog.open(join(dir, `${name}.log`), schema, db.data) : null;
    return new JsonCollection<T>(db, file, log);
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
    this.#set(record);
    return this.persist();
  }

  putMany(records: Iterable<T>): Promise<void> {
    for (const record of records) this.#set(record);
    return this.persist();
  }

  delete(id: string): Promise<void> {
    this.#remove(id);
    return this.persist();
  }

  deleteWhere(predicate: (record: T) => boolean): Promise<number> {
    let removed = 0;
    for (const [id, record] of this.#db.data) {
      if (predicate(record)) {
        this.#remove(id);
        removed++;
      }
    }
    return removed ? this.persist().then(() => removed) : Promise.resolve(0);
  }

  /** Replace the whole content (snapshots of soft state). */
  replaceAll(records: Iterable<T>): Promise<void> {
    const previous = this.#db.data;
    this.#db.data = new Map([...records].map((r) => [r.id, r]));
    if (this.#log) {
      for (const id of previous.keys()) if (!this.#db.data.has(id)) this.#changes.set(id, null);
      for (const record of this.#db.data.values()) this.#changes.set(record.id, record);
    }
    return this.persist();
  }

  #set(record: T): void {
    this.#db.data.set(record.id, record);
    if (this.#log) this.#changes.set(record.id, record);
  }

  #remove(id: string): void {
    if (this.#db.data.delete(id) && this.#log) this.#changes.set(id, null);
  }

  /**
   * Resolves once everything changed so far is in the snapshot and the log is empty: what retention and erasure
   * need, so that earlier versions of changed or deleted records no longer exist on disk.
   */
  compact(): Promise<void> {
    if (this.#log) this.#compactAsked = true;
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
      await (this.#log ? this.#writeLog(this.#log) : this.#db.write());
    } finally {
      this.#running = null;
    }
  }

  async #writeLog(log: ChangeLog<T>): Promise<void> {
    const changes = this.#changes;
    this.#changes = new Map();
    const lines = log.lines + changes.size;
    const compact = lines > 0 && (this.#compactAsked || lines > Math.max(COMPACT_MIN_LINES, this.size));
    this.#compactAsked = false;
    // The snapshot is taken now, together with the changes appended just before it is written: should a crash come
    // between the snapshot's rename and the truncation, replaying the log onto it gives the same records again.
    const snapshot = compact ? [...this.#db.data.values()] : null;
    try {
      await log.append(changes).catch((error: unknown) => {
        // As with a whole-file write, the next write carries what this one failed to (unless changed again since).
        for (const [id, record] of changes) if (!this.#changes.has(id)) this.#changes.set(id, record);
        throw error;
      });
      if (snapshot === null) return;
      await this.#file.writeRecords(snapshot);
      await log.truncate();
    } catch (error) {
      // A compact() waiting on the next write must get the compaction this one failed to make.
      this.#compactAsked ||= compact;
      throw error;
    }
  }

  /** Wait for any write in flight (shutdown). */
  async flush(): Promise<void> {
    while (this.#running || this.#pending) await (this.#pending ?? this.#running)?.catch(() => undefined);
  }
}
