import { randomUUID } from 'node:crypto';
import type { SharedSessions } from '../engine/session-store.js';
import type { HandoffMarks } from '../handoff/handoff-service.js';
import { schemaStamp } from '../schema-stamp.js';
import { type SessionRecord, sessionRecord } from '../storage/records.js';
import type { SharedRedis } from './redis.js';

/**
 * How long a handoff mark lives: longer than any session can (idle periods are at most a day, and a session is written
 * again at every turn), so a session that recorded "no handoff" under a mark never outlives the mark that replaced it.
 */
const MARK_TTL_MS = 2 * 24 * 60 * 60_000;

/**
 * Conversation sessions in Redis, one key each, expiring after the idle period (every turn writes it again); and each
 * citizen's handoff mark, read with the session, which a handoff request changes (see TurnKnowledge).
 */
export class RedisSessions implements SharedSessions, HandoffMarks {
  readonly #redis: SharedRedis;

  constructor(redis: SharedRedis) {
    this.#redis = redis;
  }

  async load(key: string): Promise<SessionRecord | undefined> {
    return parseSession(await this.#redis.client.get(this.#key(key)));
  }

  async loadWithMark(key: string): Promise<{ record: SessionRecord | undefined; mark: string }> {
    const [raw, mark] = await this.#redis.client.mget(this.#key(key), this.#markKey(key));
    return { record: parseSession(raw ?? null), mark: mark ?? '' };
  }

  async save(record: SessionRecord, ttlMs: number): Promise<void> {
    await this.#redis.client.set(this.#key(record.key), sessionJson(record), 'PX', ttlMs);
  }

  async delete(key: string): Promise<void> {
    await this.#redis.client.del(this.#key(key));
  }

  /** A handoff was stored for the citizen: a value never used before, so no session's "no handoff" matches it. */
  async handoffRequested(key: string): Promise<void> {
    await this.#redis.client.set(this.#markKey(key), randomUUID(), 'PX', MARK_TTL_MS);
  }

  async forgetMark(key: string): Promise<void> {
    await this.#redis.client.del(this.#markKey(key));
  }

  #key(key: string): string {
    return `${this.#redis.prefix}session:${key}`;
  }

  #markKey(key: string): string {
    return `${this.#redis.prefix}handoff-mark:${key}`;
  }
}

/**
 * What this version writes before each session's JSON: the session record's schema stamp. A session that starts
 * with it was written by an instance whose sessions have this very shape (and validated its own record when it read
 * it), so it is read without validating it again — that was a tenth of a turn's cost on PostgreSQL + Redis (run 27).
 * Any other session (an older or newer version's, whatever stamp precedes its JSON; one written by hand) is validated
 * as a stored record is, so that a rolling restart to a version with another stamp keeps the conversations going.
 */
const recordStamp = schemaStamp(sessionRecord);
let prefix: string | undefined;
function schemaPrefix(): string {
  prefix ??= `~${recordStamp()}~`;
  return prefix;
}

function sessionJson(record: SessionRecord): string {
  return schemaPrefix() + JSON.stringify(record);
}

function parseSession(raw: string | null): SessionRecord | undefined {
  if (raw === null) return undefined;
  const ours = raw.startsWith(schemaPrefix());
  let value: unknown;
  try {
    // A stamp is a hash in base64url: the JSON starts at the first brace.
    value = JSON.parse(ours ? raw.slice(schemaPrefix().length) : raw.slice(raw.indexOf('{')));
  } catch {
    return undefined;
  }
  if (ours) return value as SessionRecord;
  // Validated as a stored record is: a session of another shape is dropped, not trusted.
  const parsed = sessionRecord.safeParse(value);
  return parsed.success ? parsed.data : undefined;
}
