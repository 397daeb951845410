import type { Config } from '../config.js';

/** How long each kind of data is kept, in days (from the RETENTION_* settings). */
export interface RetentionPeriods {
  /** A citizen who has not written for this long (and is not subscribed) is forgotten entirely. */
  idleCitizenDays: number;
  /** Kept answers and unanswered questions. */
  keptAnswersDays: number;
  /** Conversations handed to commune staff (transcripts and notes), counted from their closing. */
  handoffDays: number;
  /** Audit log and the record of which announcement went to whom. */
  auditDays: number;
  /** Hashes of handled Zalo events (duplicate detection only). */
  journalHashDays: number;
}

/**
 * The webhook ignores Zalo events older than 24 hours (ZALO_EVENT_MAX_AGE_MS), so two days of hashes catch every
 * redelivery; keeping more only makes the journal file, rewritten on each event, slower to write.
 */
const JOURNAL_HASH_DAYS = 2;

export function retentionPeriods(
  config: Pick<Config, 'RETENTION_SESSION_DAYS' | 'RETENTION_KEPT_ANSWERS_DAYS' | 'RETENTION_AUDIT_DAYS'> &
    Partial<Pick<Config, 'RETENTION_HANDOFF_DAYS'>>,
): RetentionPeriods {
  return {
    idleCitizenDays: config.RETENTION_SESSION_DAYS,
    keptAnswersDays: config.RETENTION_KEPT_ANSWERS_DAYS,
    handoffDays: config.RETENTION_HANDOFF_DAYS ?? config.RETENTION_KEPT_ANSWERS_DAYS,
    auditDays: config.RETENTION_AUDIT_DAYS,
    journalHashDays: JOURNAL_HASH_DAYS,
  };
}

/** "30 ngày", "1 năm", "2 năm": whole years when the period is a multiple of 365 days. */
export function formatDays(days: number): string {
  return days % 365 === 0 ? `${days / 365} năm` : `${days} ngày`;
}
