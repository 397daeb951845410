import { createHash, randomUUID } from 'node:crypto';
import type { SessionStore } from '../engine/session-store.js';
import type { ConversationSession } from '../engine/types.js';
import type { CitizenRecord, DeliveryRecord, HandoffRecord, KeptAnswerRecord, UnansweredRecord } from '../storage/records.js';
import type { Storage } from '../storage/repositories.js';
import type { ConsentService } from './consent.js';

/** Everything the service holds about one citizen. */
export interface PersonalDataInventory {
  citizenId: string;
  citizen: CitizenRecord | null;
  /** The running conversation (soft state, gone after the idle period). */
  session: ConversationSession | null;
  keptAnswers: KeptAnswerRecord[];
  unanswered: UnansweredRecord[];
  deliveries: DeliveryRecord[];
  /** Conversations handed to commune staff, with their transcripts and the staff's notes. */
  handoffs: HandoffRecord[];
  /** Zalo events received but not yet handled (their content is dropped once handled). */
  unhandledEvents: number;
  /** Answers waiting for the consent decision (memory only). */
  heldAnswers: number;
}

export function holdsNothing(data: PersonalDataInventory): boolean {
  return (
    !data.citizen &&
    !data.session &&
    !data.keptAnswers.length &&
    !data.unanswered.length &&
    !data.deliveries.length &&
    !data.handoffs.length &&
    !data.unhandledEvents &&
    !data.heldAnswers
  );
}

export interface DeletionReport {
  citizenRecord: boolean;
  session: boolean;
  keptAnswers: number;
  unanswered: number;
  deliveries: number;
  handoffs: number;
  journalEntries: number;
  heldAnswers: number;
}

/**
 * Who asked for a deletion: the citizen in the chat, a staff member on the citizen's request (both audited one by
 * one), or the retention job (audited once per run, with counts).
 */
export type DeletionActor = { kind: 'citizen' } | { kind: 'staff'; username: string } | { kind: 'retention' };

/**
 * What the audit log keeps instead of the citizen id: enough to answer "was my data deleted?" (hash the id and
 * look it up), not enough to list who the service talked to.
 */
export function citizenHash(citizenId: string): string {
  return createHash('sha256').update(citizenId).digest('hex').slice(0, 16);
}

/**
 * The one place that knows every collection holding a citizen's data: viewing and deleting both go through it.
 * A new collection (or in-memory store) holding personal data must be added to `inventory` and `deletePersonalData`.
 */
export class PersonalDataService {
  readonly #storage: Storage;
  readonly #sessions: SessionStore;
  readonly #consent: ConsentService;
  readonly #now: () => Date;
  readonly #forgetHandoffs: (citizenId: string) => Promise<void> | void;

  constructor(options: {
    storage: Storage;
    sessions: SessionStore;
    consent: ConsentService;
    now: () => Date;
    /** Before the citizen's handoffs are deleted: the staff inbox is told they are gone. */
    forgetHandoffs?: (citizenId: string) => Promise<void> | void;
  }) {
    this.#storage = options.storage;
    this.#sessions = options.sessions;
    this.#consent = options.consent;
    this.#now = options.now;
    this.#forgetHandoffs = options.forgetHandoffs ?? (() => {});
  }

  async inventory(citizenId: string): Promise<PersonalDataInventory> {
    const { citizens, keptAnswers, unanswered, deliveries, journal, handoffs } = this.#storage;
    await this.#sessions.refresh(citizenId);
    const [citizen, kept, questions, sent, unhandled, handedOver] = await Promise.all([
      citizens.get(citizenId),
      keptAnswers.forCitizen(citizenId),
      unanswered.list(),
      deliveries.forCitizen(citizenId),
      journal.unfinished(),
      handoffs.forCitizen(citizenId),
    ]);
    return {
      citizenId,
      citizen: citizen ?? null,
      session: this.#sessions.peek(citizenId) ?? null,
      keptAnswers: kept,
      unanswered: questions.filter((q) => q.citizenId === citizenId),
      deliveries: sent,
      handoffs: handedOver,
      unhandledEvents: unhandled.filter((e) => e.citizenId === citizenId).length,
      heldAnswers: this.#consent.heldCount(citizenId),
    };
  }

  /**
   * Deletes everything about the citizen from every collection; the Zalo journal keeps only the event hashes that
   * exactly-once delivery needs. Resolves once the deletion is on disk. The audit entry names the citizen only by
   * hash.
   */
  async deletePersonalData(citizenId: string, actor: DeletionActor): Promise<DeletionReport> {
    const { citizens, keptAnswers, unanswered, deliveries, journal, handoffs, audit } = this.#storage;
    const hadCitizen = (await citizens.get(citizenId)) !== undefined;
    await this.#sessions.refresh(citizenId);
    const hadSession = this.#sessions.peek(citizenId) !== undefined;
    const heldAnswers = this.#consent.heldCount(citizenId);
    this.#consent.forget(citizenId);
    await this.#sessions.delete(citizenId);
    await this.#forgetHandoffs(citizenId);
    const [kept, questions, sent, handedOver, events] = await Promise.all([
      keptAnswers.deleteForCitizen(citizenId),
      unanswered.deleteForCitizen(citizenId),
      deliveries.deleteForCitizen(citizenId),
      handoffs.deleteForCitizen(citizenId),
      journal.forgetCitizen(citizenId),
      citizens.delete(citizenId),
      // The snapshot file must not keep the conversation until the next periodic snapshot.
      this.#sessions.snapshot(),
    ]);
    const report: DeletionReport = {
      citizenRecord: hadCitizen,
      session: hadSession,
      keptAnswers: kept,
      unanswered: questions,
      deliveries: sent,
      handoffs: handedOver,
      journalEntries: events,
      heldAnswers,
    };
    if (actor.kind === 'retention') return report;
    await audit.append({
      id: randomUUID(),
      at: this.#now().toISOString(),
      actor: actor.kind === 'staff' ? actor.username : 'citizen',
      action: 'personal_data.delete',
      target: `citizen:${citizenHash(citizenId)}`,
      details: { ...report },
    });
    return report;
  }
}
