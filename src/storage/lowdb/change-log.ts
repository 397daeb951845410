import { appendFile, ftruncate, open } from 'node:fs';
import { readFile, truncate } from 'node:fs/promises';
import { promisify } from 'node:util';
import type { z } from 'zod';
import { StorageError } from '../errors.js';

const openFd = promisify(open);
const appendFd = promisify(appendFile);
/** Lines per write of an append. */
const APPEND_LINES = 1000;
const ftruncateFd = promisify(ftruncate);

/** Changes to append, one line each: the record as put, or `null` for a record deleted. */
export type Changes<T> = Map<string, T | null>;

/**
 * The change log beside a collection's snapshot, `name.log`: JSON Lines, one `{"put":{…record…}}` or `{"del":"<id>"}`
 * per change, appended through a file descriptor kept open (a raw descriptor rather than a FileHandle, which Node
 * closes with a warning when a test drops its storage). The snapshot plus the log replayed onto it, in order, is the
 * collection. The caller runs one append or truncate at a time.
 */
export class ChangeLog<T extends { id: string }> {
  readonly file: string;
  #fd: number | null = null;
  /** Length of the complete lines: an append that failed part-way is cut back to here before the next one. */
  #bytes: number;
  #torn = false;
  #lines: number;

  private constructor(file: string, bytes: number, lines: number) {
    this.file = file;
    this.#bytes = bytes;
    this.#lines = lines;
  }

  /**
   * Replays the log onto `data` (the snapshot just read), validating every record. A last line without its newline,
   * or that is not JSON, is an append cut short by a crash, whose caller was never answered: it is dropped, and cut
   * off the file so the next append starts a line of its own. Any other bad line stops start-up with the line named,
   * and the file is not touched.
   */
  static async open<T extends { id: string }>(file: string, schema: z.ZodType<T>, data: Map<string, T>): Promise<ChangeLog<T>> {
    let buffer: Buffer;
    try {
      buffer = await readFile(file);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return new ChangeLog<T>(file, 0, 0);
      throw error;
    }
    let complete = buffer.lastIndexOf(0x0a) + 1;
    const lines = buffer.toString('utf8', 0, complete).split('\n');
    lines.pop();
    for (const [index, line] of lines.entries()) {
      let change: unknown;
      try {
        change = JSON.parse(line);
      } catch (error) {
        if (index < lines.length - 1) throw new StorageError(file, `line ${index + 1} is not valid JSON (${(error as Error).message})`);
        complete -= Buffer.byteLength(line) + 1;
        lines.pop();
        break;
      }
      apply(file, index + 1, schema, change, data);
    }
    if (complete < buffer.length) await truncate(file, complete);
    return new ChangeLog<T>(file, complete, lines.length);
  }

  /** Complete lines in the file, replayed ones included. */
  get lines(): number {
    return this.#lines;
  }

  /**
   * Appends one line per change, APPEND_LINES lines a write (a fan-out's 100,000 deliveries would otherwise be built
   * as one string of tens of megabytes, then copied into a buffer); resolves once every write has returned. Should
   * one fail, the next append first cuts the file back to where this one began.
   */
  async append(changes: Changes<T>): Promise<void> {
    if (!changes.size) return;
    const fd = await this.#open();
    if (this.#torn) await ftruncateFd(fd, this.#bytes);
    this.#torn = false;
    let written = 0;
    let lines: string[] = [];
    const flush = async () => {
      const bytes = Buffer.from(lines.join(''));
      lines = [];
      await appendFd(fd, bytes);
      written += bytes.length;
    };
    try {
      for (const [id, record] of changes) {
        lines.push(record ? `{"put":${JSON.stringify(record)}}\n` : `{"del":${JSON.stringify(id)}}\n`);
        if (lines.length === APPEND_LINES) await flush();
      }
      if (lines.length) await flush();
    } catch (error) {
      this.#torn = true;
      throw error;
    }
    this.#bytes += written;
    this.#lines += changes.size;
  }

  /** Empties the log, once a snapshot holding all of it is in place. */
  async truncate(): Promise<void> {
    await ftruncateFd(await this.#open(), 0);
    this.#bytes = 0;
    this.#lines = 0;
    this.#torn = false;
  }

  async #open(): Promise<number> {
    // Opened on first use: a storage that is only read holds no descriptor. O_APPEND puts every write at the end.
    this.#fd ??= await openFd(this.file, 'a');
    return this.#fd;
  }
}

function apply<T extends { id: string }>(file: string, number: number, schema: z.ZodType<T>, change: unknown, data: Map<string, T>): void {
  if (change && typeof change === 'object' && 'put' in change) {
    const result = schema.safeParse(change.put);
    if (!result.success) {
      const issue = result.error.issues[0]!;
      throw new StorageError(file, `line ${number}: ${['put', ...issue.path].join('.')}: ${issue.message}`);
    }
    data.set(result.data.id, result.data);
  } else if (change && typeof change === 'object' && 'del' in change && typeof change.del === 'string') {
    data.delete(change.del);
  } else {
    throw new StorageError(file, `line ${number} must be {"put":{…}} or {"del":"<id>"}`);
  }
}
