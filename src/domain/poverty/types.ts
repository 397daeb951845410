/**
 * The vocabulary of the poverty rules. Standards, entitlements and guidance are data (content/standards/*.yaml,
 * validated by src/content/standards.ts); the functions in this folder are pure `(household, date) → result`.
 */

export const AREAS = ['rural', 'urban'] as const;
export type Area = (typeof AREAS)[number];

export const CATEGORIES = ['poor', 'near_poor', 'average_living', 'none'] as const;

/** Largest household the screening evaluates (the API and the chat reject more). */
export const MAX_HOUSEHOLD_SIZE = 30;
export type Category = (typeof CATEGORIES)[number];

/** A calendar date "YYYY-MM-DD" (province time); such strings compare correctly as strings. */
export type IsoDate = string;

export interface Indicator {
  id: string;
  label: string;
  /** Plain-language yes/no question; "yes" always means the household is deprived. */
  question: string;
  /** What the legal text (or the best available source) counts as deprivation. */
  threshold: string;
  /** False while the threshold has not been checked against the legal text. */
  confirmed: boolean;
}

export interface Dimension {
  id: string;
  label: string;
  indicators: Indicator[];
}

export interface AreaRule {
  /** "nông thôn", "thành thị"/"đô thị": the wording of the decree. */
  label: string;
  /** Income per person per month, đồng; at or below it counts as within the line. */
  incomeLine: number;
  /** Upper end of the average-living-standard band; null while unpublished or unconfirmed. */
  averageLivingUpTo: number | null;
}

export interface Classification {
  minDeprivationsForPoor: number;
  /** Income within this many per cent of the line (either side) counts as close to it. */
  nearLinePercent: number;
  /** The rule in words, for people. */
  rule: string;
}

export interface Standard {
  id: string;
  title: string;
  legalBasis: string;
  effectiveFrom: IsoDate;
  effectiveTo: IsoDate | null;
  /** True while essential details are unconfirmed; every result computed with it must say so. */
  provisional: boolean;
  provisionalNote: string | null;
  sources: string[];
  areas: Record<Area, AreaRule>;
  classification: Classification;
  /** In the order the questions are asked. */
  dimensions: Dimension[];
}

/** Dated: an entitlement whose terms changed is several entries with the same id and non-overlapping dates. */
export interface Entitlement {
  id: string;
  title: string;
  summary: string;
  legalBasis: string;
  confirmed: boolean;
  categories: Category[];
  /** Only households in these areas (e.g. rural clean-water loans); all areas when absent. */
  areas: Area[] | null;
  effectiveFrom: IsoDate | null;
  effectiveTo: IsoDate | null;
}

export interface NextStep {
  id: string;
  text: string;
  categories: Category[];
  confirmed: boolean;
  effectiveFrom: IsoDate | null;
  effectiveTo: IsoDate | null;
}

/** Sentences added to a result; `{name}` placeholders are filled in by the rules. */
export interface GuidanceNotes {
  /** Per-capita income at or below the line, but close to it. Placeholders: none. */
  nearLineBelow: string;
  /** Just above the line. Placeholders: {category} (what the household would be at the line). */
  nearLineAbove: string;
  /** Just above the line, deprivations not asked. Placeholders: none. */
  nearLineAboveUnassessed: string;
  /** Within the line, one deprivation short of "poor". Placeholders: {count}, {min}. */
  oneShortOfPoor: string;
  /** Some indicator used has an unconfirmed threshold. Placeholders: none. */
  unconfirmedIndicators: string;
}

export interface Guidance {
  disclaimer: string;
  categoryLabels: Record<Category, string>;
  notes: GuidanceNotes;
  nextSteps: NextStep[];
}

/** Everything the screening needs, loaded once at start-up. */
export interface PovertyRules {
  standards: Standard[];
  entitlements: Entitlement[];
  guidance: Guidance;
}

export interface Household {
  area: Area;
  householdSize: number;
  /** Whole household, đồng per month. */
  monthlyIncome: number;
  /** Indicator ids of the standard in force (no duplicates). */
  deprivations: string[];
  /** False when the deprivations were not asked because the income settles the category (default true). */
  deprivationsAssessed?: boolean;
}

/** What a result says about the standard it was computed with. */
export type StandardSummary = Pick<Standard, 'id' | 'title' | 'legalBasis' | 'effectiveFrom' | 'effectiveTo' | 'provisional'>;

export interface DeprivedDimension {
  id: string;
  label: string;
  indicators: { id: string; label: string }[];
}

export interface ScreeningResult {
  standard: StandardSummary;
  category: Category;
  incomePerCapita: number;
  incomeLine: number;
  deprivationCount: number;
  deprivedDimensions: DeprivedDimension[];
  entitlements: { id: string; title: string; summary: string; legalBasis: string; confirmed: boolean }[];
  nextSteps: string[];
  /** Sentences about this result: close to a line, provisional standard, unconfirmed thresholds. */
  notes: string[];
  disclaimer: string;
}
