import path from 'node:path';
import type { LoanRates } from '../domain/knowledge/interest.js';
import { type AnswerBook, loadAnswers } from './answers.js';
import { type Knowledge, loadKnowledgeFast } from './knowledge.js';
import { loadLoanRates } from './loan-rates.js';

export interface AnswerContent {
  /** Topic cards (content/answers/): the overview of a bare topic, and the conversational answers. */
  cards: AnswerBook;
  /** Question-level entries (content/knowledge/) and referrals to other offices (content/referrals.yaml). */
  knowledge: Knowledge;
  /** The hash of the knowledge base's sources (null when unreadable): what snapshots derived from it are keyed by. */
  knowledgeHash: string | null;
  loanRates: LoanRates[];
}

/**
 * Everything the answering skills read from content/, validated; the entries first, since cards' buttons name them.
 * `knowledgeSnapshot`: the build's snapshot of the knowledge base, used while its sources are unchanged.
 */
export async function loadAnswerContent(
  contentDir: string,
  intentNames: readonly string[],
  options: { knowledgeSnapshot?: string | URL } = {},
): Promise<AnswerContent> {
  const { knowledge, hash } = await loadKnowledgeFast(
    path.join(contentDir, 'knowledge'),
    path.join(contentDir, 'referrals.yaml'),
    intentNames,
    options.knowledgeSnapshot,
  );
  const cards = await loadAnswers(path.join(contentDir, 'answers'), intentNames, new Set(knowledge.entries.map((e) => e.id)));
  const loanRates = await loadLoanRates(path.join(contentDir, 'loan-rates.yaml'));
  return { cards, knowledge, knowledgeHash: hash, loanRates };
}
