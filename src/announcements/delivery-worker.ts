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
  /** Deliveries marked `sending` by one storage write; also the most a crash can leave "not sure if sent". */
  batchSize: number;
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

/**
 * The durable delivery queue for Zalo. Every delivery is already a stored record (`queued`) before this worker sees
 * it. For each batch it first writes `sending` (durable) and only then calls Zalo, then records `sent` / `failed` /
 * `pending_window`. After a crash, each record still `sending` is decided by Zalo's conversation history: there →
 * `sent`; not there → queued and sent; the history cannot say → reported as interrupted, never sent again. So every
 * subscriber gets the announcement once, and the report says what Zalo received.
 *
 * Storage is written per batch, not per message: the result write of one batch and the `sending` mark of the next
 * go out together (the collection coalesces concurrent writes), so 100,000 deliveries cost a few dozen file writes.
 */
export class DeliveryWorker {
  readonly #o: Required<DeliveryWorkerOptions>;
  #queue: DeliveryRecord[] = [];
  #head = 0;
  #running: Promise<void> | null = null;
  #writes = new Set<Promise<void>>();
  #stopping = false;
  #pausedUntil = 0;

  constructor(options: DeliveryWorkerOptions) {
    this.#o = { ...options, concurrency: options.concurrency ?? 16 };
  }

  /**
   * After a (re)start: interrupted sends are decided by Zalo's conversation history, queued ones resumed. Only the
   * process that owns the deliveries may call this (one instance on lowdb; see the job queue with PostgreSQL).
   */
  async recover(): Promise<void> {
    const interrupted = await this.#o.deliveries.inState(['sending']);
    if (interrupted.length) {
      const decided = await mapWithLimit(interrupted, this.#o.concurrency, (d) => this.#decideInterrupted(d));
      await this.#o.deliveries.update(decided);
      const count = (state: DeliveryRecord['state']) => decided.filter((d) => d.state === state).length;
      this.#o.log.warn(
        { interrupted: decided.length, sent: count('sent'), resent: count('queued'), uncertain: count('failed') },
        'deliveries interrupted while sending, decided by the Zalo conversation history',
      );
    }
    this.add(await this.#o.deliveries.inState(['queued']));
  }

  /** `sent` when the history shows it, `queued` (to send) when it shows it is not there, else reported interrupted. */
  async #decideInterrupted(delivery: DeliveryRecord): Promise<DeliveryRecord> {
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

  /** Queued deliveries already stored. */
  add(records: readonly DeliveryRecord[]): void {
    for (const record of records) if (record.state === 'queued' && record.channel === 'zalo') this.#queue.push(record);
  }

  /** Drops the queued deliveries of a withdrawn announcement (their records are updated by the caller). */
  forget(announcementId: string): void {
    this.#queue = this.#queue.slice(this.#head).filter((d) => d.announcementId !== announcementId);
    this.#head = 0;
  }

  get queued(): number {
    return this.#queue.length - this.#head;
  }

  /** Sends what may be sent now; resolves when this run ends (queue empty, quiet hours, paused or stopping). */
  kick(): Promise<void> {
    if (this.#stopping) return Promise.resolve();
    this.#running ??= this.#run().finally(() => {
      this.#running = null;
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
    while (!this.#stopping && this.queued > 0) {
      const now = this.#o.clock.now();
      if (now.getTime() < this.#pausedUntil || isQuiet(now, this.#o.quietHours)) break;
      await this.#process(this.#take(), now);
    }
    await Promise.all(this.#writes);
  }

  #take(): DeliveryRecord[] {
    const batch = this.#queue.slice(this.#head, this.#head + this.#o.batchSize);
    this.#head += batch.length;
    // Drop what was taken, so those records can be collected during a long delivery.
    if (this.#head >= 10_000) {
      this.#queue = this.#queue.slice(this.#head);
      this.#head = 0;
    }
    return batch;
  }

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
      const settle = (state: DeliveryRecord['state'], reason: string | null) =>
        settled.push({ ...delivery, state, reason, updatedAt: at });
      // Facts may have changed since the delivery was queued (quiet hours, a pause): check them again now.
      if (!announcement || announcement.status === 'withdrawn') settle('skipped', REASON.withdrawn);
      else if (!citizen) settle('skipped', REASON.citizenGone);
      else if (!citizen.subscribed) settle('skipped', REASON.unsubscribed);
      else if (!this.#o.zalo) settle('skipped', REASON.zaloOff);
      else if (!insideZaloWindow(citizen.lastInteractionAt, now)) {
        settle('pending_window', null);
        this.#o.pendingWindow.add(citizen.id);
      } else {
        const record = { ...delivery, state: 'sending' as const, attempts: delivery.attempts + 1, updatedAt: at };
        toSend.push({ record, citizen, text: this.#o.textFor(announcement, citizen) });
      }
    }
    // Durable before any call to Zalo: a crash from here on can leave "sending", never a silent resend.
    await this.#o.deliveries.update([...settled, ...toSend.map((s) => s.record)]);

    const results = await mapWithLimit(toSend, this.#o.concurrency, (item) => this.#send(item.record, item.citizen, item.text));
    const write = this.#o.deliveries.update(results);
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

  #requeue(record: DeliveryRecord, at: string): DeliveryRecord {
    const queued = { ...record, state: 'queued' as const, reason: null, updatedAt: at };
    this.#queue.push(queued);
    return queued;
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
