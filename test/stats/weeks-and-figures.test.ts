import { describe, expect, it } from 'vitest';
import { cell, sumOf } from '../../src/stats/figures.js';
import { isIsoWeek, isoWeekOfDate, mondayOf, provinceWeek, weeksBetween } from '../../src/stats/weeks.js';

describe('ISO weeks in Hải Phòng', () => {
  it.each([
    ['2026-11-23', '2026-W48'],
    ['2026-11-29', '2026-W48'],
    ['2026-12-31', '2026-W53'],
    ['2027-01-03', '2026-W53'],
    ['2027-01-04', '2027-W01'],
    ['2024-12-30', '2025-W01'],
  ])('%s is in %s', (date, week) => {
    expect(isoWeekOfDate(date)).toBe(week);
    expect(isoWeekOfDate(mondayOf(week))).toBe(week);
  });

  it('a week starts at midnight in Asia/Ho_Chi_Minh, not UTC', () => {
    expect(provinceWeek(new Date('2026-11-29T16:59:59Z'))).toBe('2026-W48');
    expect(provinceWeek(new Date('2026-11-29T17:00:00Z'))).toBe('2026-W49');
  });

  it('lists the weeks of a period across a year end; none when backwards', () => {
    expect(weeksBetween('2026-W52', '2027-W02')).toEqual(['2026-W52', '2026-W53', '2027-W01', '2027-W02']);
    expect(weeksBetween('2026-W49', '2026-W48')).toEqual([]);
    expect([isIsoWeek('2026-W53'), isIsoWeek('2025-W53'), isIsoWeek('2026-W00')]).toEqual([true, false, false]);
  });
});

describe('the "< 5" rule', () => {
  it('a group of 1–4 is "< 5"; 0 and 5 or more are exact', () => {
    expect([0, 1, 4, 5, 12].map(cell)).toEqual([0, '< 5', '< 5', 5, 12]);
  });

  it('a total is exact only when every part is, so a suppressed part cannot be recovered by subtraction', () => {
    expect(sumOf([5, 6, 0])).toBe(11);
    // 7 + "< 5" with the total 9 published would give the part away: only what the parts guarantee is said.
    expect(sumOf([7, 2])).toBe('≥ 8');
    expect(sumOf([1, 1, 1, 1, 1, 1])).toBe('≥ 6');
    expect(sumOf([3, 3])).toBe('≥ 5');
    expect(sumOf([2, 2])).toBe('< 5');
    expect(sumOf([0, 0])).toBe(0);
  });
});
