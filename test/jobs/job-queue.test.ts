import type { FastifyBaseLogger } from 'fastify';
import pg from 'pg';
import { pino } from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { InProcessJobQueue, type JobQueue } from '../../src/jobs/job-queue.js';
import { PgBossQueue } from '../../src/jobs/pg-boss-queue.js';
import { createTestDatabase } from '../support/postgres-db.js';

const log = pino({ level: 'silent' }) as unknown as FastifyBaseLogger;
const database = await createTestDatabase('jobs');
const queues: PgBossQueue[] = [];
afterAll(async () => {
  await Promise.allSettled(queues.map((q) => q.stop()));
  await database.drop();
});

/** An instance's queue on the test database (fast polling and maintenance, so a test waits seconds, not minutes). */
async function instance(): Promise<PgBossQueue> {
  const queue = new PgBossQueue({ connectionString: database.url, log, pollingSeconds: 0.5, maintenanceSeconds: 1 });
  queues.push(queue);
  await queue.start();
  return queue;
}

/** Ends the server side of the connections holding an advisory lock in the test's database (as when an instance dies). */
async function killLockConnections(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  // Only in this test's own database: the server is shared with other tests (and their migrations' locks).
  await client.query(
    `SELECT pg_terminate_backend(pid) FROM pg_locks
     WHERE locktype = 'advisory' AND pid <> pg_backend_pid()
       AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
  );
  await client.end();
}

const until = async (condition: () => boolean) => {
  while (!condition()) await new Promise((r) => setTimeout(r, 50));
};

describe('in-process job queue (one instance)', () => {
  it('runs every job once in order, skips a keyed job already waiting, and tries a failed one again', async () => {
    const queue: JobQueue = new InProcessJobQueue();
    const seen: number[] = [];
    let failures = 1;
    await queue.send('q', { n: 1 });
    await queue.send('q', { n: 2 }, { key: 'k' });
    await queue.send('q', { n: 3 }, { key: 'k' });
    await queue.send('q', { n: 4 });
    await queue.work<{ n: number }>('q', async ({ n }) => {
      if (n === 4 && failures-- > 0) throw new Error('Zalo is down');
      seen.push(n);
    });
    await queue.idle();
    expect(seen).toEqual([1, 2, 4]);
  });

  it('runs exclusive work of one key once at a time, other keys alongside', async () => {
    const queue = new InProcessJobQueue();
    let release!: () => void;
    const running = queue.tryExclusive('citizen-1', () => new Promise<void>((r) => (release = r)));
    expect(await queue.tryExclusive('citizen-1', async () => {})).toBe(false);
    expect(await queue.tryExclusive('citizen-2', async () => {})).toBe(true);
    release();
    expect(await running).toBe(true);
    expect(await queue.tryExclusive('citizen-1', async () => {})).toBe(true);
  });

  it('adds a periodic keyed job once per period, even after it has run', async () => {
    const queue: JobQueue = new InProcessJobQueue();
    let runs = 0;
    await queue.work('retention', async () => {
      runs++;
    });
    for (let i = 0; i < 3; i++) {
      await queue.send('retention', {}, { key: 'run', periodSeconds: 3600 });
      await queue.idle();
    }
    expect(runs).toBe(1);
  });
});

describe('pg-boss job queue shared by instances (PostgreSQL)', () => {
  it('gives each of 60 jobs to exactly one of two instances', async () => {
    const [a, b] = [await instance(), await instance()];
    const handled = new Map<number, number>();
    const handler = async ({ n }: { n: number }) => {
      handled.set(n, (handled.get(n) ?? 0) + 1);
    };
    await a.work('fan-out', handler, { concurrency: 4 });
    await b.work('fan-out', handler, { concurrency: 4 });
    for (let n = 0; n < 60; n++) await (n % 2 ? a : b).send('fan-out', { n });
    await until(() => handled.size === 60);
    // Nothing more arrives after a further polling round.
    await a.send('fan-out', { n: -1 });
    await until(() => handled.has(-1));
    expect([...handled.values()].every((count) => count === 1)).toBe(true);
  }, 120_000);

  it('a keyed job waits once however many instances add it', async () => {
    const [a, b] = [await instance(), await instance()];
    await Promise.all([a.send('publish-due', { slot: 1 }, { key: 'slot-1' }), b.send('publish-due', { slot: 1 }, { key: 'slot-1' })]);
    const handled: number[] = [];
    await a.work<{ slot: number }>('publish-due', async ({ slot }) => {
      handled.push(slot);
    });
    await a.send('publish-due', { slot: 2 }, { key: 'slot-2' });
    await until(() => handled.includes(2));
    expect(handled.sort()).toEqual([1, 2]);
  }, 120_000);

  it('a keyed job waiting behind a running job of its key does not hold up the jobs of other keys', async () => {
    const [busy, free] = [await instance(), await instance()];
    const started: string[] = [];
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const handler = async ({ job }: { job: string }) => {
      started.push(job);
      if (job === 'a1') await held;
    };
    await busy.work('inbox', handler);
    await busy.send('inbox', { job: 'a1' }, { key: 'a' });
    await until(() => started.includes('a1'));
    await free.work('inbox', handler);
    await free.send('inbox', { job: 'a2' }, { key: 'a' });
    await free.send('inbox', { job: 'b1' }, { key: 'b' });
    // With pg-boss's `stately` policy every fetch of the free instance failed on a2 (its key running) until a1 ended.
    await until(() => started.includes('b1'));
    release();
    await until(() => started.includes('a2'));
  }, 120_000);

  it('exclusive work of one key runs on one instance at a time; the lock goes when its connection does', async () => {
    const [a, b] = [await instance(), await instance()];
    let release!: () => void;
    let started!: () => void;
    const onA = new Promise<void>((r) => (started = r));
    const running = a.tryExclusive('citizen-1', () => {
      started();
      return new Promise<void>((r) => (release = r));
    });
    await onA;
    expect(await b.tryExclusive('citizen-1', async () => {})).toBe(false);
    expect(await b.tryExclusive('citizen-2', async () => {})).toBe(true);
    release();
    expect(await running).toBe(true);
    expect(await b.tryExclusive('citizen-1', async () => {})).toBe(true);

    // An instance that dies holding a lock: PostgreSQL ends its connection, and the lock with it.
    let heldAfter: boolean | undefined;
    let lost!: () => void;
    const lockLost = new Promise<void>((r) => (lost = r));
    const dying = a.tryExclusive('citizen-3', async (held) => {
      await killLockConnections(database.url);
      await until(() => !held());
      heldAfter = held();
      lost();
    });
    await lockLost;
    expect(heldAfter).toBe(false);
    expect(await b.tryExclusive('citizen-3', async () => {})).toBe(true);
    expect(await dying).toBe(true);
  }, 120_000);

  it('a periodic keyed job runs once per period across instances, even after it has run', async () => {
    const [a, b] = [await instance(), await instance()];
    const runs: string[] = [];
    const handler = async ({ tag }: { tag: string }) => {
      runs.push(tag);
    };
    await a.work('retention', handler);
    await b.work('retention', handler);
    const addRun = () => Promise.all([a, b].map((q) => q.send('retention', { tag: 'run' }, { key: 'run', periodSeconds: 3600 })));
    await addRun();
    await until(() => runs.length === 1);
    // Added again by both once it has run: still the same period, so not added.
    await addRun();
    // Then a job of another key, taken after any job added before it.
    await a.send('retention', { tag: 'marker' }, { key: 'marker' });
    await until(() => runs.includes('marker'));
    expect(runs).toEqual(['run', 'marker']);
    // Their connections back before the next test (the database server is shared).
    await Promise.all([a.stop(), b.stop()]);
  }, 120_000);

  it('gives the job of an instance that died to another once its lease has run out', async () => {
    const [dying, survivor] = [await instance(), await instance()];
    const taken: string[] = [];
    let release!: () => void;
    const hung = new Promise<void>((r) => {
      release = r;
    });
    let started!: () => void;
    const startedOnDying = new Promise<void>((r) => {
      started = r;
    });
    // The first instance takes the job and never finishes it (its process is gone).
    await dying.work('deliveries', async () => {
      taken.push('dying');
      started();
      await hung;
    }, { leaseSeconds: 2 });
    await dying.send('deliveries', { batch: 1 });
    await startedOnDying;
    // The instance takes nothing more from here on (as if its process had been killed), its job still held.
    const stopped = dying.stop();
    await survivor.work('deliveries', async () => {
      taken.push('survivor');
    }, { leaseSeconds: 2 });
    await until(() => taken.includes('survivor'));
    expect(taken).toEqual(['dying', 'survivor']);
    // (Let the stuck handler end, so the stop can finish; the job is no longer its to complete.)
    release();
    await stopped;
  }, 120_000);
});
