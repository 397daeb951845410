import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openLowdbStorage } from '../../src/storage/lowdb/index.js';
import type { Storage } from '../../src/storage/repositories.js';
import { createSchema, openPostgresIn, type TestSchema } from '../support/postgres.js';
import { announcement, at, audit, citizen, delivery, kept, session, staff, staffSession, T0, token, unanswered } from './fixtures.js';

/**
 * The repository contracts (src/storage/repositories.ts), the same tests on every adapter: lowdb files, and the
 * PostgreSQL of the machine (DATABASE_URL, else 127.0.0.1:5432/test) in a schema of this file's own.
 */
interface Adapter {
  name: string;
  setUp(): Promise<void>;
  /** A store emptied of every record. */
  fresh(): Promise<Storage>;
  /** Another store on the same data, as after a restart. */
  reopen(): Promise<Storage>;
  tearDown(): Promise<void>;
}

function lowdbAdapter(): Adapter {
  let dir = '';
  return {
    name: 'lowdb',
    setUp: async () => undefined,
    fresh: async () => {
      dir = await mkdtemp(join(tmpdir(), 'contract-'));
      return openLowdbStorage(dir);
    },
    reopen: () => openLowdbStorage(dir),
    tearDown: async () => undefined,
  };
}

function postgresAdapter(): Adapter {
  let schema: TestSchema;
  let storage: Storage;
  const opened: Storage[] = [];
  const open = async () => {
    const another = await openPostgresIn(schema);
    opened.push(another);
    return another;
  };
  return {
    name: 'postgres',
    setUp: async () => {
      schema = await createSchema();
      storage = await open();
    },
    fresh: async () => {
      await schema.truncate();
      return storage;
    },
    reopen: open,
    tearDown: async () => {
      await Promise.all(opened.map((s) => s.close()));
      await schema.drop();
    },
  };
}

const ids = (records: { id: string }[]) => records.map((r) => r.id);
const sortedIds = (records: { id: string }[]) => ids(records).sort();

