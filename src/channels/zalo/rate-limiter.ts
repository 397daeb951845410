/** Paces one instance's OA API calls: alone (RateLimiter) or drawing on a quota every instance shares (SharedRateLimiter). */
export interface CallPacer {
  /** Resolves when the caller may send one request; callers are served in arrival order. */
  take(): Promise<void>;
  /** Holds every caller for `ms` (Zalo said the quota is spent). */
  pause(ms: number): void;
}

/**
 * The OA's per-minute quota counted where every instance sees it (Redis, or PostgreSQL without Redis): the
 * shared-state side of SharedRateLimiter.
 */
export interface SharedQuota {
  /** Takes one call: 0 when it may go now, else how many milliseconds until the quota has room again. */
  take(): Promise<number>;
  /** Holds every instance's calls for at least `ms`. Never rejects. */
  hold(ms: number): Promise<void>;
}

/**
 * Client-side pacing of OA API calls: a token bucket refilled at `perMinute` per minute, so a burst (an
 * announcement to thousands) never exceeds the configured rate, and a pause Zalo asks for (X-RateLimit-Remain: 0,
 * error -32) holds every caller. Uses a monotonic clock: it measures intervals, it does not tell the time of day.
 */
export class RateLimiter implements CallPacer {
  readonly #capacity: number;
  readonly #perMs: number;
  readonly #now: () => number;
  readonly #sleep: (ms: number) => Promise<void>;
  #tokens: number;
  #last: number;
  #pausedUntil = 0;
  #chain: Promise<void> = Promise.resolve();

  constructor(
    perMinute: number,
    time: { now?: () => number; sleep?: (ms: number) => Promise<void> } = {},
  ) {
    this.#capacity = perMinute;
    this.#perMs = perMinute / 60_000;
    this.#now = time.now ?? (() => performance.now());
    this.#sleep = time.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.#tokens = perMinute;
    this.#last = this.#now();
  }

  /** Resolves when the caller may send one request; callers are served in arrival order. */
  take(): Promise<void> {
    const turn = this.#chain.then(() => this.#waitForToken());
    this.#chain = turn;
    return turn;
  }

  /** Holds every caller for `ms` (Zalo said the quota is spent). */
  pause(ms: number): void {
    this.#pausedUntil = Math.max(this.#pausedUntil, this.#now() + ms);
  }

  async #waitForToken(): Promise<void> {
    for (;;) {
      const now = this.#now();
      this.#tokens = Math.min(this.#capacity, this.#tokens + (now - this.#last) * this.#perMs);
      this.#last = now;
      const wait = Math.max(this.#pausedUntil - now, this.#tokens >= 1 ? 0 : (1 - this.#tokens) / this.#perMs);
      if (wait <= 0) {
        this.#tokens -= 1;
        return;
      }
      await this.#sleep(Math.ceil(wait));
    }
  }
}

/**
 * Pacing across instances: every call takes one from the quota all instances share (ZALO_MAX_REQUESTS_PER_MINUTE is
 * then the OA's figure, not one instance's share); a call the quota has no room for waits as long as the quota says,
 * then asks again. This instance's callers ask one at a time, in arrival order, as RateLimiter serves them.
 */
export class SharedRateLimiter implements CallPacer {
  readonly #quota: SharedQuota;
  readonly #sleep: (ms: number) => Promise<void>;
  #chain: Promise<void> = Promise.resolve();

  constructor(quota: SharedQuota, time: { sleep?: (ms: number) => Promise<void> } = {}) {
    this.#quota = quota;
    this.#sleep = time.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  take(): Promise<void> {
    const turn = this.#chain.then(() => this.#waitForRoom());
    // A failed turn (the quota's store unreachable) fails its caller only, not the ones behind it.
    this.#chain = turn.catch(() => undefined);
    return turn;
  }

  /** Every instance's next calls wait: Zalo's quota is the OA's, whichever instance was told it is spent. */
  pause(ms: number): void {
    void this.#quota.hold(ms);
  }

  async #waitForRoom(): Promise<void> {
    for (let wait = await this.#quota.take(); wait > 0; wait = await this.#quota.take()) await this.#sleep(wait);
  }
}
