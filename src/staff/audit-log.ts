import { randomUUID } from 'node:crypto';
import type { Clock } from '../clock.js';
import type { AuditRecord } from '../storage/records.js';
import type { AuditRepository } from '../storage/repositories.js';

/** The actor recorded for changes the service makes on its own (first admin, scheduled publishing). */
export const SYSTEM_ACTOR = 'system';

/** Who changed what, when. Details carry ids and settings, never passwords or citizens' data. */
export class AuditLog {
  readonly #repo: AuditRepository;
  readonly #clock: Clock;

  constructor(repo: AuditRepository, clock: Clock) {
    this.#repo = repo;
    this.#clock = clock;
  }

  record(actor: string, action: string, target: string, details?: Record<string, unknown>): Promise<void> {
    const entry: AuditRecord = { id: randomUUID(), at: this.#clock.now().toISOString(), actor, action, target };
    if (details) entry.details = details;
    return this.#repo.append(entry);
  }

  list(options: { limit: number; before?: string }): Promise<AuditRecord[]> {
    return this.#repo.list(options);
  }
}
