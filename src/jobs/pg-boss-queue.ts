import { createHash, randomUUID } from 'node:crypto';
import type { FastifyBaseLogger } from 'fastify';
import pg from 'pg';
import PgBoss from 'pg-boss';
import type { JobQueue, SendOptions, WorkOptions } from './job-queue.js';
import { guardCompletions } from './pg-boss-completions.js';

/**
 * The schema pg-boss keeps its tables in: beside the service's own schema when DATABASE_URL picks one with libpq's
 * `options=-c search_path=…` (so two deployments, or two test files, on one database never share jobs), else `pgboss`.
 */
export function jobSchemaFor(databaseUrl: string): string {
  const options = new URL(databaseUrl).searchParams.get('options') ?? '';
  const schema = /search_path=([A-Za-z_][\w$]*)/.exec(options)?.[1];
  return schema ? `${schema}_jobs` : 'pgboss';
}

/** An advisory lock's 64-bit id for a key: a collision (about 1 in 2^64 per pair of keys held at once) is ignored. */
function lockIdOf(key: string): string {
  return createHash('sha256').update(key).digest().readBigInt64BE(0).toString();
}

/** PostgreSQL's SQLSTATE for a deadlock. */
const DEADLOCK = '40P01';

export interface PgBossQueueOptions {
  connectionString: string;
  /** The PostgreSQL schema pg-boss keeps its tables in (created and migrated by pg-boss at start). */
  schema?: string;
  /** Connections pg-boss keeps (5 when not given). */
  poolSize?: number;
  log: Pick<FastifyBaseLogger, 'error'>;
  /** How often waiting jobs are looked for (pg-boss polls; 0.5 s at the least). */
  pollingSeconds?: number;
  /** How often abandoned jobs (their lease ran out) are made available again. */
  maintenanceSeconds?: number;
  /** Connections that hold the locks of `tryExclusive` (one per exclusive work running at once on this instance). */
  lockConnections?: number;
}

/**
 * Jobs in PostgreSQL with pg-boss (chosen over graphile-worker: see README "Several instances"). Each job is taken by
 * one instance (SELECT … FOR UPDATE SKIP LOCKED inside pg-boss); a job whose instance dies is retried by another once
 * its lease (`leaseSeconds`) has run out. Keyed jobs use the `short` policy: one job per key waits at a time, and
 * any number may run. Not `stately` (one running per key too): pg-boss 10 takes the oldest waiting jobs without
 * looking at the running ones, so a job waiting behind a running job of its key makes every fetch of the queue fail
 * (silently) until that job ends, holding up all the other keys (test/jobs/job-queue.test.ts). Work that must not
 * run twice at once uses `tryExclusive`: a PostgreSQL advisory lock, held by a connection of its own for as long as
 * the work runs, and released by PostgreSQL itself when the instance dies.
 */
export class PgBossQueue implements JobQueue {
  readonly #boss: PgBoss;
  readonly #options: PgBossQueueOptions;
  readonly #created = new Map<string, Promise<void>>();
  /** This instance's workers of each queue, one woken when a job is added here (else they find it at their next poll). */
  readonly #workers = new Map<string, { ids: string[]; next: number }>();
  readonly #locks: pg.Pool;

