import type { Clock } from '../clock.js';

export interface LoginThrottleLimits {
  /** Failed tries allowed per account within the window. */
  perAccount: number;
  /** Failed tries allowed per client address within the window (password spraying over many accounts). */
  perAddress: number;
  windowMs: number;
}

export const DEFAULT_LOGIN_LIMITS: LoginThrottleLimits = { perAccount: 5, perAddress: 20, windowMs: 15 * 60_000 };

/** Most keys tracked at once; beyond this, stale keys are swept so a flood of made-up usernames cannot grow memory. */
const MAX_KEYS = 10_000;

/**
 * Counts failed logins per account and per address in a sliding window. Kept in memory: a restart forgets the
 * counts, which only gives an attacker one more window, and costs no disk write per failed try.
 */
export class LoginThrottle {
  readonly #failures = new Map<string, number[]>();
  readonly #clock: Clock;
  readonly #limits: LoginThrottleLimits;

  constructor(clock: Clock, limits: LoginThrottleLimits = DEFAULT_LOGIN_LIMITS) {
    this.#clock = clock;
    this.#limits = limits;
  }

  /** Milliseconds until another try is allowed; 0 when allowed now. */
  retryAfterMs(username: string, address: string): number {
    const now = this.#clock.now().getTime();
    return Math.max(
      this.#wait(`account:${username}`, this.#limits.perAccount, now),
      this.#wait(`address:${address}`, this.#limits.perAddress, now),
    );
  }

  recordFailure(username: string, address: string): void {
    const now = this.#clock.now().getTime();
    if (this.#failures.size > MAX_KEYS) this.#sweep(now);
    for (const key of [`account:${username}`, `address:${address}`]) {
      const times = this.#recent(key, now);
      times.push(now);
      this.#failures.set(key, times);
    }
  }

  /** A correct password clears the account's count (not the address's: one known password must not reopen spraying). */
  recordSuccess(username: string): void {
    this.#failures.delete(`account:${username}`);
  }

  #recent(key: string, now: number): number[] {
    return (this.#failures.get(key) ?? []).filter((t) => now - t < this.#limits.windowMs);
  }

  #wait(key: string, limit: number, now: number): number {
    const times = this.#recent(key, now);
    if (times.length < limit) return 0;
    // Allowed again once enough of the counted failures have left the window.
    return times[times.length - limit]! + this.#limits.windowMs - now;
  }

  #sweep(now: number): void {
    for (const key of this.#failures.keys()) {
      const times = this.#recent(key, now);
      if (times.length === 0) this.#failures.delete(key);
      else this.#failures.set(key, times);
    }
  }
}
