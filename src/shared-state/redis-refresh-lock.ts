import { randomBytes } from 'node:crypto';
import type { FastifyBaseLogger } from 'fastify';
import { type RefreshLease, type RefreshLock, TokenRefreshError } from '../channels/zalo/token-manager.js';
import type { SharedRedis } from './redis.js';

/** Longer than a token request (15 s) and its margin, so a live holder never loses the lock mid-request. */
const LEASE_MS = 60_000;
const POLL_MS = 100;
/** How long an instance waits for another's refresh before giving up this try (the caller retries later). */
const WAIT_MS = 45_000;

const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;
/** The lease's remaining milliseconds if this holder still has it, else -1. */
const REMAINING = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PTTL', KEYS[1]) end return -1`;

/**
 * The Zalo token refresh lock across instances: SET NX with a random value and a lease. Each acquisition takes the
 * next number of a counter (the fence, logged with the refresh); before the single-use refresh token is spent the
 * holder checks that the lock is still its own for longer than the request can take, so a holder that stalled past
 * its lease gives up instead of racing the next holder. If an instance dies holding it, the lease runs out.
 */
export class RedisRefreshLock implements RefreshLock {
  readonly #redis: SharedRedis;
  readonly #log: Pick<FastifyBaseLogger, 'info'>;
  readonly #key: string;

  constructor(redis: SharedRedis, log: Pick<FastifyBaseLogger, 'info'>) {
    this.#redis = redis;
    this.#log = log;
    this.#key = `${redis.prefix}zalo-token-lock`;
  }

  async run<T>(work: (lease: RefreshLease) => Promise<T>): Promise<T> {
    const { client } = this.#redis;
    const holder = randomBytes(16).toString('hex');
    const deadline = Date.now() + WAIT_MS;
    while ((await client.set(this.#key, holder, 'PX', LEASE_MS, 'NX')) !== 'OK') {
      if (Date.now() > deadline) throw new TokenRefreshError('another instance is refreshing the Zalo token');
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
    const fence = await client.incr(`${this.#redis.prefix}zalo-token-fence`);
    this.#log.info({ fence }, 'Zalo token refresh lock taken');
    const lease: RefreshLease = {
      assertHeldFor: async (ms) => {
        const remaining = Number(await client.eval(REMAINING, 1, this.#key, holder));
        if (remaining < ms) throw new TokenRefreshError(`the Zalo token refresh lock (fence ${fence}) ran out`);
      },
    };
    try {
      return await work(lease);
    } finally {
      await client.eval(RELEASE, 1, this.#key, holder).catch(() => undefined);
    }
  }
}
