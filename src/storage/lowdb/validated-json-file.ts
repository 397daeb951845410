import { existsSync } from 'node:fs';
import { open, readFile, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { Adapter } from 'lowdb';
import type { z } from 'zod';
import { StorageError } from '../errors.js';

/** Records per write of a file. */
const WRITE_RECORDS = 1000;

/**
 * A lowdb adapter for one collection file: `{"records":[…]}` with one record per line (readable by hand,
 * cheap to write). Reading validates every record with the collection's zod schema; a file that fails stops
 * start-up with the file and the problem named, and is never written over. A write goes to `.name.json.tmp`, renamed
 * over the file once complete, so a crash leaves the old or the new file, never half. The caller (JsonCollection)
 * runs one write at a time.
 */
export class ValidatedJsonFile<T extends { id: string }> implements Adapter<Map<string, T>> {
  readonly #temp: string;
  readonly #schema: z.ZodType<T>;
  readonly file: string;

  constructor(file: string, schema: z.ZodType<T>) {
    this.file = file;
    this.#schema = schema;
    this.#temp = join(dirname(file), `.${basename(file)}.tmp`);
  }

  async read(): Promise<Map<string, T> | null> {
    // A temp file left by a crash between write and rename is an unfinished write: the real file is intact.
    if (existsSync(this.#temp)) await rm(this.#temp, { force: true });
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      throw new StorageError(this.file, `is not valid JSON (${(error as Error).message})`);
    }
    if (!parsed || typeof parsed !== 'object' || !Array.isArray((parsed as { records?: unknown }).records)) {
      throw new StorageError(this.file, 'must be an object with a "records" array');
    }
    const map = new Map<string, T>();
    for (const [index, raw] of (parsed as { records: unknown[] }).records.entries()) {
      const result = this.#schema.safeParse(raw);
      if (!result.success) {
        const issue = result.error.issues[0]!;
        const where = ['records', index, ...issue.path].join('.');
        throw new StorageError(this.file, `${where}: ${issue.message}`);
      }
      if (map.has(result.data.id)) throw new StorageError(this.file, `records.${index}: duplicate id "${result.data.id}"`);
      map.set(result.data.id, result.data);
    }
    return map;
  }

  write(data: Map<string, T>): Promise<void> {
    return this.writeRecords([...data.values()]);
  }

  /**
   * Writes the file WRITE_RECORDS records at a time: a fan-out's 100,000 deliveries would otherwise be built as one
   * string of tens of megabytes, then copied into a buffer. Records are replaced, never changed in place, so the
   * array taken before the first await is the snapshot however long the write takes.
   */
  async writeRecords(records: readonly T[]): Promise<void> {
    const file = await open(this.#temp, 'w');
    try {
      for (let start = 0; start < records.length; start += WRITE_RECORDS) {
        const lines = records.slice(start, start + WRITE_RECORDS).map((record) => JSON.stringify(record));
        await file.write(`${start ? ',' : '{"records":['}\n${lines.join(',\n')}`);
      }
      await file.write(records.length ? '\n]}\n' : '{"records":[]}\n');
    } finally {
      await file.close();
    }
    await rename(this.#temp, this.file);
  }
}
