import type { DeliveryRepository } from '../storage/repositories.js';

/**
 * Which citizens have Zalo deliveries waiting for them to write again (outside the 7-day window). Kept in memory so
 * the turn hook looks at storage only for those citizens, not on every message. With a storage several instances
 * share, another instance may publish deliveries this one never hears of: the index then knows nothing and answers
 * "maybe" for everyone, and the hook asks storage (one indexed query per Zalo message).
 */
export class PendingWindowIndex {
  readonly #citizens = new Set<string>();
  readonly #shared: boolean;

  constructor(options: { sharedStorage: boolean }) {
    this.#shared = options.sharedStorage;
  }

  async load(deliveries: DeliveryRepository): Promise<void> {
    if (this.#shared) return;
    for (const record of await deliveries.inState(['pending_window'])) this.#citizens.add(record.citizenId);
  }

  add(citizenId: string): void {
    if (!this.#shared) this.#citizens.add(citizenId);
  }

  has(citizenId: string): boolean {
    return this.#shared || this.#citizens.has(citizenId);
  }

  delete(citizenId: string): void {
    this.#citizens.delete(citizenId);
  }
}
