import type {
  AnnouncementRecord,
  AuditRecord,
  CitizenRecord,
  DeliveryRecord,
  HandoffRecord,
  JournalRecord,
  KeptAnswerRecord,
  KnowledgeDraftRecord,
  SessionRecord,
  StaffRecord,
  StaffSessionRecord,
  StatMeasure,
  StatRecord,
  TokenRecord,
  UnansweredRecord,
} from './records.js';

/**
 * What the rest of the service may ask of storage, one small interface per collection. Every method is async and
 * a write resolves only when it is durable: the embedded adapter (lowdb/) and the PostgreSQL one (postgres/) keep the
 * same contracts (test/storage/contract.test.ts runs the same tests on both).
 */
export interface SessionRepository {
  loadAll(): Promise<SessionRecord[]>;
  /** Snapshot of soft chat-session state (replaces the previous snapshot). */
  replaceAll(records: SessionRecord[]): Promise<void>;
  /**
   * One conversation by its key (`id`, the citizen key): for instances sharing the state of conversations, where a
   * snapshot of one instance's sessions would replace the others'.
   */
  get(key: string): Promise<SessionRecord | undefined>;
  save(record: SessionRecord): Promise<void>;
  delete(key: string): Promise<void>;
  /** Deletes the conversations whose last activity is before the date; returns how many. */
  purgeIdleSince(before: Date): Promise<number>;
  /**
   * Whether other processes may use the same sessions (PostgreSQL: several instances, or one starting while another
   * stops): conversations are then kept one record each (get/save/delete), never as one instance's snapshot.
   */
  readonly sharedByInstances: boolean;
}

export interface CitizenRepository {
  get(id: string): Promise<CitizenRecord | undefined>;
  save(citizen: CitizenRecord): Promise<void>;
  /** Subscribed citizens of the given communes ("all": every commune). */
  subscribersOf(communes: readonly string[] | 'all'): Promise<CitizenRecord[]>;
  /** Every citizen of the given communes, subscribed or not (announcement reports count the unsubscribed). */
  inCommunes(communes: readonly string[] | 'all'): Promise<CitizenRecord[]>;
  /** The same citizens, `size` at a time: a fan-out to 100,000 never holds them all (PostgreSQL). */
  inCommunesChunks(communes: readonly string[] | 'all', size: number): AsyncIterable<CitizenRecord[]>;
  countSubscribers(): Promise<number>;
  delete(id: string): Promise<void>;
  /** Citizens whose last interaction is older than the date (retention). */
  idleSince(before: Date): Promise<CitizenRecord[]>;
}

export interface JournalRepository {
  /** Records the event unless its id is already known; true when it is new. */
  recordIfNew(entry: Omit<JournalRecord, 'state' | 'outcome' | 'pendingReplies'>): Promise<boolean>;
  /**
   * Moves an entry on; "replying" keeps the replies being sent; "done" drops the event, the replies and who sent it,
   * keeping only the hash.
   */
  advance(id: string, state: JournalRecord['state'], outcome?: string, pendingReplies?: JournalRecord['pendingReplies']): Promise<void>;
  unfinished(): Promise<JournalRecord[]>;
  /** One citizen's unfinished entries, at most `limit`, in the order received. */
  unfinishedOf(citizenId: string, limit: number): Promise<JournalRecord[]>;
  forgetCitizen(citizenId: string): Promise<number>;
  purgeBefore(before: Date): Promise<number>;
}

export interface AnnouncementRepository {
  save(announcement: AnnouncementRecord): Promise<void>;
  get(id: string): Promise<AnnouncementRecord | undefined>;
  /** Newest first; `communes` limits to those addressed to any of them (or to "all"). */
  list(filter: { communes?: readonly string[]; status?: AnnouncementRecord['status'][]; limit?: number }): Promise<
    AnnouncementRecord[]
  >;
  dueBy(at: Date): Promise<AnnouncementRecord[]>;
  /**
   * Saves the announcement only if the stored one still equals `expected`, in one atomic step (compare and set): of
   * several instances making the same change (taking a due announcement), one wins. True when saved.
   */
  saveIf(announcement: AnnouncementRecord, expected: AnnouncementRecord): Promise<boolean>;
}

export interface DeliveryRepository {
  /** Adds the deliveries whose id is not yet known (idempotent); returns how many were new. */
  enqueue(records: DeliveryRecord[]): Promise<number>;
  update(records: DeliveryRecord[]): Promise<void>;
  forAnnouncement(announcementId: string): Promise<DeliveryRecord[]>;
  inState(states: DeliveryRecord['state'][], limit?: number): Promise<DeliveryRecord[]>;
  forCitizen(citizenId: string, states?: DeliveryRecord['state'][]): Promise<DeliveryRecord[]>;
  deleteForCitizen(citizenId: string): Promise<number>;
  /**
   * Takes up to `limit` queued Zalo deliveries, first queued first, and marks them `sending` at `at` (attempts + 1)
   * in one durable write; returns them as marked. Two callers, of one instance or of two, never take the same one.
   */
  claimQueued(limit: number, at: Date): Promise<DeliveryRecord[]>;
  /**
   * Hands up to `limit` deliveries left `sending` since before `before` (their sender died) to `decide`, and stores
   * what it returns. While `decide` runs no other caller gets them (PostgreSQL: their rows stay locked); should the
   * caller die meanwhile, they stay as they were, for another to decide.
   */
  decideInterrupted(
    before: Date,
    limit: number,
    decide: (interrupted: DeliveryRecord[]) => Promise<DeliveryRecord[]>,
  ): Promise<DeliveryRecord[]>;
  /** Withdrawal: the announcement's deliveries still `queued` or `pending_window` become `skipped`; returns how many. */
  skipWaiting(announcementId: string, reason: string, at: Date): Promise<number>;
  /** Retention: drops finished deliveries (sent, failed, skipped) last updated before the date. */
  purgeFinishedBefore(before: Date): Promise<number>;
}

