import type { Answer, AnswerBook } from '../../content/answers.js';
import { fold } from '../../nlu/fold.js';

/**
 * The sub-answer of `intent` whose keyword occurs in the citizen's text, else the intent's main answer.
 * Keywords are compared folded and as whole words ("vay" does not match "vậy" inside "vayyy"); the longest
 * keyword wins, so "sinh viên hộ nghèo vay" picks the student loan over the poor-household loan.
 */
export function selectAnswer(answers: AnswerBook, intent: string, text: string): Answer {
  const padded = ` ${fold(text)} `;
  let best: { answer: Answer; length: number } | null = null;
  for (const answer of answers.subAnswers(intent)) {
    for (const keyword of answer.match) {
      if (keyword.length > (best?.length ?? 0) && padded.includes(` ${keyword} `)) {
        best = { answer, length: keyword.length };
      }
    }
  }
  return best?.answer ?? answers.main(intent);
}
