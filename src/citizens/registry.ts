import type { CitizenRecord } from '../storage/records.js';
import type { CitizenRepository } from '../storage/repositories.js';
import { type ChannelId, citizenKey } from './identity.js';

/** A message within this long of the recorded one does not rewrite the citizens file (windows count in hours). */
const INTERACTION_GRANULARITY_MS = 60_000;
/** How long a record this registry read or wrote answers `communeOf`: about one turn. */
const RECENT_MS = 5_000;
/** Citizens remembered for `communeOf` before the memory starts over. */
const RECENT_CAPACITY = 10_000;

/**
 * The one place citizen records are created and their contact facts updated, whatever the channel: every inbound
 * message (privacy-notice hook) and Zalo's follow/unfollow events go through here, so first contact, the last
 * interaction (Zalo's 48-hour / 7-day windows, retention) and consent are recorded the same way everywhere.
 */
export class CitizenRegistry {
  readonly #repo: CitizenRepository;
  #recent = new Map<string, { commune: string | null; atMs: number }>();

  constructor(repo: CitizenRepository) {
    this.#repo = repo;
  }

  get(citizenId: string): Promise<CitizenRecord | undefined> {
    return this.#repo.get(citizenId);
  }

  /**
   * The citizen's commune, to count their question under in the statistics: taken from the record this registry read
   * or wrote in the last few seconds (the same turn's recordInteraction), else read. With PostgreSQL that is one round
   * trip less per message; a commune changed by another instance in those seconds may count one question under the
   * old one.
   */
  async communeOf(citizenId: string): Promise<string | null> {
    const recent = this.#recent.get(citizenId);
    if (recent && Date.now() - recent.atMs <= RECENT_MS) return recent.commune;
    const record = await this.#repo.get(citizenId);
    if (record) this.#remember(record);
    return record?.commune ?? null;
  }

  /**
   * Records a message from the citizen at `at` (the event's time, never later than now), creating the record on
   * first contact; resolves once durable. `read` is the citizen's record as the caller read it already (a chat turn
   * reads it together with its other reads), else it is read now.
   */
  async recordInteraction(
    channel: ChannelId,
    userId: string,
    at: Date,
    read: Promise<CitizenRecord | undefined> = this.#repo.get(citizenKey(channel, userId)),
  ): Promise<CitizenRecord> {
    const existing = await read;
    if (!existing) return this.#create(channel, userId, at, {});
    this.#remember(existing);
    if (interactionIsRecorded(existing.lastInteractionAt, at)) return existing;
    return this.#save({ ...existing, lastInteractionAt: at.toISOString() });
  }

  /**
   * The citizen's commune as a turn knew it without reading the record (its session's copy, see TurnKnowledge), for
   * `communeOf` during the turn.
   */
  knowCommune(citizenId: string, commune: string | null): void {
    this.#remember({ id: citizenId, commune });
  }

  /** The commune of a record this registry read or wrote in the last few seconds; undefined when there is none. */
  recentCommune(citizenId: string): string | null | undefined {
    const recent = this.#recent.get(citizenId);
    return recent && Date.now() - recent.atMs <= RECENT_MS ? recent.commune : undefined;
  }

  /**
   * Zalo follow / unfollow; creates the record when the event comes before any message. Following counts as an
   * interaction for Zalo's sending window; unfollowing does not, and stops announcements until the citizen follows
   * and subscribes again.
   */
  async recordFollowing(channel: ChannelId, userId: string, following: boolean, at: Date): Promise<CitizenRecord> {
    const existing = await this.#repo.get(citizenKey(channel, userId));
    if (!existing) return this.#create(channel, userId, at, { following });
    if (!following) return this.#save({ ...existing, following, subscribed: false, subscribedAt: null });
    return this.#save({ ...existing, following, lastInteractionAt: laterOf(existing.lastInteractionAt, at) });
  }

  /** Changes some fields of an existing record; undefined when the citizen is unknown (e.g. deleted meanwhile). */
  async update(
    citizenId: string,
    change: Partial<Pick<CitizenRecord, 'noticeShownAt' | 'noticeShownFor' | 'consent' | 'commune' | 'subscribed' | 'subscribedAt' | 'following'>>,
  ): Promise<CitizenRecord | undefined> {
    const existing = await this.#repo.get(citizenId);
    if (!existing) return undefined;
    return this.#save({ ...existing, ...change });
  }

  #create(channel: ChannelId, userId: string, at: Date, initial: Partial<CitizenRecord>): Promise<CitizenRecord> {
    const now = at.toISOString();
    return this.#save({
      id: citizenKey(channel, userId),
      channel,
      userId,
      firstSeenAt: now,
      lastInteractionAt: now,
      noticeShownAt: null,
      consent: null,
      // Someone who writes is reachable: Zalo replies to non-followers inside the window, and followers from before
      // the service started never send a follow event.
      following: true,
      commune: null,
      subscribed: false,
      subscribedAt: null,
      ...initial,
    });
  }

  async #save(record: CitizenRecord): Promise<CitizenRecord> {
    await this.#repo.save(record);
    this.#remember(record);
    return record;
  }

  #remember(record: Pick<CitizenRecord, 'id' | 'commune'>): void {
    // Starting over when full is cheaper than LRU bookkeeping; the citizens of the moment are back at their next turn.
    if (this.#recent.size >= RECENT_CAPACITY) this.#recent = new Map();
    this.#recent.set(record.id, { commune: record.commune, atMs: Date.now() });
  }
}

/** Whether a message at `at` leaves `lastInteractionAt` as it is (recordInteraction writes nothing). */
export function interactionIsRecorded(lastInteractionAt: string, at: Date): boolean {
  return at.getTime() - Date.parse(lastInteractionAt) < INTERACTION_GRANULARITY_MS;
}

const laterOf = (iso: string, at: Date) => (Date.parse(iso) > at.getTime() ? iso : at.toISOString());
