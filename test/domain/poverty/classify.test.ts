import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadPovertyRules } from '../../../src/content/standards.js';
import { classify, deprivationsMatter } from '../../../src/domain/poverty/classify.js';
import { indicatorsOf, standardOn } from '../../../src/domain/poverty/standards.js';
import type { Area, PovertyRules, Standard } from '../../../src/domain/poverty/types.js';

const STANDARDS_DIR = fileURLToPath(new URL('../../../content/standards', import.meta.url));

interface Case {
  name: string;
  date: string;
  area: Area;
  size: number;
  income: number;
  deprived: number;
  standard: string;
  category: string;
  nearLine?: 'below' | 'above' | null;
  categoryAtLine?: 'poor' | 'near_poor';
}

const table = parse(
  await readFile(fileURLToPath(new URL('./classification-cases.yaml', import.meta.url)), 'utf8'),
) as { cases: Case[]; noStandard: string[] };

const rules: PovertyRules = await loadPovertyRules(STANDARDS_DIR);

const on = (date: string): Standard => {
  const standard = standardOn(rules.standards, date);
  if (!standard) throw new Error(`no standard on ${date}`);
  return standard;
};
const firstIndicators = (standard: Standard, n: number) => indicatorsOf(standard).slice(0, n).map((i) => i.id);

describe('classification table (content/standards, real rules)', () => {
  it.each(table.cases)('$name', (c) => {
    const standard = on(c.date);
    expect(standard.id).toBe(c.standard);
    expect(c.deprived).toBeLessThanOrEqual(indicatorsOf(standard).length);
    const result = classify(standard, {
      area: c.area,
      householdSize: c.size,
      monthlyIncome: c.income,
      deprivations: firstIndicators(standard, c.deprived),
    });
    expect(result.category).toBe(c.category);
    expect(result.deprivationCount).toBe(c.deprived);
    if (c.nearLine !== undefined) expect(result.nearLine).toBe(c.nearLine);
    if (c.categoryAtLine !== undefined) expect(result.categoryAtLine).toBe(c.categoryAtLine);
  });

  it.each(table.noStandard)('no standard covers %s', (date) => {
    expect(standardOn(rules.standards, date)).toBeUndefined();
  });
});

describe('every number of deprivations, on and just above the line', () => {
  const sweep = (date: string) => {
    const standard = on(date);
    const count = indicatorsOf(standard).length;
    return Array.from({ length: count + 1 }, (_, d) => ({ date, standard: standard.id, d }));
  };
  // 0–12 for 2022–2025; 0–13 for 2027–2030 (11 kept indicators + 2 new).
  it.each([...sweep('2026-11-28'), ...sweep('2027-01-01')])('$standard with $d deprivation(s)', ({ date, d }) => {
    const standard = on(date);
    for (const area of ['rural', 'urban'] as const) {
      const line = standard.areas[area].incomeLine;
      const deprivations = firstIndicators(standard, d);
      const onLine = classify(standard, { area, householdSize: 3, monthlyIncome: line * 3, deprivations });
      expect(onLine.category).toBe(d >= 3 ? 'poor' : 'near_poor');
      const above = classify(standard, { area, householdSize: 3, monthlyIncome: line * 3 + 1, deprivations });
      expect(above.category).toBe(standard.areas[area].averageLivingUpTo === null ? 'none' : 'average_living');
    }
  });

  it('counts a repeated indicator once', () => {
    const standard = on('2026-11-28');
    const c = classify(standard, {
      area: 'rural',
      householdSize: 1,
      monthlyIncome: 1_000_000,
      deprivations: ['sanitation', 'sanitation', 'telecom'],
    });
    expect(c.deprivationCount).toBe(2);
    expect(c.category).toBe('near_poor');
  });
});

describe('when the deprivation questions matter', () => {
  it('only within the line: above it the income settles the category', () => {
    const standard = on('2026-11-28');
    expect(deprivationsMatter(standard, 'rural', 4, 6_000_000)).toBe(true);
    expect(deprivationsMatter(standard, 'rural', 4, 6_000_001)).toBe(false);
    expect(deprivationsMatter(standard, 'urban', 1, 2_000_000)).toBe(true);
    expect(deprivationsMatter(standard, 'urban', 1, 50_000_000)).toBe(false);
  });

  it('just above the line with deprivations not assessed: no guess at the category at the line', () => {
    const standard = on('2026-11-28');
    const c = classify(standard, { area: 'rural', householdSize: 1, monthlyIncome: 1_600_000, deprivations: [], deprivationsAssessed: false });
    expect(c).toMatchObject({ category: 'average_living', nearLine: 'above', categoryAtLine: null });
  });
});
