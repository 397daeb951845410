import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadPovertyRules } from '../../../src/content/standards.js';
import { screenHousehold } from '../../../src/domain/poverty/screen.js';
import { standardOn } from '../../../src/domain/poverty/standards.js';
import type { Household } from '../../../src/domain/poverty/types.js';

const rules = await loadPovertyRules(fileURLToPath(new URL('../../../content/standards', import.meta.url)));

const screen = (household: Household, date: string) => screenHousehold(rules, standardOn(rules.standards, date)!, household, date);
const poorRural: Household = {
  area: 'rural',
  householdSize: 4,
  monthlyIncome: 4_000_000,
  deprivations: ['health_insurance', 'housing_quality', 'sanitation'],
};
const nearPoorRural: Household = { ...poorRural, deprivations: ['sanitation'] };
const summaryOf = (result: ReturnType<typeof screen>, id: string) => result.entitlements.find((e) => e.id === id)?.summary;

describe('screenHousehold', () => {
  it('gives the category, the deprived dimensions grouped, and the standard it used', () => {
    const r = screen(poorRural, '2026-11-28');
    expect(r.category).toBe('poor');
    expect(r.standard).toMatchObject({ id: 'vn-2022-2025', provisional: false, effectiveTo: '2026-12-31' });
    expect(r.incomePerCapita).toBe(1_000_000);
    expect(r.incomeLine).toBe(1_500_000);
    expect(r.deprivationCount).toBe(3);
    expect(r.deprivedDimensions.map((d) => d.id)).toEqual(['health', 'housing', 'water_sanitation']);
    expect(r.deprivedDimensions[0]!.indicators).toEqual([{ id: 'health_insurance', label: 'Bảo hiểm y tế' }]);
  });

  it('lists the support in force on the date: near-poor health insurance is 95 % in 2025 and 100 % from 1/1/2026', () => {
    expect(summaryOf(screen(nearPoorRural, '2025-12-31'), 'health_insurance_near_poor')).toContain('95%');
    const in2026 = summaryOf(screen(nearPoorRural, '2026-01-01'), 'health_insurance_near_poor');
    expect(in2026).toContain('100%');
    expect(in2026).not.toMatch(/chi trả 95%/);
  });

  it('between 1/9 and 31/12/2026 says the year-end review may already use the 2027 standard, as a possibility', () => {
    const mentions = (date: string) => screen(nearPoorRural, date).nextSteps.join(' ').includes('Nghị định 351/2025');
    expect(mentions('2026-08-31')).toBe(false);
    expect(mentions('2026-09-01')).toBe(true);
    expect(mentions('2026-12-31')).toBe(true);
    expect(mentions('2027-01-01')).toBe(false);
    expect(screen(nearPoorRural, '2026-11-28').nextSteps.join(' ')).toContain('có thể');
  });

  it('counts no telecom and no digital services as one deprivation from 2027 (one information indicator)', () => {
    const household: Household = { area: 'rural', householdSize: 2, monthlyIncome: 3_000_000, deprivations: ['telecom', 'sanitation'] };
    const r = screen(household, '2027-03-01');
    expect(r.deprivationCount).toBe(2);
    expect(r.category).toBe('near_poor');
  });

  it('uses the policy-bank rates of 1/12/2025 from that day on', () => {
    expect(summaryOf(screen(poorRural, '2025-11-30'), 'vbsp_loan_poor')).toContain('6,6%');
    expect(summaryOf(screen(poorRural, '2025-12-01'), 'vbsp_loan_poor')).toContain('6,24%');
    expect(summaryOf(screen(nearPoorRural, '2026-11-28'), 'vbsp_loan_near_poor')).toContain('7,488%');
  });

  it('gives learning-cost support to poor households only, and states no amount under Decree 238/2025', () => {
    const poor = screen(poorRural, '2026-11-28');
    const support = poor.entitlements.find((e) => e.id === 'learning_cost_support');
    expect(support?.legalBasis).toContain('238/2025');
    expect(support?.summary).not.toMatch(/150\.000/);
    expect(screen(nearPoorRural, '2026-11-28').entitlements.some((e) => e.id === 'learning_cost_support')).toBe(false);
  });

  it('each entitlement has a legal basis; unconfirmed ones state no amount', () => {
    for (const category of ['poor', 'near_poor', 'average_living', 'none'] as const) {
      for (const e of rules.entitlements.filter((x) => x.categories.includes(category))) {
        expect(e.legalBasis.length).toBeGreaterThan(5);
        if (!e.confirmed) expect(e.summary).not.toMatch(/\d\s*(%|đồng|triệu)/);
      }
    }
  });

  it('rural-only support is not offered in town', () => {
    const urban = screen({ ...nearPoorRural, area: 'urban' }, '2026-11-28');
    expect(urban.entitlements.some((e) => e.id === 'clean_water_loan')).toBe(false);
    expect(screen(nearPoorRural, '2026-11-28').entitlements.some((e) => e.id === 'clean_water_loan')).toBe(true);
  });

  it('tells a poor or near-poor household to apply with Mẫu số 01 and when reviews happen', () => {
    const steps = screen(nearPoorRural, '2026-11-28').nextSteps.join(' ');
    expect(steps).toContain('Mẫu số 01');
    expect(steps).toContain('24/2021/QĐ-TTg');
    expect(steps).toContain('UBND xã/phường');
    expect(steps).toContain('ngày 15');
    expect(steps).toContain('01/9 đến 14/12');
  });

  it('always carries the disclaimer that only the commune review decides', () => {
    for (const date of ['2026-11-28', '2027-01-01']) {
      expect(screen(poorRural, date).disclaimer).toContain('Chỉ kết quả rà soát của UBND xã/phường');
    }
  });

  it('says so when a household is close to the line, on either side', () => {
    const below = screen({ ...nearPoorRural, monthlyIncome: 5_800_000 }, '2026-11-28');
    expect(below.notes.join(' ')).toContain('rất gần chuẩn nghèo');
    const above = screen({ ...poorRural, monthlyIncome: 6_300_000 }, '2026-11-28');
    expect(above.category).toBe('average_living');
    expect(above.notes.join(' ')).toContain('có khả năng thuộc diện hộ nghèo');
    // Both the average-living steps and the application steps, since a review could find it poor.
    expect(above.nextSteps.join(' ')).toContain('Mẫu số 01');
    // Deprivations not asked (the income settled the category): no guess between poor and near-poor.
    const unassessed = screen({ ...poorRural, monthlyIncome: 6_300_000, deprivations: [], deprivationsAssessed: false }, '2026-11-28');
    expect(unassessed.notes.join(' ')).toContain('hộ nghèo hoặc hộ cận nghèo (tùy số chỉ số thiếu hụt)');
    expect(unassessed.nextSteps.join(' ')).toContain('Mẫu số 01');
    const far = screen({ ...poorRural, monthlyIncome: 20_000_000 }, '2026-11-28');
    expect(far.notes.join(' ')).not.toContain('chuẩn nghèo một chút');
  });

  it('says when one more deprivation would make the household poor', () => {
    const two = screen({ ...poorRural, deprivations: ['sanitation', 'telecom'] }, '2026-11-28');
    expect(two.category).toBe('near_poor');
    expect(two.notes.join(' ')).toContain('thiếu hụt 2 chỉ số');
  });

  it('every result under the provisional 2027–2030 standard says it is provisional', () => {
    for (const household of [poorRural, nearPoorRural, { ...poorRural, monthlyIncome: 50_000_000 }]) {
      const r = screen(household, '2027-01-01');
      expect(r.standard).toMatchObject({ id: 'vn-2027-2030', provisional: true });
      expect(r.notes.join(' ')).toContain('tạm tính');
    }
    expect(screen(poorRural, '2026-12-31').notes.join(' ')).not.toContain('tạm tính');
  });

  it('rejects indicator ids that the standard does not have', () => {
    expect(() => screen({ ...poorRural, deprivations: ['information_access'] }, '2027-01-01')).toThrow(/information_access/);
    expect(() => screen({ ...poorRural, deprivations: ['household_waste'] }, '2026-11-28')).toThrow(/household_waste/);
  });
});
