import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ON_POSTGRES, postgresCollections } from './storage.js';

export type StoredRecord = Record<string, unknown> & { id: string };

/**
 * A collection's live records as its files hold them: the snapshot `name.json` with the change log `name.log`, if any,
 * replayed onto it. Written apart from the storage code so that tests check the files, not the code's own reading.
 * Throws when a file is not what storage writes; only a last log line without its newline (an append cut short by a
 * crash) is ignored, as start-up ignores it.
 */
export async function readCollection(dataDir: string, name: string): Promise<StoredRecord[]> {
  const records = new Map<string, StoredRecord>();
  const snapshot = await readIfPresent(join(dataDir, `${name}.json`));
  if (snapshot !== null) {
    for (const record of parse<{ records: StoredRecord[] }>(snapshot, `${name}.json`).records) records.set(record.id, record);
  }
  const lines = ((await readIfPresent(join(dataDir, `${name}.log`))) ?? '').split('\n');
  lines.pop();
  lines.forEach((line, index) => {
    const change = parse<{ put?: StoredRecord; del?: string }>(line, `${name}.log line ${index + 1}`);
    if (change.put) records.set(change.put.id, change.put);
    else if (typeof change.del === 'string') records.delete(change.del);
    else throw new Error(`${name}.log line ${index + 1} is neither a put nor a del: ${line}`);
  });
  return [...records.values()];
}

/** What a collection holds, wherever the test storage keeps it: its files, or with DATABASE_URL set its table's rows. */
export async function readStored(dataDir: string, name: string): Promise<StoredRecord[]> {
  if (ON_POSTGRES) return ((await postgresCollections(dataDir)).get(name) ?? []) as StoredRecord[];
  return readCollection(dataDir, name);
}

/** The collections in `dataDir`, by the names of their files (temp files left by a crash aside). */
export async function collectionNames(dataDir: string): Promise<string[]> {
  const names = new Set<string>();
  for (const file of await readdir(dataDir)) {
    const match = /^([^.].*)\.(json|log)$/.exec(file);
    if (match) names.add(match[1]!);
  }
  return [...names].sort();
}

function parse<T>(text: string, what: string): T {
  try {
    return JSON.parse(text) as T;
  } catch (error) {
    throw new Error(`${what} is not valid JSON: ${(error as Error).message}`);
  }
}

async function readIfPresent(file: string): Promise<string | null> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}
