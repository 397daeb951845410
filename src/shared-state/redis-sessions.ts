import type { SharedSessions } from '../engine/session-store.js';
import { type SessionRecord, sessionRecord } from '../storage/records.js';
import type { SharedRedis } from './redis.js';

/** Conversation sessions in Redis, one key each, expiring after the idle period (every turn writes it again). */
export class RedisSessions implements SharedSessions {
  readonly #redis: SharedRedis;

  constructor(redis: SharedRedis) {
    this.#redis = redis;
  }

  async load(key: string): Promise<SessionRecord | undefined> {
    const raw = await this.#redis.client.get(this.#key(key));
    if (raw === null) return undefined;
    // Validated as a stored record is: a session written by an older version or by hand is dropped, not trusted.
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch {
      return undefined;
    }
    const parsed = sessionRecord.safeParse(value);
    return parsed.success ? parsed.data : undefined;
  }

  async save(record: SessionRecord, ttlMs: number): Promise<void> {
    await this.#redis.client.set(this.#key(record.key), JSON.stringify(record), 'PX', ttlMs);
  }

  async delete(key: string): Promise<void> {
    await this.#redis.client.del(this.#key(key));
  }

  #key(key: string): string {
    return `${this.#redis.prefix}session:${key}`;
  }
}
