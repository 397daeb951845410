import { indicatorsOf } from './standards.js';
import type { Indicator, Standard } from './types.js';

/** Answers so far: indicator id → deprived. */
export type DeprivationAnswers = Readonly<Record<string, boolean>>;

/**
 * The next deprivation question worth asking, or null when the answers so far settle the outcome: enough
 * deprivations for "poor" were found, or too few questions are left to reach that number.
 */
export function nextIndicatorToAsk(standard: Standard, answers: DeprivationAnswers): Indicator | null {
  const min = standard.classification.minDeprivationsForPoor;
  const found = Object.values(answers).filter(Boolean).length;
  const unanswered = indicatorsOf(standard).filter((i) => !(i.id in answers));
  if (found >= min || unanswered.length < min - found) return null;
  return unanswered[0] ?? null;
}

/** The most deprivation questions that may still be asked (an upper bound, for "Câu 4/15"). */
export function remainingIndicatorBound(standard: Standard, answers: DeprivationAnswers): number {
  if (!nextIndicatorToAsk(standard, answers)) return 0;
  return indicatorsOf(standard).filter((i) => !(i.id in answers)).length;
}
