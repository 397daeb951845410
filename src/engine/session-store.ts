import { type ChannelId, citizenKey } from '../citizens/identity.js';
import type { Clock } from '../clock.js';
import type { SessionRecord } from '../storage/records.js';
import type { SessionRepository } from '../storage/repositories.js';
import type { ConversationSession, SessionKnown } from './types.js';

/**
 * Sessions shared by the instances of the service (Redis), so a citizen's next message may land on any instance.
 * Each record expires after the idle period.
 */
export interface SharedSessions {
  load(key: string): Promise<SessionRecord | undefined>;
  /**
   * As `load`, with the citizen's handoff mark read in the same round trip ('' when there is none): a store that has
   * marks lets turns keep what the database showed them in the session (TurnKnowledge).
   */
  loadWithMark?(key: string): Promise<{ record: SessionRecord | undefined; mark: string }>;
  save(record: SessionRecord, ttlMs: number): Promise<void>;
  delete(key: string): Promise<void>;
  /** Deletes the sessions idle since before the date, where records do not expire by themselves. */
  purgeIdleSince?(before: Date): Promise<void>;
}

/**
 * Sessions shared through the database, one record per conversation (PostgreSQL without Redis). The idle period is
 * enforced when a session is read, and the sessions idle longer are deleted at every snapshot tick.
 */
export function storedSessions(repo: Pick<SessionRepository, 'get' | 'save' | 'delete' | 'purgeIdleSince'>): SharedSessions {
  return {
    load: (key) => repo.get(key),
    save: (record) => repo.save(record),
    delete: (key) => repo.delete(key),
    purgeIdleSince: async (before) => {
      await repo.purgeIdleSince(before);
    },
  };
}

/**
 * What a turn may know without reading the database (PostgreSQL + Redis): the session carries what the last turns'
 * reads found (`facts`, which this turn's readers update), and the citizen's handoff mark was read with it. Those facts
 * may be stale: each reader trusts its part only where staleness cannot mislead it — no handoff is trusted only while
 * the mark is the one it was recorded under (every handoff request changes the mark after storing the handoff, and a
 * request is the only way into a pending handoff); the citizen's record only within the minute in which a turn would
 * not write it anyway.
 */
export interface TurnKnowledge {
  facts: SessionKnown;
  handoffMark: string;
  now: Date;
}

/** What the store uses of the session repository: whole snapshots. */
type SnapshotRepository = Pick<SessionRepository, 'loadAll' | 'replaceAll'>;

/**
 * A live session with its last activity in milliseconds, the live value: the check on every message parses no date
 * and a turn formats none (`lastActiveAt` is written from it when the session is written). Beside the session, not in
 * a map keyed by it: with shared sessions each turn may hand the store a fresh copy.
 */
interface Live {
  session: ConversationSession;
  activeMs: number;
}

/**
 * Chat-session state is soft: kept in memory, snapshotted every few seconds when it changed, and dropped after the
 * idle period. A crash loses at most the last snapshot interval of conversation state. With `shared` (several
 * instances) a turn reads the session from there first and writes it back after, and nothing is snapshotted: the
 * shared store holds every session until it has been idle for the idle period.
 */
export class SessionStore {
  readonly #sessions = new Map<string, Live>();
  readonly #shared: SharedSessions | null;
  readonly #repo: SnapshotRepository;
  readonly #clock: Clock;
  readonly #idleMs: number;
  /** The handoff mark read with each session by `refresh`, taken by `knowledge` in the same turn. */
  readonly #marks = new Map<string, string>();
  #dirty = false;
  #timer: NodeJS.Timeout | null = null;

  constructor(options: { repo: SnapshotRepository; clock: Clock; idleMinutes: number; shared?: SharedSessions | null }) {
    this.#repo = options.repo;
    this.#shared = options.shared ?? null;
    this.#clock = options.clock;
    this.#idleMs = options.idleMinutes * 60_000;
  }

