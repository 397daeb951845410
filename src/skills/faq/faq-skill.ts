import type { AnswerBook } from '../../content/answers.js';
import type { Skill, SkillResult } from '../../engine/types.js';
import { ANSWER_PAYLOAD_PREFIX } from '../../payloads.js';
import { FAQ_SKILL_NAME, renderAnswer } from './render-answer.js';
import { selectAnswer } from './select-answer.js';

export interface FaqSkillOptions {
  answers: AnswerBook;
  /** The intents this skill answers: every intent whose answer is plain content (not a flow another skill runs). */
  intents: readonly string[];
}

/**
 * Answers questions from the answer book: a typed question gets the sub-answer its keywords select, a menu button
 * (`intent:<name>`) the intent's main answer, and an `answer:<id>` button exactly that answer.
 */
export function createFaqSkill({ answers, intents }: FaqSkillOptions): Skill {
  // Fail at start-up, not on the first citizen who asks.
  for (const intent of intents) answers.main(intent);

  const reply = (answerId: string): SkillResult | null => {
    const answer = answers.get(answerId);
    return answer ? { replies: [renderAnswer(answer)] } : null;
  };

  return {
    name: FAQ_SKILL_NAME,
    intents,
    handleIntent(ctx, intent) {
      // A tapped button carries no words to choose a sub-answer by; the main answer lists them as buttons.
      const answer = ctx.message.payload ? answers.main(intent) : selectAnswer(answers, intent, ctx.text);
      return { replies: [renderAnswer(answer)] };
    },
    handlePayload(_ctx, payload) {
      return payload.startsWith(ANSWER_PAYLOAD_PREFIX) ? reply(payload.slice(ANSWER_PAYLOAD_PREFIX.length)) : null;
    },
  };
}
