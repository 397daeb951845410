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

  it('the held-out set shares no question and no source page with the first set', () => {
    const [main, heldOut] = sets;
    if (!main || !heldOut) throw new Error('two sets expected');
    const mainSources = new Set(main.questions.map((q) => q.source));
    const mainTexts = new Set(main.questions.map((q) => q.text));
    expect(heldOut.questions.length).toBeGreaterThanOrEqual(60);
    expect(heldOut.questions.filter((q) => mainSources.has(q.source) || mainTexts.has(q.text))).toEqual([]);
  });
});
