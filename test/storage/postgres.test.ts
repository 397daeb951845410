import { readdirSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { StorageError } from '../../src/storage/errors.js';
import { openPostgresStorage } from '../../src/storage/postgres/index.js';
import type { Storage } from '../../src/storage/repositories.js';
import { createSchema, openPostgresIn, TEST_DATABASE_URL, type TestSchema, urlInSchema } from '../support/postgres.js';
import { session } from './fixtures.js';
import { handoff } from './handoff-repository.contract.js';

/** What only the PostgreSQL adapter has: migrations, rows checked on reading, and a database that can go away. */
let schema: TestSchema;
const opened: Storage[] = [];
beforeAll(async () => {
  schema = await createSchema();
});
afterAll(async () => {
  await Promise.all(opened.map((s) => s.close()));
  await schema.drop();
});

const citizen = (id: string) => ({
  id,
  channel: 'web' as const,
  userId: id.slice(4),
  firstSeenAt: '2026-11-28T01:00:00.000Z',
  lastInteractionAt: '2026-11-28T01:00:00.000Z',
  noticeShownAt: null,
  consent: null,
  following: true,
  commune: null,
  subscribed: false,
  subscribedAt: null,
});

async function rows(sql: string, params: unknown[] = []) {
  const client = new pg.Client({ connectionString: schema.url });
  await client.connect();
  try {
    return (await client.query(sql, params)).rows;
  } finally {
    await client.end();
  }
}

describe('PostgreSQL storage', () => {
  it('migrates once when several instances open the same empty database together', async () => {
    const storages = await Promise.all([1, 2, 3].map(() => openPostgresIn(schema)));
    opened.push(...storages);
    const migrations = readdirSync('migrations')
      .filter((f) => f.endsWith('.sql'))
      .sort()
      .map((f) => ({ name: f.replace(/\.sql$/, '') }));
    expect(await rows('SELECT name FROM pgmigrations ORDER BY name')).toEqual(migrations);
    await storages[0]!.staff.save({
      id: 'lan',
      role: 'officer',
      communes: ['xa-a'],
      passwordHash: 'x',
      displayName: 'Lan',
      createdAt: '2026-11-28T01:00:00.000Z',
      disabled: false,
    });
    expect((await storages[2]!.staff.get('lan'))?.displayName).toBe('Lan');
  });

  it('refuses a row that fails its schema, naming the table and the row', async () => {
    const storage = await openPostgresIn(schema);
    opened.push(storage);
    await rows(`INSERT INTO citizens (id, record) VALUES ('web:bad', '{"id":"web:bad","channel":"fax","lastInteractionAt":"2026-11-28T01:00:00Z"}')`);
    const error = await storage.citizens.get('web:bad').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StorageError);
    expect((error as Error).message).toMatch(/PostgreSQL table citizens, row "web:bad": record\.channel: .*fix it or delete it/);
    // Read together with a sound row (one query for both): only the caller of the bad row is refused.
    await storage.citizens.save({ ...citizen('web:good'), commune: 'xa-a' });
    const [bad, good] = await Promise.allSettled([storage.citizens.get('web:bad'), storage.citizens.get('web:good')]);
    expect(bad.status === 'rejected' && bad.reason).toBeInstanceOf(StorageError);
    expect(good.status === 'fulfilled' && good.value?.commune).toBe('xa-a');
    // The query over the table stops at it too, rather than leaving the citizen out unseen.
    await expect(storage.citizens.idleSince(new Date('2027-01-01T00:00:00Z'))).rejects.toThrow(StorageError);
    await rows(`DELETE FROM citizens WHERE id = 'web:bad'`);
  });

  it("reads what chat turns ask for at once (sessions, citizens, pending handoffs) in one query, each caller its own rows", async () => {
    const storage = await openPostgresIn(schema);
    opened.push(storage);
    await storage.sessions.save(session('web:s1'));
    await storage.citizens.save(citizen('web:s1'));
    await storage.handoffs.save(handoff('h-open', { citizenId: 'web:s1' }));
    await storage.handoffs.save(handoff('h-closed', { citizenId: 'web:s1', status: 'closed' }));
    const queries = vi.spyOn(pg.Pool.prototype, 'query');
    try {
      const [sessionRead, citizenRead, pending, none, unknown] = await Promise.all([
        storage.sessions.get('web:s1'),
        storage.citizens.get('web:s1'),
        storage.handoffs.pendingFor('web:s1'),
        storage.handoffs.pendingFor('web:nobody'),
        storage.citizens.get('web:nobody'),
      ]);
      expect(queries).toHaveBeenCalledTimes(1);
      expect(sessionRead?.key).toBe('web:s1');
      expect(citizenRead?.id).toBe('web:s1');
      expect(pending.map((h) => h.id)).toEqual(['h-open']);
      expect([none, unknown]).toEqual([[], undefined]);
    } finally {
      queries.mockRestore();
    }
  });

  it('keeps the earlier kept answer when replacing it fails midway', async () => {
    const storage = await openPostgresIn(schema);
    opened.push(storage);
    const answer = (data: Record<string, unknown>) => ({ id: 'k-fail', citizenId: 'web:k', kind: 'screening' as const, data, createdAt: '2026-11-28T01:00:00.000Z' });
    await storage.keptAnswers.add(answer({ category: 'poor' }));
    // Every write of a kept answer fails once it reaches the table (a full disk, a lost connection…).
    await rows(`CREATE FUNCTION refuse_kept() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'refused'; END $$`);
    await rows('CREATE TRIGGER refuse_kept BEFORE INSERT OR UPDATE ON kept_answers FOR EACH ROW EXECUTE FUNCTION refuse_kept()');
    try {
      await expect(storage.keptAnswers.replace(answer({ category: 'near_poor', corrects: 'poor' }))).rejects.toThrow(/refused/);
    } finally {
      await rows('DROP TRIGGER refuse_kept ON kept_answers');
      await rows('DROP FUNCTION refuse_kept()');
    }
    expect((await storage.keptAnswers.forCitizen('web:k')).map((k) => k.data)).toEqual([{ category: 'poor' }]);
    await storage.keptAnswers.deleteForCitizen('web:k');
  });

  it('stores text with NUL or half a surrogate pair (hostile input) as U+FFFD instead of failing', async () => {
    const storage = await openPostgresIn(schema);
    opened.push(storage);
    const hostile = 'a\u0000b\ud807c';
    const entry = { id: `j${hostile}`, receivedAt: '2026-11-28T01:00:00.000Z', event: { [hostile]: hostile }, citizenId: `zalo:${hostile}` };
    expect(await storage.journal.recordIfNew(entry)).toBe(true);
    await storage.journal.advance(entry.id, 'replying', hostile, [{ text: hostile }]);
    expect(await storage.journal.unfinished()).toEqual([
      {
        id: 'j' + 'a\ufffdb\ufffdc',
        receivedAt: entry.receivedAt,
        event: { 'a\ufffdb\ufffdc': 'a\ufffdb\ufffdc' },
        citizenId: 'zalo:a\ufffdb\ufffdc',
        state: 'replying',
        outcome: 'a\ufffdb\ufffdc',
        pendingReplies: [{ text: 'a\ufffdb\ufffdc' }],
      },
    ]);
    expect(await storage.journal.forgetCitizen(entry.citizenId)).toBe(1);
    // Two ids that differ only in what cannot be stored are one row, within one batch too.
    const twin = (id: string) => ({ id, announcementId: 'a', citizenId: 'zalo:1', channel: 'zalo' as const, state: 'queued' as const, reason: null, attempts: 0, updatedAt: entry.receivedAt });
    expect(await storage.deliveries.enqueue([twin('d\ud800'), twin('d\ud801')])).toBe(1);
    expect(await storage.staff.get(hostile)).toBeUndefined();
  });

  it('refuses to start on a database URL it cannot reach, naming nothing secret', async () => {
    const error = await openPostgresStorage({ url: 'postgres://postgres:secret@127.0.0.1:1/test' }).catch((e: unknown) => e);
    expect((error as Error).message).toMatch(/ECONNREFUSED/);
    expect((error as Error).message).not.toContain('secret');
  });
});

