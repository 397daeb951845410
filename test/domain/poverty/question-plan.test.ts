import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadPovertyRules } from '../../../src/content/standards.js';
import { nextIndicatorToAsk, remainingIndicatorBound } from '../../../src/domain/poverty/question-plan.js';
import { indicatorsOf, standardOn } from '../../../src/domain/poverty/standards.js';

const rules = await loadPovertyRules(fileURLToPath(new URL('../../../content/standards', import.meta.url)));
const standard = standardOn(rules.standards, '2026-11-28')!;
const ids = indicatorsOf(standard).map((i) => i.id);
const answers = (...values: boolean[]) => Object.fromEntries(values.map((v, i) => [ids[i]!, v]));

describe('which deprivation question comes next', () => {
  it('asks in the order of the standard', () => {
    expect(nextIndicatorToAsk(standard, {})?.id).toBe('employment');
    expect(nextIndicatorToAsk(standard, answers(false))?.id).toBe('dependants');
  });

  it('stops as soon as three deprivations are found', () => {
    expect(nextIndicatorToAsk(standard, answers(true, true))).not.toBeNull();
    expect(nextIndicatorToAsk(standard, answers(true, true, true))).toBeNull();
    expect(nextIndicatorToAsk(standard, answers(false, true, false, true, true))).toBeNull();
  });

  it('stops when too few questions are left to reach three', () => {
    // No deprivation in the first ten: the last two cannot make three.
    expect(nextIndicatorToAsk(standard, answers(...Array(9).fill(false)))).not.toBeNull();
    expect(nextIndicatorToAsk(standard, answers(...Array(10).fill(false)))).toBeNull();
    // One found: stops when one question is left.
    expect(nextIndicatorToAsk(standard, answers(true, ...Array(9).fill(false)))).not.toBeNull();
    expect(nextIndicatorToAsk(standard, answers(true, ...Array(10).fill(false)))).toBeNull();
  });

  it('bounds the questions still to come', () => {
    expect(remainingIndicatorBound(standard, {})).toBe(12);
    expect(remainingIndicatorBound(standard, answers(true, false))).toBe(10);
    expect(remainingIndicatorBound(standard, answers(true, true, true))).toBe(0);
  });
});
