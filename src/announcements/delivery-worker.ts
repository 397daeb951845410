import type { FastifyBaseLogger } from 'fastify';
import type { SendResult, ZaloSender } from '../channels/zalo/client.js';
import type { Clock } from '../clock.js';
import type { AnnouncementRecord, CitizenRecord, DeliveryRecord } from '../storage/records.js';
import type { AnnouncementRepository, CitizenRepository, DeliveryRepository } from '../storage/repositories.js';
import { REASON, zaloFailureReason } from './delivery-reasons.js';
import type { PendingWindowIndex } from './pending-window.js';
import type { SentCheck } from './ports.js';
import { isQuiet, type QuietHours } from './quiet-hours.js';
import { insideZaloWindow } from './zalo-window.js';

export interface DeliveryWorkerOptions {
  deliveries: DeliveryRepository;
  citizens: CitizenRepository;
  announcements: AnnouncementRepository;
  /** Null when Zalo is not configured (queued deliveries are then skipped with that reason); else the sender. */
  zalo: ZaloSender | null;
  /** Decides deliveries a crash left `sending` (Zalo's conversation history); null with Zalo off. */
  sentCheck: SentCheck | null;
  clock: Clock;
  quietHours: QuietHours | null;
  /** The text one subscriber receives (it names their commune). */
  textFor: (announcement: AnnouncementRecord, citizen: CitizenRecord) => string;
  pendingWindow: PendingWindowIndex;
  log: Pick<FastifyBaseLogger, 'info' | 'warn'>;
  /** Deliveries claimed (marked `sending`) by one storage write; also the most a crash can leave "not sure if sent". */
  batchSize: number;
  /**
   * How long a delivery may stay `sending` before it counts as interrupted (its instance died) and any instance decides
   * it, checked on every run; longer than a batch can take. Null: this instance alone sends (lowdb), so every delivery
   * `sending` at its start was interrupted, and only then.
   */
  leaseMs: number | null;
  /** Sends in flight at once (the Zalo client paces them to ZALO_MAX_REQUESTS_PER_MINUTE). */
  concurrency?: number;
}

/** Retryable failures (network, Zalo trouble) are tried this many times in all before being reported failed. */
const MAX_ATTEMPTS = 3;
/** A token or configuration problem stops all sending for this long (the console shows the token alert meanwhile). */
const SYSTEMIC_PAUSE_MS = 5 * 60_000;
const RATE_LIMIT_PAUSE_MS = 60_000;
/**
 * The history is read from a little before the `sending` mark: Zalo's clock and ours may differ by this much. Only
 * this delivery ever sends this announcement to this citizen, so reaching further back cannot mistake another send.
 */
const CLOCK_SKEW_MS = 60_000;

/** "Every delivery `sending`": the deadline that decides them all (one instance, at its start). */
const ALL_INTERRUPTED = new Date('9999-01-01T00:00:00Z');

/**
 * Sends the queued Zalo deliveries. The deliveries are the queue: every delivery is a stored record (`queued`) before
 * any worker sees it, and each run claims the next batch in storage (marked `sending`, durable, before any call to
 * Zalo; on PostgreSQL with FOR UPDATE SKIP LOCKED, so instances never take the same one), sends it, and records `sent`
 * / `failed` / `pending_window`. A delivery left `sending` by a crash is decided by Zalo's conversation history: there
 * → `sent`; not there → queued and sent; the history cannot say → reported as interrupted, never sent again. So every
 * subscriber gets the announcement once, and the report says what Zalo received. Nothing is held in memory beyond the
 * batch being sent.
 *
 * Storage is written per batch, not per message: on lowdb the result write of one batch and the claim of the next go
 * out together (the collection coalesces concurrent writes), so 100,000 deliveries cost a few dozen file writes.
 */
export class DeliveryWorker {
  readonly #o: Required<DeliveryWorkerOptions>;
  #running: Promise<void> | null = null;
  /** Kicked since the run last looked for queued deliveries (publishing adds them a chunk at a time). */
  #kicked = false;
  #writes = new Set<Promise<void>>();
  #stopping = false;
  #pausedUntil = 0;

  constructor(options: DeliveryWorkerOptions) {
    this.#o = { ...options, concurrency: options.concurrency ?? 16 };
  }

