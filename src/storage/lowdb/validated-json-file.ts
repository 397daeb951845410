import { existsSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { Adapter } from 'lowdb';
import { Writer } from 'steno';
import type { z } from 'zod';
import { StorageError } from '../errors.js';

/**
 * A lowdb adapter for one collection file: `{"records":[…]}` with one record per line (readable by hand,
 * cheap to write). Reading validates every record with the collection's zod schema; a file that fails stops
 * start-up with the file and the problem named, and is never written over. Writes go through steno: the text is
 * written to `.name.json.tmp` and renamed over the file, so a crash leaves the old or the new file, never half.
 */
export class ValidatedJsonFile<T extends { id: string }> implements Adapter<Map<string, T>> {
  readonly #writer: Writer;
  readonly #schema: z.ZodType<T>;
  readonly file: string;

  constructor(file: string, schema: z.ZodType<T>) {
    this.file = file;
    this.#schema = schema;
    this.#writer = new Writer(file);
  }

  async read(): Promise<Map<string, T> | null> {
    // A temp file left by a crash between write and rename is an unfinished write: the real file is intact.
    const temp = join(dirname(this.file), `.${basename(this.file)}.tmp`);
    if (existsSync(temp)) await rm(temp, { force: true });
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

  async write(data: Map<string, T>): Promise<void> {
    await this.writeText(this.serialize(data));
  }

  /** The file's text for `data`; apart from writeText so a caller can take the snapshot before it awaits anything. */
  serialize(data: Map<string, T>): string {
    const lines: string[] = [];
    for (const record of data.values()) lines.push(JSON.stringify(record));
    return lines.length ? `{"records":[\n${lines.join(',\n')}\n]}\n` : '{"records":[]}\n';
  }

  writeText(text: string): Promise<void> {
    return this.#writer.write(text);
  }
}
