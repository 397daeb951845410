import path from 'node:path';
import type { LoanRates } from '../domain/knowledge/interest.js';
import { type AnswerBook, loadAnswers } from './answers.js';
import { type Knowledge, loadKnowledge } from './knowledge.js';
import { loadLoanRates } from './loan-rates.js';

export interface AnswerContent {
  /** Topic cards (content/answers/): the overview of a bare topic, and the conversational answers. */
  cards: AnswerBook;
  /** Question-level entries (content/knowledge/) and referrals to other offices (content/referrals.yaml). */
  knowledge: Knowledge;
  loanRates: LoanRates[];
}

/** Everything the answering skills read from content/, validated; the entries first, since cards' buttons name them. */
export async function loadAnswerContent(contentDir: string, intentNames: readonly string[]): Promise<AnswerContent> {
  const knowledge = await loadKnowledge(path.join(contentDir, 'knowledge'), path.join(contentDir, 'referrals.yaml'), intentNames);
  const cards = await loadAnswers(path.join(contentDir, 'answers'), intentNames, new Set(knowledge.entries.map((e) => e.id)));
  const loanRates = await loadLoanRates(path.join(contentDir, 'loan-rates.yaml'));
  return { cards, knowledge, loanRates };
}
