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
