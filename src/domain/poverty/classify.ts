import type { Area, Category, Household, Standard } from './types.js';

export interface ClassifiedHousehold {
  category: Category;
  /** Rounded to the hundredth of a đồng, for display; the comparison itself is exact. */
  incomePerCapita: number;
  incomeLine: number;
  /** Per-capita income at or below the line. */
  withinLine: boolean;
  deprivationCount: number;
  /** Per-capita income within the standard's margin of the line, on this side of it. */
  nearLine: 'below' | 'above' | null;
  /**
   * Just above the line: what the household would be if the review found its income at the line (null when its
   * deprivations were not assessed).
   */
  categoryAtLine: 'poor' | 'near_poor' | null;
}

/**
 * The classification rule shared by both standards: within the line, poor with at least N deprivations and near-poor
 * otherwise; above it, average living up to the band where one is known; otherwise none. Comparisons are made on the
 * household totals (line × members) so that no rounding of the per-capita figure can move a household across a line.
 */
export function classify(standard: Standard, household: Household): ClassifiedHousehold {
  const { minDeprivationsForPoor, nearLinePercent } = standard.classification;
  const { incomeLine, averageLivingUpTo } = standard.areas[household.area];
  const size = household.householdSize;
  const income = household.monthlyIncome;
  const lineTotal = incomeLine * size;
  const deprivationCount = new Set(household.deprivations).size;

  const withinLine = income <= lineTotal;
  const byDeprivations: 'poor' | 'near_poor' = deprivationCount >= minDeprivationsForPoor ? 'poor' : 'near_poor';
  let category: Category;
  if (withinLine) category = byDeprivations;
  else if (averageLivingUpTo !== null && income <= averageLivingUpTo * size) category = 'average_living';
  else category = 'none';

  // Per cent arithmetic on whole numbers: the margins are exact for lines in whole đồng.
  let nearLine: ClassifiedHousehold['nearLine'] = null;
  if (withinLine && income * 100 >= lineTotal * (100 - nearLinePercent)) nearLine = 'below';
  if (!withinLine && income * 100 <= lineTotal * (100 + nearLinePercent)) nearLine = 'above';
  const assessed = household.deprivationsAssessed ?? true;

  return {
    category,
    incomePerCapita: Math.round((income / size) * 100) / 100,
    incomeLine,
    withinLine,
    deprivationCount,
    nearLine,
    categoryAtLine: nearLine === 'above' && assessed ? byDeprivations : null,
  };
}

/**
 * Whether the deprivation questions can change the category: only within the income line. Above it the household is
 * neither poor nor near-poor however many deprivations it has, so its income settles the answer without them.
 */
export function deprivationsMatter(standard: Standard, area: Area, size: number, income: number): boolean {
  return income <= standard.areas[area].incomeLine * size;
}
