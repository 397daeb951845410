import { randomUUID } from 'node:crypto';
import type { FastifyBaseLogger } from 'fastify';
import PgBoss from 'pg-boss';
import type { JobQueue, SendOptions, WorkOptions } from './job-queue.js';

/**
 * The schema pg-boss keeps its tables in: beside the service's own schema when DATABASE_URL picks one with libpq's
 * `options=-c search_path=…` (so two deployments, or two test files, on one database never share jobs), else `pgboss`.
 */
export function jobSchemaFor(databaseUrl: string): string {
  const options = new URL(databaseUrl).searchParams.get('options') ?? '';
  const schema = /search_path=([A-Za-z_][\w$]*)/.exec(options)?.[1];
  return schema ? `${schema}_jobs` : 'pgboss';
}

/** PostgreSQL's SQLSTATE for a deadlock. */
const DEADLOCK = '40P01';

export interface PgBossQueueOptions {
  connectionString: string;
  /** The PostgreSQL schema pg-boss keeps its tables in (created and migrated by pg-boss at start). */
  schema?: string;
  /** Connections pg-boss keeps (its default, 10, when not given). */
  poolSize?: number;
  log: Pick<FastifyBaseLogger, 'error'>;
  /** How often waiting jobs are looked for (pg-boss polls; 0.5 s at the least). */
  pollingSeconds?: number;
  /** How often abandoned jobs (their lease ran out) are made available again. */
  maintenanceSeconds?: number;
}

/**
 * Jobs in PostgreSQL with pg-boss (chosen over graphile-worker: see README "Several instances"). Each job is taken by
 * one instance (SELECT … FOR UPDATE SKIP LOCKED inside pg-boss); a job whose instance dies is retried by another once
 * its lease (`leaseSeconds`) has run out; keyed jobs use the `stately` policy, so one job per key waits at a time.
 */
export class PgBossQueue implements JobQueue {
  readonly #boss: PgBoss;
  readonly #options: PgBossQueueOptions;
  readonly #created = new Map<string, Promise<void>>();

  constructor(options: PgBossQueueOptions) {
    this.#options = options;
    this.#boss = new PgBoss({
      connectionString: options.connectionString,
      schema: options.schema ?? 'pgboss',
      ...(options.poolSize ? { max: options.poolSize } : {}),
      maintenanceIntervalSeconds: options.maintenanceSeconds ?? 30,
      // The service runs no cron through pg-boss: periodic work is one keyed job per period.
      schedule: false,
    });
    this.#boss.on('error', (error: Error) => options.log.error({ err: { name: error.name, message: error.message } }, 'job queue error'));
  }

  async start(): Promise<void> {
    await this.#boss.start();
  }

  async work<T extends object>(queue: string, handler: (data: T) => Promise<void>, options: WorkOptions = {}): Promise<void> {
    await this.#queue(queue, options);
    const workOptions = { batchSize: options.concurrency ?? 1, pollingIntervalSeconds: this.#options.pollingSeconds ?? 1 };
    // One fetch takes up to `concurrency` jobs; they run together and each is completed or failed on its own.
    await this.#boss.work<T>(queue, workOptions, async (jobs) => {
      await Promise.all(
        jobs.map(async (job) => {
          try {
            await handler(job.data);
          } catch (error) {
            // Failed here, the job is retried (pg-boss completes only the batch's jobs still active).
            await this.#boss.fail(queue, job.id, { message: (error as Error).message });
          }
        }),
      );
    });
  }

  async send<T extends object>(queue: string, data: T, options: SendOptions = {}): Promise<void> {
    await this.#queue(queue, {});
    // `stately` allows one waiting job per key; a job without a key gets a key of its own. A period is pg-boss's
    // throttling slot (by the database's clock): one job per key and slot, whatever its state.
    await this.#boss.send(queue, data, {
      singletonKey: options.key ?? randomUUID(),
      ...(options.key !== undefined && options.periodSeconds ? { singletonSeconds: options.periodSeconds } : {}),
    });
  }

  /** Jobs are in the database and any instance may take them: there is no "this instance's" backlog to wait for. */
  async idle(): Promise<void> {}

  async stop(): Promise<void> {
    await this.#boss.stop({ graceful: true, wait: true });
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
          policy: 'stately',
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
