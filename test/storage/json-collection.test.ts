import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { StorageError } from '../../src/storage/errors.js';
import { openLowdbStorage } from '../../src/storage/lowdb/index.js';
import type { AuditRecord, CitizenRecord } from '../../src/storage/records.js';
import { readCollection } from '../support/data-files.js';

const citizen = (id: string, commune: string | null = 'xa-thanh-ha'): CitizenRecord => ({
  id: `web:${id}`,
  channel: 'web',
  userId: id,
  firstSeenAt: '2026-11-28T01:00:00.000Z',
  lastInteractionAt: '2026-11-28T01:00:00.000Z',
  noticeShownAt: null,
  consent: null,
  following: true,
  commune,
  subscribed: commune !== null,
  subscribedAt: commune ? '2026-11-28T01:00:00.000Z' : null,
});

const audit = (id: string, at: string): AuditRecord => ({ id, at, actor: 'admin', action: 'test', target: id });

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'storage-'));
});

describe('lowdb storage', () => {
  it('round-trips records through the files', async () => {
    const storage = await openLowdbStorage(dir);
    await storage.citizens.save(citizen('a'));
    await storage.citizens.save(citizen('b', null));
    await storage.audit.append(audit('1', '2026-11-28T01:00:00.000Z'));
    const reopened = await openLowdbStorage(dir);
    expect(await reopened.citizens.get('web:a')).toEqual(citizen('a'));
    expect((await reopened.citizens.subscribersOf(['xa-thanh-ha'])).map((c) => c.id)).toEqual(['web:a']);
    expect(await reopened.audit.list({ limit: 10 })).toHaveLength(1);
  });

  it('coalesces many concurrent writes and resolves each only once it is on disk', async () => {
    const storage = await openLowdbStorage(dir);
    const question = (i: number) => ({ id: String(i), citizenId: 'web:a', text: null, at: '2026-11-28T01:00:00.000Z' });
    // A collection written as a whole file; log-structured ones are covered in change-log.test.ts.
    await Promise.all(Array.from({ length: 500 }, (_, i) => storage.unanswered.add(question(i))));
    const text = await readFile(join(dir, 'unanswered.json'), 'utf8');
    expect(JSON.parse(text).records).toHaveLength(500);
  });

  it('survives a crash between writing the temp file and renaming it', async () => {
    const storage = await openLowdbStorage(dir);
    await storage.citizens.save(citizen('a'));
    // Citizens are log-structured: their snapshot is written when compacting.
    await storage.compact();
    const before = await readFile(join(dir, 'citizens.json'), 'utf8');
    // What a crash mid-write leaves behind: a half-written temp file beside the intact real one.
    await writeFile(join(dir, '.citizens.json.tmp'), '{"records":[{"id":"web:b","chan');
    const reopened = await openLowdbStorage(dir);
    expect(await reopened.citizens.get('web:a')).toEqual(citizen('a'));
    expect(await reopened.citizens.get('web:b')).toBeUndefined();
    expect(await readFile(join(dir, 'citizens.json'), 'utf8')).toBe(before);
    expect(await readdir(dir)).not.toContain('.citizens.json.tmp');
  });

  it('keeps the earlier kept answer when writing its replacement fails, and one answer in memory', async () => {
    const storage = await openLowdbStorage(dir);
    const answer = (category: string) => ({ id: 'k1', citizenId: 'web:a', kind: 'screening' as const, data: { category }, createdAt: '2026-11-28T01:00:00.000Z' });
    await storage.keptAnswers.add(answer('poor'));
    // The write cannot create its temporary file (as on a full disk).
    const temp = join(dir, '.kept-answers.json.tmp');
    await mkdir(temp);
    await expect(storage.keptAnswers.replace(answer('near_poor'))).rejects.toThrow();
    await rm(temp, { recursive: true });
    expect((await (await openLowdbStorage(dir)).keptAnswers.forCitizen('web:a')).map((k) => k.data)).toEqual([{ category: 'poor' }]);
    // The running store holds the corrected one, which its next write carries.
    expect((await storage.keptAnswers.forCitizen('web:a')).map((k) => k.data)).toEqual([{ category: 'near_poor' }]);
    await storage.keptAnswers.add({ ...answer('none'), id: 'k2' });
    const reopened = await openLowdbStorage(dir);
    expect((await reopened.keptAnswers.forCitizen('web:a')).map((k) => k.data)).toEqual([{ category: 'near_poor' }, { category: 'none' }]);
  });

  it.each([
    ['not JSON', '{"records": [', /citizens\.json is not valid JSON/],
    ['a record failing its schema', '{"records":[{"id":"web:a","channel":"fax"}]}', /citizens\.json records\.0\.channel/],
    ['no records array', '{"rows":[]}', /must be an object with a "records" array/],
  ])('refuses %s without touching the file', async (_label, content, pattern) => {
    const file = join(dir, 'citizens.json');
    await writeFile(file, content);
    const error = await openLowdbStorage(dir).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StorageError);
    expect((error as Error).message).toMatch(pattern);
    expect(await readFile(file, 'utf8')).toBe(content);
  });

  it('keeps only a hash in the journal once an event is handled', async () => {
    const storage = await openLowdbStorage(dir);
    const entry = { id: 'abc', receivedAt: '2026-11-28T01:00:00.000Z', event: { text: 'xin chào' }, citizenId: 'zalo:1' };
    expect(await storage.journal.recordIfNew(entry)).toBe(true);
    expect(await storage.journal.recordIfNew(entry)).toBe(false);
    await storage.journal.advance('abc', 'done', 'replied');
    expect(await readCollection(dir, 'journal')).toEqual([
      { id: 'abc', receivedAt: entry.receivedAt, state: 'done', outcome: 'replied', event: null, citizenId: null, pendingReplies: null },
    ]);
    expect(await storage.journal.unfinished()).toEqual([]);
    // The log keeps the event's earlier line until the next compaction, which the hourly retention run forces.
    await storage.compact();
    const files = (await readdir(dir)).filter((name) => name.startsWith('journal.'));
    expect(files.sort()).toEqual(['journal.json', 'journal.log']);
    for (const name of files) {
      const text = await readFile(join(dir, name), 'utf8');
      expect(text).not.toContain('xin chào');
      expect(text).not.toContain('zalo:1');
    }
  });
});
