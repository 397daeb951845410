/**
 * Client-side pacing of OA API calls: a token bucket refilled at `perMinute` per minute, so a burst (an
 * announcement to thousands) never exceeds the configured rate, and a pause Zalo asks for (X-RateLimit-Remain: 0,
 * error -32) holds every caller. Uses a monotonic clock: it measures intervals, it does not tell the time of day.
 */
export class RateLimiter {
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
