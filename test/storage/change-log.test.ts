import * as fs from 'node:fs';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { StorageError } from '../../src/storage/errors.js';
import { JsonCollection } from '../../src/storage/lowdb/json-collection.js';
import { readCollection } from '../support/data-files.js';

// The log's writes, observed (and failed on demand) without changing what they do.
vi.mock('node:fs', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:fs')>();
  return { ...actual, appendFile: vi.fn(actual.appendFile), ftruncate: vi.fn(actual.ftruncate) };
});
const appends = vi.mocked(fs.appendFile);
const truncations = vi.mocked(fs.ftruncate);

const item = z.object({ id: z.string(), n: z.number() });
type Item = z.infer<typeof item>;
const it_ = (id: string, n: number): Item => ({ id, n });

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'change-log-'));
  vi.clearAllMocks();
});

const open = () => JsonCollection.open<Item>(dir, 'items', item, { log: true });
const text = (ext: 'json' | 'log') => readFile(join(dir, `items.${ext}`), 'utf8').catch(() => null);
const logLines = async () => ((await text('log')) ?? '').split('\n').filter(Boolean);
const sorted = (items: Iterable<Item>) => [...items].sort((a, b) => a.id.localeCompare(b.id));

describe('log-structured collection', () => {
  it('appends one line per change and gets the same records back on open', async () => {
    const items = await open();
    await items.put(it_('a', 1));
    await items.put(it_('b', 1));
    await items.put(it_('a', 2));
    expect(await text('json')).toBeNull();
    expect(await logLines()).toEqual(['{"put":{"id":"a","n":1}}', '{"put":{"id":"b","n":1}}', '{"put":{"id":"a","n":2}}']);
    expect(sorted((await open()).values())).toEqual([it_('a', 2), it_('b', 1)]);
    expect(sorted(await readCollection(dir, 'items') as Item[])).toEqual([it_('a', 2), it_('b', 1)]);
  });

  it('writes deletions as del lines, and keeps deleteWhere and replaceAll as they were', async () => {
    const items = await open();
    await items.putMany([it_('a', 1), it_('b', 2), it_('c', 3), it_('d', 4)]);
    await items.delete('a');
    expect(await logLines()).toContain('{"del":"a"}');
    expect(await items.deleteWhere((i) => i.n === 2)).toBe(1);
    expect(await items.deleteWhere(() => false)).toBe(0);
    expect(sorted((await open()).values())).toEqual([it_('c', 3), it_('d', 4)]);
    await items.replaceAll([it_('d', 5), it_('e', 6)]);
    expect(sorted((await open()).values())).toEqual([it_('d', 5), it_('e', 6)]);
  });

  it('writes a group of changes made together in one append, each record once', async () => {
    const items = await open();
    await Promise.all(Array.from({ length: 500 }, (_, i) => items.put(it_(String(i % 400), i))));
    expect(appends).toHaveBeenCalledTimes(1);
    expect(await logLines()).toHaveLength(400);
    expect((await open()).get('7')).toEqual(it_('7', 407));
  });

  it.each([
    ['an unfinished line', '{"put":{"id":"c","n"'],
    ['a finished line that is not JSON', '{"put":{"id":"c","n":3}\n'],
  ])('drops %s at the end (an interrupted append) and starts the next append on a line of its own', async (_label, tail) => {
    const good = '{"put":{"id":"a","n":1}}\n{"put":{"id":"b","n":2}}\n';
    await writeFile(join(dir, 'items.log'), good + tail);
    const items = await open();
    expect(sorted(items.values())).toEqual([it_('a', 1), it_('b', 2)]);
    expect(await text('log')).toBe(good);
    await items.put(it_('d', 4));
    expect(sorted((await open()).values())).toEqual([it_('a', 1), it_('b', 2), it_('d', 4)]);
  });

  it.each([
    ['a line that is not JSON', '{"put":{"id":"a","n":1}}\n{"put":{"id":"b"\n{"del":"a"}\n', /items\.log line 2 is not valid JSON/],
    ['a record failing its schema', '{"put":{"id":"a","n":1}}\n{"put":{"id":"b","n":"two"}}\n', /items\.log line 2: put\.n: /],
    ['a line that is no change', '{"put":{"id":"a","n":1}}\n{"upsert":{"id":"b","n":2}}\n{"del":"a"}\n', /items\.log line 2 must be \{"put"/],
  ])('refuses %s with the file and line named, touching neither file', async (_label, log, pattern) => {
    const snapshot = '{"records":[\n{"id":"z","n":0}\n]}\n';
    await writeFile(join(dir, 'items.json'), snapshot);
    await writeFile(join(dir, 'items.log'), log);
    const error = await open().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StorageError);
    expect((error as Error).message).toMatch(pattern);
    expect((error as Error).message).toMatch(/It was not changed/);
    expect(await text('log')).toBe(log);
    expect(await text('json')).toBe(snapshot);
  });

  it('compacts once the log has more lines than 1,000 or than the live records', async () => {
    const items = await open();
    for (let n = 1; n <= 1000; n++) await items.put(it_('a', n));
    expect(await logLines()).toHaveLength(1000);
    expect(await text('json')).toBeNull();
    await items.put(it_('a', 1001));
    expect(await logLines()).toEqual([]);
    expect(JSON.parse((await text('json'))!).records).toEqual([it_('a', 1001)]);

    // With more live records than 1,000, the log may grow as long as the collection before it is compacted.
    await items.putMany(Array.from({ length: 1500 }, (_, i) => it_(`b${i}`, i)));
    await items.put(it_('a', 1));
    expect(await logLines()).toHaveLength(1501);
    await items.put(it_('a', 2));
    expect(await logLines()).toEqual([]);
    expect(JSON.parse((await text('json'))!).records).toHaveLength(1501);
    expect(sorted((await open()).values())).toEqual(sorted(items.values()));
  });

  it('compacts on demand, and only when the log holds anything', async () => {
    const items = await open();
    await items.put(it_('a', 1));
    await items.compact();
    expect(await text('json')).toBe('{"records":[\n{"id":"a","n":1}\n]}\n');
    expect(await text('log')).toBe('');
    truncations.mockClear();
    await items.compact();
    expect(truncations).not.toHaveBeenCalled();
  });

  it('gives a compact() waiting behind a failed compaction a compaction of its own', async () => {
    const items = await open();
    await items.put(it_('a', 1));
    truncations.mockImplementationOnce(((_fd: number, _length: number, callback: (error: Error) => void) =>
      callback(new Error('EIO: i/o error'))) as typeof fs.ftruncate);
    // The write already due for the put compacts (and fails); compact() waits on the next write, which must retry.
    const failed = items.put(it_('b', 2));
    const first = items.compact();
    await expect(failed).rejects.toThrow('EIO');
    await expect(first).resolves.toBeUndefined();
    expect(await text('log')).toBe('');
    expect(JSON.parse((await text('json'))!).records).toEqual([it_('a', 1), it_('b', 2)]);
  });

  it('loses nothing when a crash comes between writing the snapshot and emptying the log', async () => {
    const items = await open();
    await items.putMany([it_('a', 1), it_('b', 1), it_('c', 1)]);
    // The process stops for good just before the truncation: the files are left as a SIGKILL there would leave them.
    truncations.mockImplementationOnce(() => undefined);
    // Changed in the same group as the compaction: their older lines are in the log, their new state in the snapshot.
    void items.put(it_('b', 2));
    void items.delete('c');
    void items.compact();
    await vi.waitFor(() => expect(truncations).toHaveBeenCalled());

    expect(JSON.parse((await text('json'))!).records).toEqual([it_('a', 1), it_('b', 2)]);
    expect(await logLines()).toEqual([
      '{"put":{"id":"a","n":1}}',
      '{"put":{"id":"b","n":1}}',
      '{"put":{"id":"c","n":1}}',
      '{"put":{"id":"b","n":2}}',
      '{"del":"c"}',
    ]);
    const reopened = await open();
    expect(sorted(reopened.values())).toEqual([it_('a', 1), it_('b', 2)]);
    await reopened.put(it_('d', 1));
    expect(sorted((await open()).values())).toEqual([it_('a', 1), it_('b', 2), it_('d', 1)]);
  });

  it('after a failed append, cuts off what it left and writes its changes with the next one', async () => {
    const items = await open();
    await items.put(it_('a', 1));
    appends.mockImplementationOnce(((fd: number, data: Buffer, callback: (error: Error) => void) =>
      fs.write(fd, data.subarray(0, 5), () => callback(new Error('ENOSPC: no space left on device')))) as typeof fs.appendFile);
    await expect(items.put(it_('b', 2))).rejects.toThrow('ENOSPC');
    await items.put(it_('c', 3));
    expect(await logLines()).toEqual(['{"put":{"id":"a","n":1}}', '{"put":{"id":"b","n":2}}', '{"put":{"id":"c","n":3}}']);
    expect(sorted((await open()).values())).toEqual([it_('a', 1), it_('b', 2), it_('c', 3)]);
  });
});
