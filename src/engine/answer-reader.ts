/**
 * The one reader of answers: the bot's last question declared what it expects (yes/no, a count, an amount, a
 * commune, one of its options, consent, a confirmation), and the next message is read as that answer first, the same
 * way for every skill. Skills get the reading, never the raw guesswork.
 */

import { householdAmount, incomeBasis } from '../nlu/entities/income.js';
import { extractCount } from '../nlu/entities/index.js';
import { isQuestion } from '../nlu/question-focus.js';
import type { ParseResult } from '../nlu/types.js';
import { readOption, readYesNo } from '../text/answer-words.js';
import type { Answer, Expectation } from './types.js';

/** `text` read as the answer `question` expects, or null when it holds none. */
export function readAnswer(question: Expectation, text: string, nlu: () => ParseResult): Answer | null {
  switch (question.kind) {
    case 'yes_no': {
      const yesNo = readYesNo(text);
      // "có mất tiền không" after "did it help?" asks a question of its own; a plain "có" or "không ạ" answers.
      if (yesNo && isQuestion(text) && !readYesNo(text, { strict: true })) return null;
      return yesNo ? { kind: yesNo } : null;
    }
    case 'count': {
      const value = extractCount(text, { allowBare: true });
      return value === undefined ? null : { kind: 'count', value };
    }
    case 'money': {
      // Without its period and person words: read alone, "240 triệu một năm" would be 240,100,000 ("một" = 100,000).
      // Several earners' amounts are the household's together.
      const value = householdAmount(incomeBasis(text).amountText);
      return value === undefined ? null : { kind: 'money', value };
    }
    case 'commune': {
      const entity = nlu().entities.find((e) => e.entity === 'commune');
      if (!entity) return null;
      return { kind: 'commune', ids: [...new Set([String(entity.value), ...(entity.alternatives ?? [])])], typed: entity.text };
    }
    case 'option':
    case 'consent':
    case 'confirm': {
      const options = question.options ?? [];
      const chosen = readOption(text, options.map((o) => o.title));
      if (chosen !== null) return { kind: 'option', payload: options[chosen]!.payload };
      // Nothing is deleted or withdrawn on a "yes" followed by more words ("có điều…"): only a plain yes confirms.
      // Consent is given or refused only by a yes or no of its own ("có, nhưng chỉ lần này"): "có tivi", "ko có
      // tivi" after a self-assessment's result tell the household, not the decision.
      const said = question.kind === 'consent' ? (text.split(/[,;.!?]/)[0] ?? '') : text;
      const yesNo = readYesNo(said, { strict: question.kind !== 'option' });
      return yesNo === 'yes' || yesNo === 'no' ? { kind: yesNo } : null;
    }
  }
}