  async restore(): Promise<void> {
    if (this.#shared) return;
    for (const session of await this.#repo.loadAll()) {
      const activeMs = Date.parse(session.lastActiveAt);
      if (!this.#expired(activeMs)) this.#sessions.set(session.key, { session, activeMs });
    }
  }

  /** Starts periodic snapshots. */
  startSnapshots(everySeconds: number): void {
    this.#timer = setInterval(() => void this.snapshot(), everySeconds * 1000);
    this.#timer.unref();
  }

  #expired(activeMs: number): boolean {
    return this.#clock.now().getTime() - activeMs > this.#idleMs;
  }

  /** The live session, or a fresh one when there is none or it has been idle too long. */
  get(channel: ChannelId, userId: string): ConversationSession {
    const key = citizenKey(channel, userId);
    const existing = this.#sessions.get(key);
    if (existing && !this.#expired(existing.activeMs)) return existing.session;
    const now = this.#clock.now();
    const iso = now.toISOString();
    const fresh: ConversationSession = {
      key,
      channel,
      userId,
      flow: null,
      lastQuickReplies: [],
      pending: null,
      lastIntent: null,
      startedAt: iso,
      lastActiveAt: iso,
    };
    this.#sessions.set(key, { session: fresh, activeMs: now.getTime() });
    return fresh;
  }

  /**
   * Shared sessions: takes the session as the last instance to handle the citizen left it (or forgets this instance's
   * copy when there is none). Without them the live copy is this instance's already.
   */
  async refresh(key: string): Promise<void> {
    if (!this.#shared) return;
    let record: SessionRecord | undefined;
    if (this.#shared.loadWithMark) {
      const read = await this.#shared.loadWithMark(key);
      record = read.record;
      this.#marks.set(key, read.mark);
    } else {
      record = await this.#shared.load(key);
    }
    if (!record) {
      this.#sessions.delete(key);
      return;
    }
    // Nobody wrote it since this instance did: the live copy stays, with the soft state skills keep beside it
    // (the buttons behind "Khác", when "did it help?" was last asked), which a copy read from the store has not.
    const activeMs = Date.parse(record.lastActiveAt);
    if (this.#sessions.get(key)?.activeMs === activeMs) return;
    const { id: _id, ...session } = record;
    if (this.#expired(activeMs)) this.#sessions.delete(key);
    else this.#sessions.set(key, { session, activeMs });
  }

  /** Whether turns may know things without reading the database (`knowledge`): the shared store has handoff marks. */
  get keepsKnowledge(): boolean {
    return this.#shared?.loadWithMark !== undefined;
  }

  /**
   * After `refresh`: what this turn may know of the database, and where its readers record what they find for the
   * next turns (the session's `known`); undefined when the store keeps no marks.
   */
  knowledge(session: ConversationSession): TurnKnowledge | undefined {
    const handoffMark = this.#marks.get(session.key);
    if (handoffMark === undefined) return undefined;
    this.#marks.delete(session.key);
    session.known ??= {};
    return { facts: session.known, handoffMark, now: this.#clock.now() };
  }

  /** Shared sessions: writes the session after a turn, for whichever instance gets the citizen's next message. */
  async publish(session: ConversationSession): Promise<void> {
    // A session deleted during the turn (the citizen's data erased) is not written back.
    const live = this.#sessions.get(session.key);
    if (this.#shared && live?.session === session) await this.#shared.save(this.#record(live), this.#idleMs);
  }

  peek(key: string): ConversationSession | undefined {
    const live = this.#sessions.get(key);
    return live && !this.#expired(live.activeMs) ? live.session : undefined;
  }

  touch(session: ConversationSession): void {
    const live = this.#sessions.get(session.key);
    // A session dropped during its turn (the citizen's data erased) stays dropped.
    if (live?.session === session) live.activeMs = this.#clock.now().getTime();
    this.#dirty = true;
  }

  async delete(key: string): Promise<void> {
    if (this.#sessions.delete(key)) this.#dirty = true;
    this.#marks.delete(key);
    await this.#shared?.delete(key);
  }

  get size(): number {
    return this.#sessions.size;
  }

  /** Writes live sessions and forgets expired ones (shared: deletes those every instance left idle). */
  async snapshot(force = false): Promise<void> {
    for (const [key, live] of this.#sessions) {
      if (this.#expired(live.activeMs)) {
        this.#sessions.delete(key);
        this.#dirty = true;
      }
    }
    if (this.#shared) {
      await this.#shared.purgeIdleSince?.(new Date(this.#clock.now().getTime() - this.#idleMs));
      return;
    }
    if (!this.#dirty && !force) return;
    this.#dirty = false;
    await this.#repo.replaceAll([...this.#sessions.values()].map((live) => this.#record(live)));
  }

  #record({ session, activeMs }: Live): SessionRecord {
    return { id: session.key, ...session, lastActiveAt: new Date(activeMs).toISOString() };
  }

  async stop(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
    await this.snapshot(true);
  }
}
