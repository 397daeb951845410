import { randomUUID } from 'node:crypto';
import type { Clock } from '../clock.js';
import type { PersonalDataService } from '../privacy/personal-data.js';
import type { RetentionPeriods } from '../privacy/retention-periods.js';
import type { Storage } from '../storage/repositories.js';

const DAY_MS = 24 * 60 * 60 * 1000;
/** Idle citizens are deleted this many at a time, so their file writes are grouped without holding all at once. */
const DELETION_BATCH = 200;

export interface RetentionReport {
  idleCitizens: number;
  keptAnswers: number;
  unanswered: number;
  deliveries: number;
  handoffs: number;
  auditEntries: number;
  journalHashes: number;
  staffSessions: number;
}

/**
 * Enforces the retention periods: drops kept answers, unanswered questions, finished deliveries, closed handoffs, audit entries and
 * journal hashes past their periods; forgets citizens idle beyond the period, except those subscribed to
 * announcements (a standing request that needs their record) or with answers kept with consent (kept for their own
 * period); then compacts the data files. Each run reads
 * "now" from the injected clock; tests call `tick()` directly.
 */
export class RetentionJob {
  readonly #storage: Storage;
  readonly #personalData: PersonalDataService;
  readonly #clock: Clock;
  readonly #periods: RetentionPeriods;
  #timer: NodeJS.Timeout | null = null;
  #running: Promise<RetentionReport> | null = null;

  constructor(options: { storage: Storage; personalData: PersonalDataService; clock: Clock; periods: RetentionPeriods }) {
    this.#storage = options.storage;
    this.#personalData = options.personalData;
    this.#clock = options.clock;
    this.#periods = options.periods;
  }

  /**
   * Asks for a run now and then every `everyMinutes`: `ask` adds the period's run to the job queue, whose handler
   * calls tick(), so that of several instances one runs each period. A run still going is not doubled.
   */
  start(everyMinutes: number, ask: () => Promise<void>, onError: (error: unknown) => void): void {
    const run = () => {
      ask().catch(onError);
    };
    run();
    this.#timer = setInterval(run, everyMinutes * 60_000);
    this.#timer.unref();
  }

  async stop(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
    await this.#running?.catch(() => undefined);
  }

  tick(): Promise<RetentionReport> {
    this.#running ??= this.#run().finally(() => {
      this.#running = null;
    });
    return this.#running;
  }

  async #run(): Promise<RetentionReport> {
    const now = this.#clock.now();
    const daysAgo = (days: number) => new Date(now.getTime() - days * DAY_MS);
    const s = this.#storage;

    // Purges first: a citizen whose kept answers just expired can then be forgotten in the same run.
    const [keptAnswers, unanswered, deliveries, handoffs, auditEntries, journalHashes, staffSessions] = await Promise.all([
      s.keptAnswers.purgeBefore(daysAgo(this.#periods.keptAnswersDays)),
      s.unanswered.purgeBefore(daysAgo(this.#periods.keptAnswersDays)),
      s.deliveries.purgeFinishedBefore(daysAgo(this.#periods.auditDays)),
      s.handoffs.purgeClosedBefore(daysAgo(this.#periods.handoffDays)),
      s.audit.purgeBefore(daysAgo(this.#periods.auditDays)),
      s.journal.purgeBefore(daysAgo(this.#periods.journalHashDays)),
      s.staffSessions.purgeExpired(now),
    ]);
    const idleCitizens = await this.#forgetIdleCitizens(daysAgo(this.#periods.idleCitizenDays));
    const report: RetentionReport = {
      idleCitizens,
      keptAnswers,
      unanswered,
      deliveries,
      handoffs,
      auditEntries,
      journalHashes,
      staffSessions,
    };
    if (Object.values(report).some((n) => n > 0)) {
      await s.audit.append({
        id: randomUUID(),
        at: now.toISOString(),
        actor: 'retention',
        action: 'retention.purge',
        target: 'all',
        details: { ...report },
      });
    }
    await s.compact();
    return report;
  }

  /** Idle citizens who neither receive announcements nor have answers kept with their consent. */
  async #forgetIdleCitizens(before: Date): Promise<number> {
    const candidates = (await this.#storage.citizens.idleSince(before)).filter((c) => !c.subscribed);
    let forgotten = 0;
    for (let i = 0; i < candidates.length; i += DELETION_BATCH) {
      await Promise.all(
        candidates.slice(i, i + DELETION_BATCH).map(async (c) => {
          if ((await this.#storage.keptAnswers.forCitizen(c.id)).length) return;
          await this.#personalData.deletePersonalData(c.id, { kind: 'retention' });
          forgotten++;
        }),
      );
    }
    return forgotten;
  }
}