  constructor(options: PgBossQueueOptions) {
    this.#options = options;
    this.#boss = new PgBoss({
      connectionString: options.connectionString,
      schema: options.schema ?? 'pgboss',
      maintenanceIntervalSeconds: options.maintenanceSeconds ?? 30,
      // The service runs no cron through pg-boss: periodic work is one keyed job per period.
      schedule: false,
      // Its queries are short (a poll, an insert, a completion): a few connections serve every worker of an instance.
      max: options.poolSize ?? 5,
    });
    this.#boss.on('error', (error: Error) => options.log.error({ err: { name: error.name, message: error.message } }, 'job queue error'));
    guardCompletions(options.log);
    // Locks are held while a job runs: idle connections are closed soon, not kept for the next burst.
    this.#locks = new pg.Pool({ connectionString: options.connectionString, max: options.lockConnections ?? 8, idleTimeoutMillis: 1000 });
    // A lock connection that drops loses its locks (see tryExclusive); the pool opens another for the next work.
    this.#locks.on('error', (error) => options.log.error({ err: { name: error.name, message: error.message } }, 'job lock connection lost'));
  }

  async start(): Promise<void> {
    await this.#boss.start();
  }

  async work<T extends object>(queue: string, handler: (data: T) => Promise<void>, options: WorkOptions = {}): Promise<void> {
    await this.#queue(queue, options);
    const workOptions = { batchSize: 1, pollingIntervalSeconds: this.#options.pollingSeconds ?? 1 };
    // `concurrency` workers taking one job each, not one worker taking batches: pg-boss fetches a worker's next batch
    // only once every job of the last has ended, so one long job would hold up the others.
    const workers = await Promise.all(
      Array.from({ length: options.concurrency ?? 1 }, () =>
        this.#boss.work<T>(queue, workOptions, async (jobs) => {
          for (const job of jobs) {
            try {
              await handler(job.data);
            } catch (error) {
              // Failed here, the job is retried (pg-boss then completes only the jobs still active).
              await this.#boss.fail(queue, job.id, { message: (error as Error).message });
            }
          }
        }),
      ),
    );
    this.#workers.set(queue, { ids: workers, next: 0 });
  }

  async send<T extends object>(queue: string, data: T, options: SendOptions = {}): Promise<void> {
    await this.#queue(queue, {});
    // `short` allows one waiting job per key; a job without a key gets a key of its own. A period is pg-boss's
    // throttling slot (by the database's clock): one job per key and slot, whatever its state.
    await this.#boss.send(queue, data, {
      singletonKey: options.key ?? randomUUID(),
      ...(options.key !== undefined && options.periodSeconds ? { singletonSeconds: options.periodSeconds } : {}),
    });
    // One of this instance's workers looks at once (in turn, so an idle one is likely); the others at their next poll.
    const workers = this.#workers.get(queue);
    if (workers) this.#boss.notifyWorker(workers.ids[workers.next++ % workers.ids.length]!);
  }

  async tryExclusive(key: string, work: (held: () => boolean) => Promise<void>): Promise<boolean> {
    const client = await this.#locks.connect();
    let held = true;
    const lost = () => {
      held = false;
    };
    client.on('error', lost);
    // Namespaced by the job schema: two deployments (or test files) on one database never share a lock.
    const lock = [lockIdOf(`${this.#options.schema ?? 'pgboss'}\u0000${key}`)];
    let reusable = false;
    try {
      const { rows } = await client.query<{ taken: boolean }>('SELECT pg_try_advisory_lock($1::bigint) AS taken', lock);
      if (!rows[0]?.taken) {
        reusable = true;
        return false;
      }
      try {
        await work(() => held);
      } finally {
        reusable = await client.query('SELECT pg_advisory_unlock($1::bigint)', lock).then(
          () => held,
          () => false,
        );
      }
      return true;
    } finally {
      client.off('error', lost);
      // A connection in doubt is closed, not reused: closing it releases any lock it still holds.
      client.release(reusable ? undefined : true);
    }
  }

  /** Jobs are in the database and any instance may take them: there is no "this instance's" backlog to wait for. */
  async idle(): Promise<void> {}

  async stop(): Promise<void> {
    await this.#boss.stop({ graceful: true, wait: true });
    await this.#locks.end();
  }

  /**
   * Creates the queue once, with the lease and retries of its first declaration. Creating is idempotent, but two
   * instances creating the same queue at once can deadlock in PostgreSQL: the loser tries again and finds it made.
   */
  #queue(name: string, options: WorkOptions): Promise<void> {
    let created = this.#created.get(name);
    if (!created) {
      const create = () =>
        this.#boss.createQueue(name, {
          name,
          policy: 'short',
          retryLimit: options.retries ?? 2,
          retryDelay: 1,
          expireInSeconds: options.leaseSeconds ?? 15 * 60,
        });
      created = (async () => {
        for (let attempt = 1; ; attempt++) {
          try {
            return await create();
          } catch (error) {
            if ((error as { code?: string }).code !== DEADLOCK || attempt >= 5) throw error;
          }
        }
      })();
      this.#created.set(name, created);
    }
    return created;
  }
}
