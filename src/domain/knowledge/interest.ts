import type { HouseholdCategory } from './types.js';

/** Who borrows, for the policy bank's rate table: a household category, a student, or the clean-water programme. */
export type Borrower = Exclude<HouseholdCategory, 'average_living' | 'not_poor'> | 'student' | 'clean_water';

export interface LoanRates {
  effectiveFrom: string;
  legalBasis: string;
  percentPerYear: Partial<Record<Borrower, number>>;
}

/** The rate table in force on `date` (YYYY-MM-DD), or undefined before the first. */
export function ratesOn(tables: readonly LoanRates[], date: string): LoanRates | undefined {
  return [...tables].sort((a, b) => b.effectiveFrom.localeCompare(a.effectiveFrom)).find((t) => t.effectiveFrom <= date);
}

/**
 * Interest for one month on an outstanding amount: amount × annual rate ÷ 12, rounded to the đồng. The policy bank
 * charges interest on the balance, so this is the first month's interest; it falls as the principal is repaid.
 */
export function monthlyInterest(amount: number, percentPerYear: number): number {
  return Math.round((amount * percentPerYear) / 100 / 12);
}
