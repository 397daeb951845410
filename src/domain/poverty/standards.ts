import { perObject } from '../../memo.js';
import type { Dimension, Indicator, IsoDate, Standard } from './types.js';

/** The standard in force on a date, or undefined when none of the known standards covers it. */
export function standardOn(standards: readonly Standard[], date: IsoDate): Standard | undefined {
  return standards.find((s) => s.effectiveFrom <= date && (s.effectiveTo === null || date <= s.effectiveTo));
}

/**
 * Every indicator of the standard, dimension by dimension, in the order the questions are asked (made once per
 * standard: the flow asks on every turn).
 */
export const indicatorsOf = perObject((standard: Standard): readonly Indicator[] => standard.dimensions.flatMap((d) => d.indicators));

export function dimensionOf(standard: Standard, indicatorId: string): Dimension | undefined {
  return standard.dimensions.find((d) => d.indicators.some((i) => i.id === indicatorId));
}

/** The ids in `ids` that are not indicators of the standard, in the order given. */
export function unknownIndicatorIds(standard: Standard, ids: readonly string[]): string[] {
  const known = new Set(indicatorsOf(standard).map((i) => i.id));
  return ids.filter((id) => !known.has(id));
}
