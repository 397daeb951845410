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
 * Counts failed logins per (account, address) and per address, and makes each failure beyond the free ones wait
 * twice as long as the previous one. Nothing is counted per account alone: failures from one address never lock out
 * the account's owner signing in from another. Kept in memory: a restart forgets the counts, which only gives an
 * attacker one more round, and costs no disk write per failed try.
 */
export class LoginThrottle {
  readonly #failures = new Map<string, number[]>();
  readonly #clock: Clock;
  readonly #limits: LoginThrottleLimits;

  constructor(clock: Clock, limits: LoginThrottleLimits = DEFAULT_LOGIN_LIMITS) {
    this.#clock = clock;
    this.#limits = limits;
  }

  /** Milliseconds until another try from this address on this account is allowed; 0 when allowed now. */
  retryAfterMs(username: string, address: string): number {
    const now = this.#clock.now().getTime();
    return Math.max(
      this.#wait(pairKey(username, address), this.#limits.freePerPair, now),
      this.#wait(addressKey(address), this.#limits.freePerAddress, now),
    );
  }

  /** Counts a failure; returns the wait it starts (0 while failures are still free). */
  recordFailure(username: string, address: string): number {
    const now = this.#clock.now().getTime();
    if (this.#failures.size > MAX_KEYS) this.#sweep(now);
    for (const key of [pairKey(username, address), addressKey(address)]) {
      const times = this.#recent(key, now);
      times.push(now);
      this.#failures.set(key, times);
    }
    return this.retryAfterMs(username, address);
  }

  /** A correct password clears the pair's count (not the address's: one known password must not reopen spraying). */
  recordSuccess(username: string, address: string): void {
    this.#failures.delete(pairKey(username, address));
  }

  #recent(key: string, now: number): number[] {
    return (this.#failures.get(key) ?? []).filter((t) => now - t < this.#limits.windowMs);
  }

  #wait(key: string, free: number, now: number): number {
    const times = this.#recent(key, now);
    const beyond = times.length - free;
    if (beyond <= 0) return 0;
    const delay = Math.min(this.#limits.firstDelayMs * 2 ** (beyond - 1), this.#limits.maxDelayMs);
    return Math.max(0, times[times.length - 1]! + delay - now);
  }

  #sweep(now: number): void {
    for (const key of this.#failures.keys()) {
      const times = this.#recent(key, now);
      if (times.length === 0) this.#failures.delete(key);
      else this.#failures.set(key, times);
    }
  }
}

const pairKey = (username: string, address: string) => `pair:${address}\n${username}`;
const addressKey = (address: string) => `address:${address}`;
