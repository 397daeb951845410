import type { Clock } from '../../clock.js';

const MINUTE_MS = 60_000;

/** Per-connection frame budget: at most `perMinute` frames in each one-minute window (0 = unlimited). */
export class RateWindow {
  #windowStart = Number.NEGATIVE_INFINITY;
  #count = 0;

  constructor(
    private readonly perMinute: number,
    private readonly clock: Clock,
  ) {}

  /** Counts one frame; false when it is over the budget. */
  allow(): boolean {
    if (this.perMinute === 0) return true;
    const now = this.clock.now().getTime();
    if (now - this.#windowStart >= MINUTE_MS) {
      this.#windowStart = now;
      this.#count = 0;
    }
    this.#count++;
    return this.#count <= this.perMinute;
  }
}