  /** After a (re)start of the one instance (no lease): every delivery still `sending` was interrupted; decide them. */
  async recover(): Promise<void> {
    if (this.#o.leaseMs === null) await this.#decideInterrupted(ALL_INTERRUPTED);
  }

  /** Sends what may be sent now; resolves when this run ends (nothing queued, quiet hours, paused or stopping). */
  kick(): Promise<void> {
    if (this.#stopping) return Promise.resolve();
    this.#kicked = true;
    this.#running ??= this.#run().finally(() => {
      this.#running = null;
      // Kicked as the run was ending (after its last look): what was added then still needs a run.
      if (this.#kicked) void this.kick();
    });
    return this.#running;
  }

  /** Graceful stop: the batch in flight finishes and is recorded; the rest stays queued for the next start. */
  async stop(): Promise<void> {
    this.#stopping = true;
    await this.#running;
    await Promise.all(this.#writes);
  }

  async #run(): Promise<void> {
    while (!this.#stopping) {
      this.#kicked = false;
      const now = this.#o.clock.now();
      // Zalo unavailable (token, quota): neither send nor read its history until the pause ends.
      if (now.getTime() < this.#pausedUntil) break;
      // Before each batch (a long fan-out is many): what a dead instance left sending, once its lease is over.
      if (this.#o.leaseMs !== null) await this.#decideInterrupted(new Date(now.getTime() - this.#o.leaseMs));
      if (isQuiet(now, this.#o.quietHours)) break;
      const batch = await this.#o.deliveries.claimQueued(this.#o.batchSize, now);
      if (batch.length) await this.#process(batch, now);
      // Nothing left, unless more was added (kicked) while looking: look again.
      else if (!this.#kicked) break;
    }
    await Promise.all(this.#writes);
  }

  /** Decides, a batch at a time, the deliveries left `sending` since before `before`. */
  async #decideInterrupted(before: Date): Promise<void> {
    const decide = (interrupted: DeliveryRecord[]) =>
      mapWithLimit(interrupted, this.#o.concurrency, (d) => this.#decideOne(d));
    for (;;) {
      const decided = await this.#o.deliveries.decideInterrupted(before, this.#o.batchSize, decide);
      if (!decided.length) return;
      const count = (state: DeliveryRecord['state']) => decided.filter((d) => d.state === state).length;
      this.#o.log.warn(
        { interrupted: decided.length, sent: count('sent'), resent: count('queued'), uncertain: count('failed') },
        'deliveries interrupted while sending, decided by the Zalo conversation history',
      );
    }
  }

  /** `sent` when the history shows it, `queued` (to send) when it shows it is not there, else reported interrupted. */
  async #decideOne(delivery: DeliveryRecord): Promise<DeliveryRecord> {
    const [announcement, citizen] = await Promise.all([
      this.#o.announcements.get(delivery.announcementId),
      this.#o.citizens.get(delivery.citizenId),
    ]);
    const since = Date.parse(delivery.updatedAt) - CLOCK_SKEW_MS;
    const seen =
      announcement && citizen && this.#o.sentCheck
        ? await this.#o.sentCheck.wasSent(citizen.userId, this.#o.textFor(announcement, citizen), since).catch(() => null)
        : null;
    const at = this.#o.clock.now().toISOString();
    if (seen === true) return { ...delivery, state: 'sent', reason: REASON.sentBeforeRestart, updatedAt: at };
    // Not sent: queued again as it was before the mark (#process checks withdrawal, subscription and window again).
    if (seen === false) return { ...delivery, state: 'queued', reason: null, updatedAt: at };
    return { ...delivery, state: 'failed', reason: REASON.interrupted, updatedAt: at };
  }

  /** A claimed batch (already `sending`): facts checked again, the rest sent, every result written in one go. */
  async #process(batch: DeliveryRecord[], now: Date): Promise<void> {
    const at = now.toISOString();
    const announcements = new Map<string, AnnouncementRecord | undefined>();
    const settled: DeliveryRecord[] = [];
    const toSend: { record: DeliveryRecord; citizen: CitizenRecord; text: string }[] = [];
    for (const delivery of batch) {
      if (!announcements.has(delivery.announcementId)) {
        announcements.set(delivery.announcementId, await this.#o.announcements.get(delivery.announcementId));
      }
      const announcement = announcements.get(delivery.announcementId);
      const citizen = await this.#o.citizens.get(delivery.citizenId);
      // Not sent: the claim's attempt is given back.
      const settle = (state: DeliveryRecord['state'], reason: string | null) =>
        settled.push({ ...delivery, state, reason, attempts: delivery.attempts - 1, updatedAt: at });
      // Facts may have changed since the delivery was queued (withdrawal, unsubscription, the window): check them now.
      if (!announcement || announcement.status === 'withdrawn') settle('skipped', REASON.withdrawn);
      else if (!citizen) settle('skipped', REASON.citizenGone);
      else if (!citizen.subscribed) settle('skipped', REASON.unsubscribed);
      else if (!this.#o.zalo) settle('skipped', REASON.zaloOff);
      else if (!insideZaloWindow(citizen.lastInteractionAt, now)) {
        settle('pending_window', null);
        this.#o.pendingWindow.add(citizen.id);
      } else {
        toSend.push({ record: delivery, citizen, text: this.#o.textFor(announcement, citizen) });
      }
    }
    const results = await mapWithLimit(toSend, this.#o.concurrency, (item) => this.#send(item.record, item.citizen, item.text));
    // Not recorded (the database went away), the batch stays `sending`: once its lease is over it is decided by the
    // Zalo conversation history like a dead instance's (#decideInterrupted), so nothing is sent twice or lost.
    const write = this.#o.deliveries.update([...settled, ...results]).catch((error: Error) => {
      this.#o.log.warn({ err: { name: error.name, message: error.message }, deliveries: batch.length }, 'delivery results not recorded; decided again after the lease');
    });
    this.#writes.add(write);
    void write.finally(() => this.#writes.delete(write));
  }

  async #send(record: DeliveryRecord, citizen: CitizenRecord, text: string): Promise<DeliveryRecord> {
    let result: SendResult;
    try {
      result = await this.#o.zalo!.sendText(citizen.userId, text);
    } catch (error) {
      result = { ok: false, code: null, kind: 'network', reason: (error as Error).message, retryable: true, sent: 0 };
    }
    const at = this.#o.clock.now().toISOString();
    if (result.ok) return { ...record, state: 'sent', reason: null, updatedAt: at };
    const failed = { ...record, state: 'failed' as const, reason: zaloFailureReason(result.kind, result.reason), updatedAt: at };
    // Part of a long announcement went out: sending again would repeat that part.
    if (result.sent > 0) return failed;
    if (result.kind === 'outside_window') {
      this.#o.pendingWindow.add(citizen.id);
      return { ...record, state: 'pending_window', reason: null, updatedAt: at };
    }
    if (result.kind === 'token' || result.kind === 'configuration') {
      // Nothing can be sent until an admin fixes Zalo: wait, without spending this delivery's attempts.
      this.#pause(SYSTEMIC_PAUSE_MS, result.reason);
      return this.#requeue({ ...record, attempts: record.attempts - 1 }, at);
    }
    if (result.kind === 'rate_limited' && result.retryable) {
      // Zalo's per-minute quota is spent (the client already backed off): resume in the next minute.
      this.#pause(RATE_LIMIT_PAUSE_MS, result.reason);
      return this.#requeue({ ...record, attempts: record.attempts - 1 }, at);
    }
    if (result.retryable && record.attempts < MAX_ATTEMPTS) return this.#requeue(record, at);
    return failed;
  }

  /** Back to the queue, for this or another instance's next claim. */
  #requeue(record: DeliveryRecord, at: string): DeliveryRecord {
    return { ...record, state: 'queued', reason: null, updatedAt: at };
  }

  #pause(ms: number, reason: string): void {
    const until = this.#o.clock.now().getTime() + ms;
    if (until - this.#pausedUntil > 1000) this.#o.log.warn({ reason }, 'Zalo unavailable; announcement delivery paused');
    this.#pausedUntil = until;
  }
}

/** Runs `fn` over `items` with at most `limit` calls in flight; results in input order. */
async function mapWithLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
  return results;
}
