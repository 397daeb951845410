/**
 * Work that any instance may take and none takes twice: retention runs (one per period), inbound Zalo events.
 * (Announcement deliveries are claimed from their own table instead: src/announcements/delivery-worker.ts.) In one
 * process (lowdb) the in-process queue below keeps today's behaviour; with PostgreSQL, pg-boss (pg-boss-queue.ts)
 * holds the jobs in the database, and a job whose instance died is given to another once its lease runs out.
 */
export interface JobQueue {
  /**
   * Handles the queue's jobs, at most `concurrency` at a time on this instance. A handler that throws has its job
   * tried again later (at most `retries` times); a job must therefore be safe to run again after a crash.
   */
  work<T extends object>(queue: string, handler: (data: T) => Promise<void>, options?: WorkOptions): Promise<void>;
  /**
   * Adds a job. With `key`, a job of the same key that is still waiting is not added again (one that has started
   * does not count: what it does may need doing again).
   */
  send<T extends object>(queue: string, data: T, options?: SendOptions): Promise<void>;
  /**
   * Runs `work` unless work under the same key is running, on this instance or (PostgreSQL) any other: then `work`
   * is not run and the answer is false. `held()` turns false if the hold was lost while `work` runs (its database
   * connection dropped): work should stop at its next safe point.
   */
  tryExclusive(key: string, work: (held: () => boolean) => Promise<void>): Promise<boolean>;
  /** Resolves when every job added so far on this instance has been handled (tests; in-process only). */
  idle(): Promise<void>;
  /** Takes no new job; resolves when the jobs being handled here have finished. */
  stop(): Promise<void>;
}

export interface SendOptions {
  key?: string;
  /**
   * With `key`: at most one job of that key per period of this many seconds (periods counted from the Unix epoch),
   * even once the first has run: periodic work any instance may add and one does.
   */
  periodSeconds?: number;
}

export interface WorkOptions {
  concurrency?: number;
  /** Tries after the first that failed. */
  retries?: number;
  /**
   * How long one job may take: past this, the job counts as abandoned (its instance died) and is given to another.
   * Must exceed the longest the handler can take.
   */
  leaseSeconds?: number;
}

type Handler = { run: (data: object) => Promise<void>; concurrency: number; retries: number };

/**
 * Jobs in this process's memory, handled in the order they were added: one instance on lowdb. A crash loses the
 * queue itself, so callers keep what matters in storage (deliveries `queued`, journal `received`) and add its jobs
 * again on start-up, as they always have.
 */
export class InProcessJobQueue implements JobQueue {
  readonly #handlers = new Map<string, Handler>();
  readonly #waiting = new Map<string, { data: object; key?: string; tries: number }[]>();
  readonly #running = new Map<string, number>();
  readonly #keys = new Set<string>();
  /** The last period a periodic key was added in. */
  readonly #periods = new Map<string, number>();
  readonly #inFlight = new Set<Promise<void>>();
  readonly #held = new Set<string>();
  #stopping = false;

  async work<T extends object>(queue: string, handler: (data: T) => Promise<void>, options: WorkOptions = {}): Promise<void> {
    this.#handlers.set(queue, { run: handler as (data: object) => Promise<void>, concurrency: options.concurrency ?? 1, retries: options.retries ?? 2 });
    this.#pump(queue);
  }

  async send<T extends object>(queue: string, data: T, options: SendOptions = {}): Promise<void> {
    if (options.key !== undefined) {
      const keyed = `${queue}\u0000${options.key}`;
      if (options.periodSeconds) {
        const period = Math.floor(Date.now() / 1000 / options.periodSeconds);
        if (this.#periods.get(keyed) === period) return;
        this.#periods.set(keyed, period);
      }
      if (this.#keys.has(keyed)) return;
      this.#keys.add(keyed);
    }
    this.#list(queue).push({ data, key: options.key, tries: 0 });
    this.#pump(queue);
  }

  async tryExclusive(key: string, work: (held: () => boolean) => Promise<void>): Promise<boolean> {
    if (this.#held.has(key)) return false;
    this.#held.add(key);
    try {
      await work(() => true);
      return true;
    } finally {
      this.#held.delete(key);
    }
  }

  async idle(): Promise<void> {
    while (this.#inFlight.size) await Promise.allSettled([...this.#inFlight]);
  }

  async stop(): Promise<void> {
    this.#stopping = true;
    await this.idle();
  }

  #list(queue: string) {
    let list = this.#waiting.get(queue);
    if (!list) {
      list = [];
      this.#waiting.set(queue, list);
    }
    return list;
  }

  #pump(queue: string): void {
    const handler = this.#handlers.get(queue);
    const list = this.#list(queue);
    while (handler && !this.#stopping && list.length && (this.#running.get(queue) ?? 0) < handler.concurrency) {
      const job = list.shift()!;
      // A keyed job may be added again once it has started (what it does may need doing again).
      if (job.key !== undefined) this.#keys.delete(`${queue}\u0000${job.key}`);
      this.#running.set(queue, (this.#running.get(queue) ?? 0) + 1);
      const task = handler
        .run(job.data)
        .catch(() => {
          if (job.tries < handler.retries) list.push({ ...job, key: undefined, tries: job.tries + 1 });
        })
        .finally(() => {
          this.#running.set(queue, (this.#running.get(queue) ?? 1) - 1);
          this.#inFlight.delete(task);
          this.#pump(queue);
        });
      this.#inFlight.add(task);
    }
  }
}
