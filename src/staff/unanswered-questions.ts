import { citizenKey } from '../citizens/identity.js';
import type { TurnHook } from '../engine/engine.js';
import type { UnansweredRecord } from '../storage/records.js';
import { fold } from '../text/fold.js';

/**
 * Engine hook: every message that ended in `fallback` is recorded through `record`, which keeps the words only if
 * the citizen consented (ConsentService.recordUnanswered) and otherwise only counts it.
 */
export function createUnansweredHook(
  record: (citizenId: string, text: string, at: Date) => Promise<void>,
  fallbackIntent = 'fallback',
): TurnHook {
  return {
    async after(ctx, outcome) {
      if (outcome.intent !== fallbackIntent || !ctx.text) return;
      await record(citizenKey(ctx.message.channel, ctx.message.userId), ctx.text, ctx.now);
    },
  };
}

export interface UnansweredQuestion {
  /** The most recent wording of the question. */
  text: string;
  count: number;
  lastAt: string;
}

export interface UnansweredReport {
  total: number;
  /** Questions counted without their words (no consent). */
  withheld: number;
  /** Kept questions grouped by their folded wording, most frequent first. */
  questions: UnansweredQuestion[];
}

/** What admins read to improve the content: the questions the bot could not answer, most frequent first. */
export function summarizeUnanswered(records: readonly UnansweredRecord[], limit: number): UnansweredReport {
  const groups = new Map<string, UnansweredQuestion>();
  let withheld = 0;
  for (const record of records) {
    if (record.text === null) {
      withheld++;
      continue;
    }
    const key = fold(record.text);
    const group = groups.get(key);
    if (!group) groups.set(key, { text: record.text, count: 1, lastAt: record.at });
    else {
      group.count++;
      if (record.at >= group.lastAt) Object.assign(group, { text: record.text, lastAt: record.at });
    }
  }
  const questions = [...groups.values()]
    .sort((a, b) => b.count - a.count || b.lastAt.localeCompare(a.lastAt))
    .slice(0, limit);
  return { total: records.length, withheld, questions };
}
