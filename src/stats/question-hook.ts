import { citizenKey } from '../citizens/identity.js';
import type { TurnHook } from '../engine/engine.js';
import type { ProgrammeStats } from './programme-stats.js';

export interface QuestionHookOptions {
  stats: Pick<ProgrammeStats, 'recordQuestion'>;
  /** The commune a citizen gave (their subscription), or null. */
  communeOf(citizenId: string): Promise<string | null>;
  /** Intents that are not questions: greetings, thanks, the menu. */
  notQuestions: readonly string[];
  fallbackIntent?: string;
}

/**
 * Engine hook: every turn answered as an intent counts as a question of that topic, answered by the bot, or
 * unanswered when it ended in the fallback. Control words and answers inside a flow (intent null) are not questions.
 */
export function createQuestionStatsHook({ stats, communeOf, notQuestions, fallbackIntent = 'fallback' }: QuestionHookOptions): TurnHook {
  const skipped = new Set(notQuestions);
  return {
    async after(ctx, { intent }) {
      if (intent === null || skipped.has(intent)) return;
      const commune = await communeOf(citizenKey(ctx.message.channel, ctx.message.userId));
      // The reply does not wait for the counter to reach the disk (it goes with the next batch; errors are logged).
      void stats.recordQuestion({ commune, topic: intent, outcome: intent === fallbackIntent ? 'unanswered' : 'bot', at: ctx.now });
    },
  };
}