export interface StaffRepository {
  get(username: string): Promise<StaffRecord | undefined>;
  list(): Promise<StaffRecord[]>;
  save(staff: StaffRecord): Promise<void>;
  delete(username: string): Promise<void>;
}

export interface StaffSessionRepository {
  get(id: string): Promise<StaffSessionRecord | undefined>;
  save(session: StaffSessionRecord): Promise<void>;
  delete(id: string): Promise<void>;
  deleteForUser(username: string): Promise<number>;
  purgeExpired(at: Date): Promise<number>;
}

export interface AuditRepository {
  append(entry: AuditRecord): Promise<void>;
  /** Newest first. */
  list(options: { limit: number; before?: string }): Promise<AuditRecord[]>;
  purgeBefore(before: Date): Promise<number>;
}

export interface TokenRepository {
  get(): Promise<TokenRecord | undefined>;
  save(token: TokenRecord): Promise<void>;
}

export interface KeptAnswerRepository {
  add(answer: KeptAnswerRecord): Promise<void>;
  /**
   * Keeps `answer` in place of the citizen's kept answer with the same id, in one atomic write (added when there is
   * none): a corrected self-assessment keeps the id of the result it corrects, so the citizen's kept answers hold the
   * corrected one only, and still the earlier one should the write fail. True when an earlier answer was replaced.
   * Rejects, changing nothing, when the id is another citizen's answer.
   */
  replace(answer: KeptAnswerRecord): Promise<boolean>;
  forCitizen(citizenId: string): Promise<KeptAnswerRecord[]>;
  deleteForCitizen(citizenId: string): Promise<number>;
  purgeBefore(before: Date): Promise<number>;
}

export interface UnansweredRepository {
  add(entry: UnansweredRecord): Promise<void>;
  list(): Promise<UnansweredRecord[]>;
  deleteForCitizen(citizenId: string): Promise<number>;
  purgeBefore(before: Date): Promise<number>;
}

/** One addition to a statistics counter (created at zero when new). */
export interface StatIncrement {
  week: string;
  commune: string;
  measure: StatMeasure;
  key: string;
  count: number;
  seconds?: number;
}

/**
 * Programme statistics: counters keyed by ISO week × commune × measure × key (no personal data). An adapter adds
 * atomically (PostgreSQL: INSERT … ON CONFLICT DO UPDATE SET count = count + excluded.count).
 */
export interface StatsRepository {
  add(increments: readonly StatIncrement[]): Promise<void>;
  /** The counters of the weeks `fromWeek`..`toWeek` (inclusive) of the communes ("all": every commune and ""). */
  between(fromWeek: string, toWeek: string, communes: readonly string[] | 'all'): Promise<StatRecord[]>;
}

export interface HandoffRepository {
  get(id: string): Promise<HandoffRecord | undefined>;
  /** Creates or replaces the whole record (status, transcript). */
  save(handoff: HandoffRecord): Promise<void>;
  /**
   * Replaces the record only if the stored one is still at `readRevision` (absent counts as 0), as one atomic step;
   * false when another write came first (the caller reads it again and redoes its change).
   */
  saveIfUnchanged(handoff: HandoffRecord, readRevision: number): Promise<boolean>;
  /** Waiting and open handoffs (the sweeper's). */
  active(): Promise<HandoffRecord[]>;
  /** The citizen's waiting or open handoff and their closed ones still holding replies (read on every turn). */
  pendingFor(citizenId: string): Promise<HandoffRecord[]>;
  /** Newest first, of the given statuses; `communes` limits to those communes. */
  list(filter: { statuses: HandoffRecord['status'][]; communes?: readonly string[]; limit?: number }): Promise<HandoffRecord[]>;
  forCitizen(citizenId: string): Promise<HandoffRecord[]>;
  deleteForCitizen(citizenId: string): Promise<number>;
  /** Retention: drops closed handoffs closed before the date. */
  purgeClosedBefore(before: Date): Promise<number>;
}

export interface KnowledgeDraftRepository {
  add(draft: KnowledgeDraftRecord): Promise<void>;
  /** Newest first. */
  list(): Promise<KnowledgeDraftRecord[]>;
  delete(id: string): Promise<boolean>;
}

export interface Storage {
  sessions: SessionRepository;
  citizens: CitizenRepository;
  journal: JournalRepository;
  announcements: AnnouncementRepository;
  deliveries: DeliveryRepository;
  staff: StaffRepository;
  staffSessions: StaffSessionRepository;
  audit: AuditRepository;
  tokens: TokenRepository;
  keptAnswers: KeptAnswerRepository;
  unanswered: UnansweredRepository;
  stats: StatsRepository;
  handoffs: HandoffRepository;
  knowledgeDrafts: KnowledgeDraftRepository;
  /** Wait until every write so far is on disk. */
  flush(): Promise<void>;
  /** Rewrite every data file from memory (retention job: drops the space of deleted records). */
  compact(): Promise<void>;
  /** Resolves when the store answers (the database is reachable), rejects otherwise: /health. */
  ping(): Promise<void>;
  /** Flush, then release files and connections; nothing may be called after. */
  close(): Promise<void>;
}
