import type { Clock } from '../clock.js';

const MINUTE_MS = 60_000;

/** Distinct addresses remembered at once; beyond this, those whose minute is over are forgotten, then the oldest. */
const TRACKED_ADDRESSES = 50_000;

/**
 * A per-address budget of units in each one-minute window: every socket of an address and its HTTP requests draw on
 * one count. In memory (AddressBudget, one instance) or in Redis (shared-state/, every instance draws on one count).
 */
export interface RequestBudget {
  /** Counts one unit for `address`; false when it is over the budget. */
  allow(address: string): boolean | Promise<boolean>;
}

/**
 * A per-address budget of `perMinute` units in each one-minute window (0 = unlimited), shared by everything that
 * holds the same instance.
 */
export class AddressBudget implements RequestBudget {
  readonly #windows = new Map<string, { start: number; count: number }>();

  constructor(
    private readonly perMinute: number,
    private readonly clock: Clock,
  ) {}

  /** Counts one unit for `address`; false when it is over the budget. */
  allow(address: string): boolean {
    if (this.perMinute === 0) return true;
    const now = this.clock.now().getTime();
    let window = this.#windows.get(address);
    if (!window || now - window.start >= MINUTE_MS) {
      if (!window && this.#windows.size >= TRACKED_ADDRESSES) this.#sweep(now);
      window = { start: now, count: 0 };
      // Re-inserted so the map's order is the order windows started in (the oldest are swept first).
      this.#windows.delete(address);
      this.#windows.set(address, window);
    }
    window.count++;
    return window.count <= this.perMinute;
  }

  #sweep(now: number): void {
    for (const [address, window] of this.#windows) {
      if (now - window.start >= MINUTE_MS) this.#windows.delete(address);
    }
    const excess = this.#windows.size - TRACKED_ADDRESSES + 1;
    if (excess <= 0) return;
    let removed = 0;
    for (const address of this.#windows.keys()) {
      if (removed++ >= excess) break;
      this.#windows.delete(address);
    }
  }
}
