import { describe, expect, it } from 'vitest';
import { RetrievalIndex, termsOf } from '../../src/nlu/retrieval.js';

describe('retrieval terms', () => {
  it('drops "nhé" as a particle but keeps "nhẹ" (mild), also when typed without accents', () => {
    expect(termsOf('giúp em nhé')).not.toContain('nhe');
    expect(termsOf('khuyết tật nhẹ')).toContain('tat nhe');
    expect(termsOf('khuyet tat nhe')).toContain('tat nhe');
  });

  it('finds the mild-disability document for a question typed without accents', () => {
    const index = new RetrievalIndex([
      { id: 'severe', fields: [{ texts: ['người khuyết tật nặng có được trợ cấp không'], weight: 1 }] },
      { id: 'mild', fields: [{ texts: ['người bị khuyết tật nhẹ thì có được nhận trợ cấp xã hội không'], weight: 1 }] },
    ]);
    expect(index.search([{ text: 'con e khuyet tat nhe co dc tro cap k', weight: 1 }], 2)[0]?.id).toBe('mild');
  });
});
