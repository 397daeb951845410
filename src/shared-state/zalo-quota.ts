import type { Pool } from 'pg';
import {
  RateLimiterMemory,
  RateLimiterPostgres,
  RateLimiterRedis,
  RateLimiterRes,
  type RateLimiterStoreAbstract,
} from 'rate-limiter-flexible';
import type { SharedQuota } from '../channels/zalo/rate-limiter.js';
import type { SharedRedis } from './redis.js';

/** Zalo counts its quota per minute and per app: one window, one key, for every instance. */
const WINDOW_SECONDS = 60;
const KEY = 'oa';

/**
 * The Zalo OA's per-minute quota of API calls, counted by rate-limiter-flexible (a maintained library that counts
 * atomically in Redis, one Lua script per call, or in PostgreSQL, one upsert per call) instead of a counter of our
 * own. If the store cannot be reached, each instance counts alone in memory (the library's insurance limiter) until
 * it can again: calls go on, paced per instance.
 */
export class LibraryQuota implements SharedQuota {
  readonly #limiter: RateLimiterStoreAbstract;

  constructor(limiter: RateLimiterStoreAbstract) {
    this.#limiter = limiter;
  }

  async take(): Promise<number> {
    try {
      await this.#limiter.consume(KEY);
      return 0;
    } catch (refused) {
      // The library rejects with the quota's state when there is no room (and with an Error only if even its
      // insurance failed).
      if (refused instanceof RateLimiterRes) return Math.max(1, refused.msBeforeNext);
      throw refused;
    }
  }

  async hold(ms: number): Promise<void> {
    try {
      // A block ends in a new window: never sooner than the current window would have ended (its calls still count).
      const current = await this.#limiter.get(KEY);
      await this.#limiter.block(KEY, Math.ceil(Math.max(ms, current?.msBeforeNext ?? 0) / 1000));
    } catch {
      // Never rejects: the library's insurance limiter already stands in while the store is unreachable.
    }
  }
}

const window = (perMinute: number) => ({
  points: perMinute,
  duration: WINDOW_SECONDS,
  insuranceLimiter: new RateLimiterMemory({ points: perMinute, duration: WINDOW_SECONDS }),
});

/** The quota in Redis, under the service's key prefix. */
export function redisZaloQuota(redis: SharedRedis, perMinute: number): SharedQuota {
  return new LibraryQuota(new RateLimiterRedis({ storeClient: redis.client, keyPrefix: `${redis.prefix}zalo-quota`, ...window(perMinute) }));
}

/** The quota in PostgreSQL's `zalo_quota` table (made by the migrations; one row, rewritten each window). */
export function postgresZaloQuota(pool: Pool, perMinute: number): SharedQuota {
  return new LibraryQuota(
    new RateLimiterPostgres({
      storeClient: pool,
      storeType: 'pool',
      tableName: 'zalo_quota',
      tableCreated: true,
      // One key: nothing piles up to be cleared.
      clearExpiredByTimeout: false,
      keyPrefix: 'zalo-quota',
      ...window(perMinute),
    }),
  );
}
