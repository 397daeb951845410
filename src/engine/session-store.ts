import { type ChannelId, citizenKey } from '../citizens/identity.js';
import type { Clock } from '../clock.js';
import type { SessionRepository } from '../storage/repositories.js';
import type { ConversationSession } from './types.js';

/** What the store uses of the session repository: whole snapshots. */
type SnapshotRepository = Pick<SessionRepository, 'loadAll' | 'replaceAll'>;

/**
 * Chat-session state is soft: kept in memory, snapshotted every few seconds when it changed, and dropped after the
 * idle period. A crash loses at most the last snapshot interval of conversation state.
 */
export class SessionStore {
  readonly #sessions = new Map<string, ConversationSession>();
  readonly #repo: SnapshotRepository;
  readonly #clock: Clock;
  readonly #idleMs: number;
  /**
   * Last activity in milliseconds, the live value: the check on every message parses no date and a turn formats
   * none; `lastActiveAt` is written from it at each snapshot.
   */
  readonly #activeMs = new WeakMap<ConversationSession, number>();
  #dirty = false;
  #timer: NodeJS.Timeout | null = null;

  constructor(options: { repo: SnapshotRepository; clock: Clock; idleMinutes: number }) {
    this.#repo = options.repo;
    this.#clock = options.clock;
    this.#idleMs = options.idleMinutes * 60_000;
  }

  async restore(): Promise<void> {
    for (const session of await this.#repo.loadAll()) {
      if (!this.#expired(session)) this.#sessions.set(session.key, session);
    }
  }

  /** Starts periodic snapshots. */
  startSnapshots(everySeconds: number): void {
    this.#timer = setInterval(() => void this.snapshot(), everySeconds * 1000);
    this.#timer.unref();
  }

  #lastActive(session: ConversationSession): number {
    return this.#activeMs.get(session) ?? Date.parse(session.lastActiveAt);
  }

  #expired(session: ConversationSession): boolean {
    return this.#clock.now().getTime() - this.#lastActive(session) > this.#idleMs;
  }

  /** The live session, or a fresh one when there is none or it has been idle too long. */
  get(channel: ChannelId, userId: string): ConversationSession {
    const key = citizenKey(channel, userId);
    const existing = this.#sessions.get(key);
    if (existing && !this.#expired(existing)) return existing;
    const now = this.#clock.now().toISOString();
    const fresh: ConversationSession = {
      key,
      channel,
      userId,
      flow: null,
      lastQuickReplies: [],
      pending: null,
      lastIntent: null,
      startedAt: now,
      lastActiveAt: now,
    };
    this.#sessions.set(key, fresh);
    return fresh;
  }

  peek(key: string): ConversationSession | undefined {
    const session = this.#sessions.get(key);
    return session && !this.#expired(session) ? session : undefined;
  }

  touch(session: ConversationSession): void {
    this.#activeMs.set(session, this.#clock.now().getTime());
    this.#dirty = true;
  }

  delete(key: string): void {
    if (this.#sessions.delete(key)) this.#dirty = true;
  }

  get size(): number {
    return this.#sessions.size;
  }

  /** Writes live sessions and forgets expired ones. */
  async snapshot(force = false): Promise<void> {
    for (const [key, session] of this.#sessions) {
      if (this.#expired(session)) {
        this.#sessions.delete(key);
        this.#dirty = true;
      }
    }
    if (!this.#dirty && !force) return;
    this.#dirty = false;
    await this.#repo.replaceAll(
      [...this.#sessions.values()].map((s) => ({ id: s.key, ...s, lastActiveAt: new Date(this.#lastActive(s)).toISOString() })),
    );
  }

  async stop(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
    await this.snapshot(true);
  }
}
