import type { DeliveryRepository } from '../storage/repositories.js';

/**
 * Which citizens have Zalo deliveries waiting for them to write again (outside the 7-day window). Kept in memory so
 * the turn hook looks at storage only for those citizens, not on every message.
 */
export class PendingWindowIndex {
  readonly #citizens = new Set<string>();

  async load(deliveries: DeliveryRepository): Promise<void> {
    for (const record of await deliveries.inState(['pending_window'])) this.#citizens.add(record.citizenId);
  }

  add(citizenId: string): void {
    this.#citizens.add(citizenId);
  }

  has(citizenId: string): boolean {
    return this.#citizens.has(citizenId);
  }

  delete(citizenId: string): void {
    this.#citizens.delete(citizenId);
  }
}
