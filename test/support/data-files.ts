import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { tables } from '../../src/storage/postgres/index.js';
import type { CitizenRecord } from '../../src/storage/records.js';
import { TEST_REDIS_URL } from './redis.js';
import { ON_POSTGRES, ON_REDIS, openTestStorage, postgresCollections, testServiceEnv } from './storage.js';

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

/**
 * Every collection's records, wherever the test storage keeps them, checked as a crash may have left them: each file
 * valid (readCollection), or with DATABASE_URL set each table's rows read with SQL, each a valid record of its table.
 * Throws naming the collection (and row) that is not.
 */
export async function readEverything(dataDir: string): Promise<Map<string, StoredRecord[]>> {
  const collections = new Map<string, StoredRecord[]>();
  if (ON_POSTGRES) {
    const rows = await postgresCollections(dataDir);
    for (const table of Object.values(tables)) {
      const name = table.name.replace('_', '-');
      for (const record of rows.get(name) ?? []) {
        const issue = table.schema.safeParse(record).error?.issues[0];
        if (issue) throw new Error(`${table.name} row ${JSON.stringify(record.id)} is not valid: ${issue.path.join('.')}: ${issue.message}`);
      }
      if (rows.has(name)) collections.set(name, rows.get(name) as StoredRecord[]);
    }
    return collections;
  }
  for (const name of await collectionNames(dataDir)) {
    try {
      collections.set(name, await readCollection(dataDir, name));
    } catch (error) {
      throw new Error(`${name} is not valid: ${(error as Error).message}`);
    }
  }
  return collections;
}

/**
 * The conversation sessions stored for the service on `dataDir`: with REDIS_URL set in Redis under the key prefix its
 * tests' apps get (one key per conversation), else the storage's `sessions` collection (the snapshot).
 */
export async function storedSessions(dataDir: string): Promise<StoredRecord[]> {
  if (!ON_REDIS) return readStored(dataDir, 'sessions');
  const { REDIS_KEY_PREFIX: prefix } = await testServiceEnv(dataDir);
  const redis = new Redis(TEST_REDIS_URL);
  try {
    const keys: string[] = [];
    let cursor = '0';
    do {
      const [next, found] = await redis.scan(cursor, 'MATCH', `${prefix}session:*`, 'COUNT', 1000);
      keys.push(...found);
      cursor = next;
    } while (cursor !== '0');
    const values = keys.length ? await redis.mget(...keys) : [];
    // Each value is the JSON after the version's schema stamp (src/shared-state/redis-sessions.ts).
    return values.flatMap((value) => (value === null ? [] : [parse<StoredRecord>(value.slice(value.indexOf('{')), 'a Redis session')]));
  } finally {
    redis.disconnect();
  }
}

/**
 * Whether anything the service on `dataDir` stores mentions `text`: its data files (any file in the directory), or with
 * DATABASE_URL set its rows; and with REDIS_URL set the sessions it keeps in Redis.
 */
export async function storageMentions(dataDir: string, text: string): Promise<boolean> {
  const stored: string[] = [];
  if (ON_POSTGRES) stored.push(JSON.stringify([...(await postgresCollections(dataDir))]));
  else for (const file of await readdir(dataDir)) stored.push(await readFile(join(dataDir, file), 'utf8').catch(() => ''));
  if (ON_REDIS) stored.push(JSON.stringify(await storedSessions(dataDir)));
  return stored.some((s) => s.includes(text));
}

/**
 * Citizens in place before the service first starts on `dataDir`: the snapshot file it will read, or with
 * DATABASE_URL set the rows of its schema.
 */
export async function seedCitizens(dataDir: string, citizens: CitizenRecord[]): Promise<void> {
  if (!ON_POSTGRES) {
    await writeFile(join(dataDir, 'citizens.json'), `{"records":[\n${citizens.map((c) => JSON.stringify(c)).join(',\n')}\n]}\n`);
    return;
  }
  const storage = await openTestStorage(dataDir);
  try {
    for (const citizen of citizens) await storage.citizens.save(citizen);
  } finally {
    await storage.close();
  }
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
