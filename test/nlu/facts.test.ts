import { describe, expect, it } from 'vitest';
import { readFacts } from '../../src/nlu/facts.js';

describe('facts from the message', () => {
  it('asks about the category when any mention is asked about, not only the first', () => {
    const read = readFacts('Nghe nói hộ nghèo được hỗ trợ nhiều, lương em 3 triệu một tháng, vậy nhà em có được xét hộ nghèo không?');
    expect(read.asksCategory).toBe(true);
    expect(read.facts.category).toBeUndefined();
    expect(read.facts.monthlyIncome).toBe(3_000_000);
  });

  it('reads a stated category as a fact of the asker', () => {
    const read = readFacts('nhà tôi là hộ cận nghèo, vay vốn lãi bao nhiêu');
    expect(read).toMatchObject({ asksCategory: false, ownCategory: true, facts: { category: 'near_poor' } });
  });
});