describe.each([lowdbAdapter(), postgresAdapter()])('repository contract on $name', (adapter) => {
  let storage: Storage;
  beforeAll(() => adapter.setUp());
  afterAll(() => adapter.tearDown());
  beforeEach(async () => {
    storage = await adapter.fresh();
  });

  describe('sessions', () => {
    it('replaceAll is a snapshot: loadAll gives exactly the last one, after a restart too', async () => {
      await storage.sessions.replaceAll([session('web:a'), session('web:b')]);
      await storage.sessions.replaceAll([session('web:b', at(1)), session('web:c')]);
      const reopened = await adapter.reopen();
      expect(sortedIds(await reopened.sessions.loadAll())).toEqual(['web:b', 'web:c']);
      expect(await reopened.sessions.get('web:b')).toEqual(session('web:b', at(1)));
    });

    it('get, save and delete one conversation by its key', async () => {
      expect(await storage.sessions.get('web:a')).toBeUndefined();
      await storage.sessions.save(session('web:a'));
      await storage.sessions.save(session('web:b'));
      await storage.sessions.save(session('web:a', at(5)));
      expect(await storage.sessions.get('web:a')).toEqual(session('web:a', at(5)));
      await storage.sessions.delete('web:a');
      await storage.sessions.delete('web:unknown');
      expect(await storage.sessions.get('web:a')).toBeUndefined();
      expect(ids(await (await adapter.reopen()).sessions.loadAll())).toEqual(['web:b']);
    });

    it('purges the conversations idle since before a date', async () => {
      await storage.sessions.save(session('web:old', at(1)));
      await storage.sessions.save(session('web:new', at(10)));
      expect(await storage.sessions.purgeIdleSince(new Date(at(5)))).toBe(1);
      expect(ids(await storage.sessions.loadAll())).toEqual(['web:new']);
    });
  });

  describe('citizens', () => {
    beforeEach(async () => {
      await storage.citizens.save(citizen('a', 'xa-a'));
      await storage.citizens.save(citizen('b', 'xa-b'));
      await storage.citizens.save(citizen('c', 'xa-a', false, at(60)));
      await storage.citizens.save(citizen('d', null, false, at(60)));
    });

    it('keeps each record exactly, after a restart too', async () => {
      const reopened = await adapter.reopen();
      expect(await reopened.citizens.get('web:a')).toEqual(citizen('a', 'xa-a'));
      expect(await reopened.citizens.get('web:d')).toEqual(citizen('d', null, false, at(60)));
      expect(await reopened.citizens.get('web:none')).toBeUndefined();
    });

    it('finds subscribers of some communes or of all, and everyone of a commune', async () => {
      expect(sortedIds(await storage.citizens.subscribersOf(['xa-a']))).toEqual(['web:a']);
      expect(sortedIds(await storage.citizens.subscribersOf(['xa-a', 'xa-b']))).toEqual(['web:a', 'web:b']);
      expect(sortedIds(await storage.citizens.subscribersOf('all'))).toEqual(['web:a', 'web:b']);
      expect(await storage.citizens.subscribersOf(['xa-z'])).toEqual([]);
      expect(sortedIds(await storage.citizens.inCommunes(['xa-a']))).toEqual(['web:a', 'web:c']);
      expect(sortedIds(await storage.citizens.inCommunes('all'))).toEqual(['web:a', 'web:b', 'web:c']);
      expect(await storage.citizens.countSubscribers()).toBe(2);
    });

    it('gives the citizens of communes in chunks, each once', async () => {
      await storage.citizens.save(citizen('e', 'xa-a'));
      const chunks: string[][] = [];
      for await (const chunk of storage.citizens.inCommunesChunks('all', 2)) chunks.push(ids(chunk));
      expect(chunks.map((c) => c.length)).toEqual([2, 2]);
      expect(chunks.flat().sort()).toEqual(['web:a', 'web:b', 'web:c', 'web:e']);
      const ofA: string[] = [];
      for await (const chunk of storage.citizens.inCommunesChunks(['xa-a'], 10)) ofA.push(...ids(chunk));
      expect(ofA.sort()).toEqual(['web:a', 'web:c', 'web:e']);
      for await (const chunk of storage.citizens.inCommunesChunks(['xa-z'], 10)) expect(chunk).toEqual([]);
    });

    it('follows a change of commune or subscription', async () => {
      await storage.citizens.save({ ...citizen('a', 'xa-b'), subscribed: false, subscribedAt: null });
      expect(sortedIds(await storage.citizens.subscribersOf('all'))).toEqual(['web:b']);
      expect(sortedIds(await storage.citizens.inCommunes(['xa-b']))).toEqual(['web:a', 'web:b']);
      expect(await storage.citizens.countSubscribers()).toBe(1);
    });

    it('finds the idle and deletes', async () => {
      expect(sortedIds(await storage.citizens.idleSince(new Date(at(30))))).toEqual(['web:a', 'web:b']);
      await storage.citizens.delete('web:a');
      await storage.citizens.delete('web:none');
      expect(await storage.citizens.get('web:a')).toBeUndefined();
      expect(await (await adapter.reopen()).citizens.get('web:a')).toBeUndefined();
      expect(sortedIds(await storage.citizens.idleSince(new Date(at(30))))).toEqual(['web:b']);
    });
  });

  describe('journal', () => {
    const entry = (id: string, citizenId = 'zalo:1', receivedAt = T0) => ({ id, receivedAt, event: { message: { text: 'xin chào' } }, citizenId });
    const replies = [{ text: 'Chào bạn', quickReplies: [{ title: 'Menu', payload: 'menu' }] }];

    it('records an event once', async () => {
      expect(await storage.journal.recordIfNew(entry('e1'))).toBe(true);
      expect(await storage.journal.recordIfNew(entry('e1'))).toBe(false);
      expect(await storage.journal.unfinished()).toEqual([{ ...entry('e1'), state: 'received', outcome: null }]);
    });

    it('keeps the event and the replies while replying, only the hash once done', async () => {
      await storage.journal.recordIfNew(entry('e1'));
      await storage.journal.advance('e1', 'replying', undefined, replies);
      expect(await storage.journal.unfinished()).toEqual([
        { ...entry('e1'), state: 'replying', outcome: null, pendingReplies: replies },
      ]);
      // Moving on without new replies keeps those being sent.
      await storage.journal.advance('e1', 'replying', 'sending');
      expect((await storage.journal.unfinished())[0]).toMatchObject({ outcome: 'sending', pendingReplies: replies });
      await storage.journal.advance('e1', 'done', 'replied');
      await storage.journal.advance('missing', 'done', 'replied');
      expect(await storage.journal.unfinished()).toEqual([]);
      expect(await storage.journal.recordIfNew(entry('e1'))).toBe(false);
    });

    it('lists unfinished entries in the order received', async () => {
      for (const id of ['e3', 'e1', 'e2']) await storage.journal.recordIfNew(entry(id));
      await storage.journal.advance('e1', 'done', 'replied');
      expect(ids(await (await adapter.reopen()).journal.unfinished())).toEqual(['e3', 'e2']);
    });

    it("lists one citizen's unfinished entries in the order received, at most as many as asked", async () => {
      for (const [id, citizenId] of [['e1', 'zalo:1'], ['e2', 'zalo:2'], ['e3', 'zalo:1'], ['e4', 'zalo:1'], ['e5', 'zalo:1']]) {
        await storage.journal.recordIfNew(entry(id!, citizenId));
      }
      await storage.journal.advance('e3', 'replying', undefined, replies);
      await storage.journal.advance('e1', 'done', 'replied');
      expect(ids(await storage.journal.unfinishedOf('zalo:1', 2))).toEqual(['e3', 'e4']);
      expect(ids(await (await adapter.reopen()).journal.unfinishedOf('zalo:1', 10))).toEqual(['e3', 'e4', 'e5']);
      expect(await storage.journal.unfinishedOf('zalo:3', 10)).toEqual([]);
    });

    it('forgets a citizen: their events end done, without the event', async () => {
      await storage.journal.recordIfNew(entry('e1', 'zalo:1'));
      await storage.journal.recordIfNew(entry('e2', 'zalo:1'));
      await storage.journal.recordIfNew(entry('e3', 'zalo:2'));
      expect(await storage.journal.forgetCitizen('zalo:1')).toBe(2);
      expect(await storage.journal.forgetCitizen('zalo:1')).toBe(0);
      expect(ids(await storage.journal.unfinished())).toEqual(['e3']);
    });

    it('purges only handled entries received before the date', async () => {
      await storage.journal.recordIfNew(entry('old-done', 'zalo:1', T0));
      await storage.journal.recordIfNew(entry('old-open', 'zalo:1', T0));
      await storage.journal.recordIfNew(entry('new-done', 'zalo:1', at(120)));
      await storage.journal.advance('old-done', 'done', 'replied');
      await storage.journal.advance('new-done', 'done', 'replied');
      expect(await storage.journal.purgeBefore(new Date(at(60)))).toBe(1);
      // A purged id is unknown again; the others are still known.
      expect(await storage.journal.recordIfNew(entry('new-done'))).toBe(false);
      expect(await storage.journal.recordIfNew(entry('old-done'))).toBe(true);
    });
  });

  describe('announcements', () => {
    beforeEach(async () => {
      await storage.announcements.save(announcement('a1', { createdAt: at(1) }));
      await storage.announcements.save(announcement('a2', { createdAt: at(3), communes: 'all' }));
      await storage.announcements.save(announcement('a3', { createdAt: at(2), communes: ['xa-b', 'xa-c'], status: 'withdrawn' }));
      await storage.announcements.save(
        announcement('a4', { createdAt: at(4), status: 'scheduled', scheduledAt: at(100), publishedAt: null }),
      );
    });

    it('lists newest first, by commune, status and limit', async () => {
      expect(ids(await storage.announcements.list({}))).toEqual(['a4', 'a2', 'a3', 'a1']);
      expect(ids(await storage.announcements.list({ communes: ['xa-a'] }))).toEqual(['a4', 'a2', 'a1']);
      expect(ids(await storage.announcements.list({ communes: ['xa-c', 'xa-z'] }))).toEqual(['a2', 'a3']);
      expect(ids(await storage.announcements.list({ status: ['published', 'withdrawn'] }))).toEqual(['a2', 'a3', 'a1']);
      expect(ids(await storage.announcements.list({ limit: 2 }))).toEqual(['a4', 'a2']);
      expect(ids(await storage.announcements.list({ communes: ['xa-b'], status: ['published'], limit: 5 }))).toEqual(['a2']);
    });

    it('gets, updates and finds those due', async () => {
      expect(await (await adapter.reopen()).announcements.get('a3')).toEqual(
        announcement('a3', { createdAt: at(2), communes: ['xa-b', 'xa-c'], status: 'withdrawn' }),
      );
      expect(await storage.announcements.dueBy(new Date(at(99)))).toEqual([]);
      expect(ids(await storage.announcements.dueBy(new Date(at(100))))).toEqual(['a4']);
      const published = announcement('a4', { createdAt: at(4), status: 'published', scheduledAt: at(100), publishedAt: at(100) });
      await storage.announcements.save(published);
      expect(await storage.announcements.dueBy(new Date(at(200)))).toEqual([]);
      expect(await storage.announcements.get('a4')).toEqual(published);
    });

    it('saves only over the record expected: of two racing changes, one wins', async () => {
      const scheduled = (await storage.announcements.get('a4'))!;
      const publishing = { ...scheduled, status: 'publishing' as const, publishedAt: at(100) };
      const wins = await Promise.all([0, 1].map(() => storage.announcements.saveIf(publishing, scheduled)));
      expect(wins.sort()).toEqual([false, true]);
      expect(await (await adapter.reopen()).announcements.get('a4')).toEqual(publishing);
      // Compared whole, whatever the order of its fields.
      const reordered = Object.fromEntries(Object.entries(publishing).reverse()) as typeof publishing;
      expect(await storage.announcements.saveIf({ ...publishing, status: 'published' }, reordered)).toBe(true);
      expect(await storage.announcements.saveIf({ ...publishing, status: 'withdrawn' }, publishing)).toBe(false);
      expect((await storage.announcements.get('a4'))!.status).toBe('published');
    });
  });

  describe('deliveries', () => {
    it('enqueues only the new ones and keeps the order they came in', async () => {
      expect(await storage.deliveries.enqueue([delivery('a1', 'zalo:3'), delivery('a1', 'zalo:1')])).toBe(2);
      const sent = delivery('a1', 'zalo:3', 'sent');
      await storage.deliveries.update([sent]);
      expect(await storage.deliveries.enqueue([delivery('a1', 'zalo:3'), delivery('a1', 'zalo:2'), delivery('a2', 'zalo:1')])).toBe(2);
      expect(await storage.deliveries.enqueue([])).toBe(0);
      const reopened = await adapter.reopen();
      expect(await reopened.deliveries.forAnnouncement('a1')).toEqual([sent, delivery('a1', 'zalo:1'), delivery('a1', 'zalo:2')]);
      expect(ids(await reopened.deliveries.inState(['queued']))).toEqual(['a1|zalo:1', 'a1|zalo:2', 'a2|zalo:1']);
      expect(ids(await reopened.deliveries.inState(['queued', 'sent'], 2))).toEqual(['a1|zalo:3', 'a1|zalo:1']);
      expect(await reopened.deliveries.inState(['failed'])).toEqual([]);
    });

    it('updates many at once, the last of one id winning', async () => {
      const many = Array.from({ length: 2500 }, (_, i) => delivery('big', `zalo:${i}`));
      expect(await storage.deliveries.enqueue(many)).toBe(2500);
      await storage.deliveries.update([...many.map((d) => ({ ...d, state: 'sending' as const })), { ...many[0]!, state: 'sent' }]);
      expect((await storage.deliveries.inState(['sending'])).length).toBe(2499);
      expect(ids(await storage.deliveries.inState(['sent']))).toEqual(['big|zalo:0']);
      expect(ids((await storage.deliveries.forAnnouncement('big')).slice(0, 3))).toEqual(['big|zalo:0', 'big|zalo:1', 'big|zalo:2']);
    });

    it('claims queued Zalo deliveries first queued first, marking them sending; two claims never share one', async () => {
      const web = { ...delivery('a1', 'web:1'), channel: 'web' as const };
      await storage.deliveries.enqueue([delivery('a1', 'zalo:1'), web, delivery('a1', 'zalo:2', 'sent'), delivery('a1', 'zalo:3'), delivery('a2', 'zalo:1')]);
      const claimed = await storage.deliveries.claimQueued(2, new Date(at(5)));
      expect(claimed).toEqual([
        { ...delivery('a1', 'zalo:1'), state: 'sending', attempts: 1, updatedAt: at(5) },
        { ...delivery('a1', 'zalo:3'), state: 'sending', attempts: 1, updatedAt: at(5) },
      ]);
      expect(await (await adapter.reopen()).deliveries.forCitizen('zalo:1', ['sending'])).toEqual([claimed[0]]);
      expect(ids(await storage.deliveries.claimQueued(5, new Date(at(6))))).toEqual(['a2|zalo:1']);
      expect(await storage.deliveries.claimQueued(5, new Date(at(6)))).toEqual([]);

      const many = Array.from({ length: 300 }, (_, i) => delivery('big', `zalo:${i}`));
      await storage.deliveries.enqueue(many);
      // Concurrent claims (on PostgreSQL each on a connection of its own, as two instances would be).
      const racing = await Promise.all([0, 1, 2, 3].map(() => storage.deliveries.claimQueued(100, new Date(at(7)))));
      const taken = racing.flatMap(ids);
      expect(taken).toHaveLength(300);
      expect(new Set(taken).size).toBe(300);
    });

    it('hands deliveries left sending before a time to one decider at a time, and stores its decision', async () => {
      await storage.deliveries.enqueue([
        delivery('a1', 'zalo:1', 'sending', at(1)),
        delivery('a1', 'zalo:2', 'sending', at(1)),
        delivery('a1', 'zalo:3', 'sending', at(10)),
      ]);
      let release: () => void = () => undefined;
      const held = new Promise<void>((resolve) => {
        release = resolve;
      });
      const seen: string[][] = [];
      const first = storage.deliveries.decideInterrupted(new Date(at(5)), 10, async (interrupted) => {
        seen.push(ids(interrupted));
        await held;
        return interrupted.map((d) => ({ ...d, state: 'sent' as const, updatedAt: at(6) }));
      });
      // While the first decides, a second caller gets none of them (on PostgreSQL another connection, as another
      // instance would be).
      await expect.poll(() => seen.length).toBe(1);
      expect(await storage.deliveries.decideInterrupted(new Date(at(5)), 10, async (d) => d)).toEqual([]);
      release();
      expect(ids(await first)).toEqual(['a1|zalo:1', 'a1|zalo:2']);
      expect(seen).toEqual([['a1|zalo:1', 'a1|zalo:2']]);
      expect(ids(await (await adapter.reopen()).deliveries.inState(['sent']))).toEqual(['a1|zalo:1', 'a1|zalo:2']);
      // A decider that fails leaves them as they were.
      await expect(
        storage.deliveries.decideInterrupted(new Date(at(20)), 10, async () => {
          throw new Error('Zalo unreachable');
        }),
      ).rejects.toThrow('Zalo unreachable');
      expect(await storage.deliveries.inState(['sending'])).toEqual([delivery('a1', 'zalo:3', 'sending', at(10))]);
    });

    it("skips a withdrawn announcement's queued and pending deliveries, no others", async () => {
      await storage.deliveries.enqueue([
        delivery('a1', 'zalo:1'),
        delivery('a1', 'zalo:2', 'pending_window'),
        delivery('a1', 'zalo:3', 'sent'),
        delivery('a1', 'zalo:4', 'sending'),
        delivery('a2', 'zalo:1'),
      ]);
      expect(await storage.deliveries.skipWaiting('a1', 'withdrawn', new Date(at(3)))).toBe(2);
      expect(await (await adapter.reopen()).deliveries.inState(['skipped'])).toEqual([
        { ...delivery('a1', 'zalo:1'), state: 'skipped', reason: 'withdrawn', updatedAt: at(3) },
        { ...delivery('a1', 'zalo:2', 'pending_window'), state: 'skipped', reason: 'withdrawn', updatedAt: at(3) },
      ]);
      expect(ids(await storage.deliveries.claimQueued(10, new Date(at(4))))).toEqual(['a2|zalo:1']);
    });

    it("finds, deletes and purges a citizen's deliveries", async () => {
      await storage.deliveries.enqueue([
        delivery('a1', 'zalo:1', 'sent', T0),
        delivery('a2', 'zalo:1', 'pending_window', T0),
        delivery('a1', 'zalo:2', 'failed', T0),
        delivery('a2', 'zalo:2', 'queued', T0),
        delivery('a3', 'zalo:2', 'skipped', at(120)),
      ]);
      expect(sortedIds(await storage.deliveries.forCitizen('zalo:1'))).toEqual(['a1|zalo:1', 'a2|zalo:1']);
      expect(ids(await storage.deliveries.forCitizen('zalo:1', ['pending_window']))).toEqual(['a2|zalo:1']);
      expect(await storage.deliveries.purgeFinishedBefore(new Date(at(60)))).toBe(2);
      expect(sortedIds(await storage.deliveries.inState(['queued', 'pending_window', 'skipped']))).toEqual([
        'a2|zalo:1',
        'a2|zalo:2',
        'a3|zalo:2',
      ]);
      expect(await storage.deliveries.deleteForCitizen('zalo:2')).toBe(2);
      expect(await storage.deliveries.forCitizen('zalo:2')).toEqual([]);
    });
  });

  describe('staff and their sessions', () => {
    it('saves, lists, updates and deletes staff', async () => {
      await storage.staff.save(staff('lan'));
      await storage.staff.save(staff('admin', 'admin'));
      await storage.staff.save({ ...staff('lan'), disabled: true });
      expect(await (await adapter.reopen()).staff.get('lan')).toEqual({ ...staff('lan'), disabled: true });
      expect(sortedIds(await storage.staff.list())).toEqual(['admin', 'lan']);
      await storage.staff.delete('lan');
      expect(await storage.staff.get('lan')).toBeUndefined();
      expect(ids(await storage.staff.list())).toEqual(['admin']);
    });

    it('keeps staff sessions until deleted, signed out everywhere or expired', async () => {
      await storage.staffSessions.save(staffSession('s1', 'lan', at(60)));
      await storage.staffSessions.save(staffSession('s2', 'lan', at(600)));
      await storage.staffSessions.save(staffSession('s3', 'minh', at(30)));
      await storage.staffSessions.save(staffSession('s4', 'minh', at(600)));
      expect(await (await adapter.reopen()).staffSessions.get('s1')).toEqual(staffSession('s1', 'lan', at(60)));
      expect(await storage.staffSessions.purgeExpired(new Date(at(90)))).toBe(2);
      expect(await storage.staffSessions.get('s3')).toBeUndefined();
      expect(await storage.staffSessions.deleteForUser('lan')).toBe(1);
      await storage.staffSessions.delete('s4');
      for (const id of ['s1', 's2', 's3', 's4']) expect(await storage.staffSessions.get(id)).toBeUndefined();
    });
  });

  describe('audit', () => {
    it('lists newest first, pages with before, and purges', async () => {
      for (const [id, minutes] of [['x1', 1], ['x2', 3], ['x3', 2], ['x4', 4]] as const) await storage.audit.append(audit(id, at(minutes)));
      const reopened = await adapter.reopen();
      expect(await reopened.audit.list({ limit: 10 })).toEqual([audit('x4', at(4)), audit('x2', at(3)), audit('x3', at(2)), audit('x1', at(1))]);
      expect(ids(await reopened.audit.list({ limit: 2 }))).toEqual(['x4', 'x2']);
      expect(ids(await reopened.audit.list({ limit: 2, before: at(3) }))).toEqual(['x3', 'x1']);
      expect(await storage.audit.purgeBefore(new Date(at(2)))).toBe(1);
      expect(ids(await storage.audit.list({ limit: 10 }))).toEqual(['x4', 'x2', 'x3']);
    });
  });

  describe('tokens', () => {
    it('holds the one Zalo token record', async () => {
      expect(await storage.tokens.get()).toBeUndefined();
      await storage.tokens.save(token('r1'));
      await storage.tokens.save(token('r2'));
      expect(await (await adapter.reopen()).tokens.get()).toEqual(token('r2'));
    });
  });

  describe('kept answers and unanswered questions', () => {
    it("keeps answers per citizen, deletes a citizen's and purges the old", async () => {
      await storage.keptAnswers.add(kept('k1', 'web:a', T0));
      await storage.keptAnswers.add(kept('k2', 'web:a', at(120)));
      await storage.keptAnswers.add(kept('k3', 'web:b', at(120)));
      expect(await (await adapter.reopen()).keptAnswers.forCitizen('web:a')).toEqual([kept('k1', 'web:a', T0), kept('k2', 'web:a', at(120))]);
      expect(await storage.keptAnswers.purgeBefore(new Date(at(60)))).toBe(1);
      expect(await storage.keptAnswers.deleteForCitizen('web:a')).toBe(1);
      expect(await storage.keptAnswers.forCitizen('web:a')).toEqual([]);
      expect(ids(await storage.keptAnswers.forCitizen('web:b'))).toEqual(['k3']);
    });

    it('replaces a kept answer by its id, in its place, only for the same citizen', async () => {
      await storage.keptAnswers.add(kept('k1', 'web:a', T0));
      await storage.keptAnswers.add(kept('k2', 'web:a', at(1)));
      await storage.keptAnswers.add(kept('k3', 'web:b', at(1)));
      const corrected = { ...kept('k1', 'web:a', at(2)), data: { result: 'poor', corrects: 'near_poor' } };
      expect(await storage.keptAnswers.replace(corrected)).toBe(true);
      // Nothing to replace: added.
      expect(await storage.keptAnswers.replace(kept('k4', 'web:a', at(3)))).toBe(false);
      // Another citizen's answer is left as it was.
      await expect(storage.keptAnswers.replace(kept('k3', 'web:a', at(4)))).rejects.toThrow();
      const reopened = await adapter.reopen();
      const mine = await reopened.keptAnswers.forCitizen('web:a');
      expect(sortedIds(mine)).toEqual(['k1', 'k2', 'k4']);
      expect(mine.find((k) => k.id === 'k1')).toEqual(corrected);
      expect(await reopened.keptAnswers.forCitizen('web:b')).toEqual([kept('k3', 'web:b', at(1))]);
      // The replaced answer is kept as of its correction: retention counts from then.
      expect(await storage.keptAnswers.purgeBefore(new Date(at(2)))).toBe(2);
      expect(sortedIds(await storage.keptAnswers.forCitizen('web:a'))).toEqual(['k1', 'k4']);
    });

    it("lists unanswered questions, deletes a citizen's and purges the old", async () => {
      await storage.unanswered.add(unanswered('u1', 'web:a', T0));
      await storage.unanswered.add({ ...unanswered('u2', 'web:b', at(120)), text: null });
      await storage.unanswered.add(unanswered('u3', 'web:a', at(120)));
      expect(await (await adapter.reopen()).unanswered.list()).toEqual([
        unanswered('u1', 'web:a', T0),
        { ...unanswered('u2', 'web:b', at(120)), text: null },
        unanswered('u3', 'web:a', at(120)),
      ]);
      expect(await storage.unanswered.purgeBefore(new Date(at(60)))).toBe(1);
      expect(await storage.unanswered.deleteForCitizen('web:a')).toBe(1);
      expect(ids(await storage.unanswered.list())).toEqual(['u2']);
    });
  });

  it('answers a ping, and flush and compact keep every record', async () => {
    await storage.ping();
    await storage.citizens.save(citizen('a', 'xa-a'));
    await storage.flush();
    await storage.compact();
    expect(await (await adapter.reopen()).citizens.get('web:a')).toEqual(citizen('a', 'xa-a'));
  });
  describe('stats', () => {
    const week = (w: string, commune: string, count: number, seconds?: number) => ({
      week: w,
      commune,
      measure: 'staff_response' as const,
      key: 'under_1h',
      count,
      ...(seconds === undefined ? {} : { seconds }),
    });
    it('adds into counters (several increments of one counter in one call too), durable, and reads a range of weeks and communes', async () => {
      await storage.stats.add([week('2026-W48', 'xa-a', 1, 60), week('2026-W48', 'xa-a', 2, 30), week('2026-W49', 'xa-b', 1)]);
      await storage.stats.add([week('2026-W48', 'xa-a', 1, 10), week('2026-W50', 'xa-a', 4)]);
      await storage.flush();
      const reopened = await adapter.reopen();
      const a48 = { id: '2026-W48|xa-a|staff_response|under_1h', ...week('2026-W48', 'xa-a', 4, 100) };
      expect(await reopened.stats.between('2026-W48', '2026-W49', ['xa-a'])).toEqual([a48]);
      expect(sortedIds(await reopened.stats.between('2026-W48', '2026-W50', 'all'))).toEqual([
        '2026-W48|xa-a|staff_response|under_1h',
        '2026-W49|xa-b|staff_response|under_1h',
        '2026-W50|xa-a|staff_response|under_1h',
      ]);
      expect(await reopened.stats.between('2026-W51', '2026-W52', 'all')).toEqual([]);
    });
  });
});
