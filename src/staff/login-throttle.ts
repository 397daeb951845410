import type { Clock } from '../clock.js';

export interface LoginThrottleLimits {
  /** Failed tries from one address on one account before delays start. */
  freePerPair: number;
  /** Failed tries from one address over all accounts before delays start (password spraying). */
  freePerAddress: number;
  /** The first delay; each further failure doubles it. */
  firstDelayMs: number;
  /** The longest delay. */
  maxDelayMs: number;
  /** Failures older than this are forgotten. */
  windowMs: number;
}

export const DEFAULT_LOGIN_LIMITS: LoginThrottleLimits = {
  freePerPair: 5,
  freePerAddress: 20,
  firstDelayMs: 30_000,
  maxDelayMs: 15 * 60_000,
  windowMs: 60 * 60_000,
};

/** Most keys tracked at once; beyond this, stale keys are swept so a flood of made-up usernames cannot grow memory. */
const MAX_KEYS = 10_000;

/**
 * Where failed tries are counted: in memory (one instance) or in Redis (shared-state/: every instance sees every
 * failure, so a second instance behind the load balancer gives an attacker no fresh round).
 */
export interface FailureLog {
  /** The times (epoch ms) of the failures recorded under `key` at or after `since`, oldest first. */
  recent(key: string, since: number): Promise<number[]>;
  /** Records a failure at `at` under each key; failures older than `windowMs` may be forgotten. */
  add(keys: readonly string[], at: number, windowMs: number): Promise<void>;
  clear(key: string): Promise<void>;
}

/**
 * The failure log of one instance. A restart forgets the counts, which only gives an attacker one more round, and
 * costs no disk write per failed try.
 */
export class MemoryFailureLog implements FailureLog {
  readonly #failures = new Map<string, number[]>();

  async recent(key: string, since: number): Promise<number[]> {
    return this.#recentSync(key, since);
  }

  async add(keys: readonly string[], at: number, windowMs: number): Promise<void> {
    if (this.#failures.size > MAX_KEYS) this.#sweep(at - windowMs);
    for (const key of keys) {
      const times = this.#recentSync(key, at - windowMs);
      times.push(at);
      this.#failures.set(key, times);
    }
  }

  async clear(key: string): Promise<void> {
    this.#failures.delete(key);
  }

  #recentSync(key: string, since: number): number[] {
    return (this.#failures.get(key) ?? []).filter((t) => t >= since);
  }

  #sweep(since: number): void {
    for (const key of this.#failures.keys()) {
      const times = this.#recentSync(key, since);
      if (times.length === 0) this.#failures.delete(key);
      else this.#failures.set(key, times);
    }
  }
}

/**
 * Counts failed logins per (account, address) and per address, and makes each failure beyond the free ones wait
 * twice as long as the previous one. Nothing is counted per account alone: failures from one address never lock out
 * the account's owner signing in from another.
 */
export class LoginThrottle {
  readonly #log: FailureLog;
  readonly #clock: Clock;
  readonly #limits: LoginThrottleLimits;

  constructor(clock: Clock, limits: LoginThrottleLimits = DEFAULT_LOGIN_LIMITS, log: FailureLog = new MemoryFailureLog()) {
    this.#clock = clock;
    this.#limits = limits;
    this.#log = log;
  }

  /** Milliseconds until another try from this address on this account is allowed; 0 when allowed now. */
  async retryAfterMs(username: string, address: string): Promise<number> {
    const now = this.#clock.now().getTime();
    const [pair, all] = await Promise.all([
      this.#wait(pairKey(username, address), this.#limits.freePerPair, now),
      this.#wait(addressKey(address), this.#limits.freePerAddress, now),
    ]);
    return Math.max(pair, all);
  }

  /** Counts a failure; returns the wait it starts (0 while failures are still free). */
  async recordFailure(username: string, address: string): Promise<number> {
    const now = this.#clock.now().getTime();
    await this.#log.add([pairKey(username, address), addressKey(address)], now, this.#limits.windowMs);
    return this.retryAfterMs(username, address);
  }

  /** A correct password clears the pair's count (not the address's: one known password must not reopen spraying). */
  recordSuccess(username: string, address: string): Promise<void> {
    return this.#log.clear(pairKey(username, address));
  }

  async #wait(key: string, free: number, now: number): Promise<number> {
    const times = await this.#log.recent(key, now - this.#limits.windowMs + 1);
    const beyond = times.length - free;
    if (beyond <= 0) return 0;
    const delay = Math.min(this.#limits.firstDelayMs * 2 ** (beyond - 1), this.#limits.maxDelayMs);
    return Math.max(0, times[times.length - 1]! + delay - now);
  }
}

const pairKey = (username: string, address: string) => `pair:${address}\n${username}`;
const addressKey = (address: string) => `address:${address}`;