/** A TCP relay to the database that the test can cut and restore: the database going away under a running app. */
async function relay(): Promise<{ url: string; cut(): Promise<void>; restore(): Promise<void> }> {
  const target = new URL(TEST_DATABASE_URL);
  const sockets = new Set<Socket>();
  let server: Server;
  let port = 0;
  const listen = () =>
    new Promise<void>((resolve) => {
      server = createServer((socket) => {
        const upstream = connect(Number(target.port || 5432), target.hostname);
        for (const s of [socket, upstream]) {
          sockets.add(s);
          s.on('error', () => undefined);
          s.on('close', () => sockets.delete(s));
        }
        socket.pipe(upstream).pipe(socket);
      });
      server.listen(port, '127.0.0.1', () => {
        port = (server.address() as { port: number }).port;
        resolve();
      });
    });
  await listen();
  const url = new URL(urlInSchema(schema.name));
  url.host = `127.0.0.1:${port}`;
  return {
    url: url.toString(),
    cut: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
    restore: listen,
  };
}

describe('/health on PostgreSQL', () => {
  it('answers 503 naming the database while it cannot be reached, 200 again once it can', async () => {
    const db = await relay();
    const dataDir = await mkdtemp(join(tmpdir(), 'pg-health-'));
    const app = await buildApp(loadConfig({ DATA_DIR: dataDir, DATABASE_URL: db.url, LOG_LEVEL: 'silent' }));
    try {
      await app.ready();
      const health = async () => {
        const response = await app.inject({ url: '/health' });
        return { code: response.statusCode, body: response.json() };
      };
      await expect.poll(health, { timeout: 20_000, interval: 200 }).toEqual({ code: 200, body: { status: 'ok', database: 'ok' } });
      await db.cut();
      expect(await health()).toEqual({ code: 503, body: { status: 'unavailable', database: 'unreachable' } });
      await db.restore();
      // The pool may first try a connection the cut broke; it opens a new one, and the next probe answers.
      await expect.poll(health, { timeout: 20_000, interval: 200 }).toEqual({ code: 200, body: { status: 'ok', database: 'ok' } });
    } finally {
      await app.close();
      await db.cut();
    }
  });
});
