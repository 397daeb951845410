import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkExpectedIds, contentIds, loadRealQuestions, REAL_QUESTION_SETS } from '../../scripts/real-eval.js';
import { loadAnswerContent } from '../../src/content/answer-content.js';
import { INTENT_NAMES } from '../../src/content/intents-list.js';

const root = join(import.meta.dirname, '../..');

describe('real-question evaluation sets', async () => {
  const known = contentIds(await loadAnswerContent(join(root, 'content'), INTENT_NAMES));
  const sets = await Promise.all(REAL_QUESTION_SETS.map(async (set) => ({ ...set, questions: await loadRealQuestions(join(root, set.file)) })));

  it.each(sets.map((s) => [s.file, s] as const))('%s: every expected entry names content that exists, topics are intents', (_, set) => {
    expect(() => checkExpectedIds(set.questions, known, set.file)).not.toThrow();
    for (const q of set.questions) expect(INTENT_NAMES).toContain(q.topic);
    expect(new Set(set.questions.map((q) => q.id)).size).toBe(set.questions.length);
  });

  it('no two sets share a question or a source page, and each held-out set is of its size', () => {
    const minimum: Record<string, number> = {
      'test/eval/real-questions-holdout.yaml': 60,
      'test/eval/real-questions-holdout-2.yaml': 80,
      'test/eval/real-questions-holdout-3.yaml': 45,
      'test/eval/real-questions-holdout-4.yaml': 20,
      'test/eval/real-questions-holdout-5.yaml': 15,
      'test/eval/real-questions-holdout-6.yaml': 25,
      'test/eval/real-questions-holdout-7.yaml': 25,
      'test/eval/real-questions-holdout-8.yaml': 25,
      'test/eval/real-questions-holdout-9.yaml': 20,
      'test/eval/real-questions-holdout-10.yaml': 8,
    };
    expect(sets).toHaveLength(19);
    for (const [i, set] of sets.entries()) {
      const others = sets.filter((_, j) => j !== i).flatMap((s) => s.questions);
      const sources = new Set(others.map((q) => q.source));
      const texts = new Set(others.map((q) => q.text));
      if (set.heldOut) expect(set.questions.length).toBeGreaterThanOrEqual(minimum[set.file] ?? 1);
      expect(set.questions.filter((q) => sources.has(q.source) || texts.has(q.text))).toEqual([]);
    }
  });
});
