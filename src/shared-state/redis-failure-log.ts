import { randomBytes } from 'node:crypto';
import type { FailureLog } from '../staff/login-throttle.js';
import type { SharedRedis } from './redis.js';

/**
 * The login throttle's failed tries in Redis, one sorted set per key (score: the time of the failure), so every
 * instance counts every failure. Sets expire a window after their last failure.
 */
export class RedisFailureLog implements FailureLog {
  readonly #redis: SharedRedis;

  constructor(redis: SharedRedis) {
    this.#redis = redis;
  }

  async recent(key: string, since: number): Promise<number[]> {
    const scores = await this.#redis.client.zrangebyscore(this.#key(key), since, '+inf', 'WITHSCORES');
    // [member, score, member, score, …]
    return scores.filter((_, i) => i % 2 === 1).map(Number);
  }

  async add(keys: readonly string[], at: number, windowMs: number): Promise<void> {
    const batch = this.#redis.client.multi();
    for (const key of keys) {
      const name = this.#key(key);
      // Two failures in the same millisecond are two failures: the member carries a random suffix.
      batch.zadd(name, at, `${at}:${randomBytes(4).toString('hex')}`);
      batch.zremrangebyscore(name, '-inf', `(${at - windowMs}`);
      batch.pexpire(name, windowMs);
    }
    await batch.exec();
  }

  async clear(key: string): Promise<void> {
    await this.#redis.client.del(this.#key(key));
  }

  #key(key: string): string {
    return `${this.#redis.prefix}login-failures:${key}`;
  }
}
