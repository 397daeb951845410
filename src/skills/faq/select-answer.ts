import type { Answer, AnswerBook } from '../../content/answers.js';
import { perObject } from '../../memo.js';
import { fold } from '../../text/fold.js';

/** Each answer's keywords with a space either side, made once (this runs on every question). */
const paddedKeywords = perObject((answer: Answer) => answer.match.map((keyword) => ` ${keyword} `));

/**
 * The sub-answer of `intent` that best fits the citizen's text, else the intent's main answer.
 * Keywords are compared folded and as whole words ("xin ra" does not match "xin rất"). A sub-answer scores the
 * total length of its keywords found in the text, so the longer and the more keywords it matches, the better:
 * "sinh viên hộ nghèo vay" picks the student loan ("sinh vien") over the poor-household loan ("ho ngheo"), and
 * "hộ nghèo được trợ cấp hằng tháng" the allowance ("duoc tro cap" + "hang thang") over the household summary.
 * Ties go to the sub-answer written first in the file.
 */
export function selectAnswer(answers: AnswerBook, intent: string, text: string): Answer {
  const words = ` ${fold(text)} `;
  let best: { answer: Answer; score: number } | null = null;
  for (const answer of answers.subAnswers(intent)) {
    let score = 0;
    for (const keyword of paddedKeywords(answer)) if (words.includes(keyword)) score += keyword.length - 2;
    if (score > (best?.score ?? 0)) best = { answer, score };
  }
  return best?.answer ?? answers.main(intent);
}
