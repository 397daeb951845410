import { classify } from './classify.js';
import { indicatorsOf, unknownIndicatorIds } from './standards.js';
import type {
  Area,
  Category,
  DeprivedDimension,
  Entitlement,
  Household,
  IsoDate,
  NextStep,
  PovertyRules,
  ScreeningResult,
  Standard,
} from './types.js';

const inForce = (item: { effectiveFrom: IsoDate | null; effectiveTo: IsoDate | null }, date: IsoDate) =>
  (item.effectiveFrom === null || item.effectiveFrom <= date) && (item.effectiveTo === null || date <= item.effectiveTo);

/** Fills `{name}` placeholders (the content loader checks that templates use only known names). */
export function fillTemplate(template: string, values: Record<string, string | number>): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in values ? String(values[name]) : whole));
}

function entitlementsFor(rules: PovertyRules, category: Category, area: Area, date: IsoDate): Entitlement[] {
  return rules.entitlements.filter(
    (e) => e.categories.includes(category) && (e.areas === null || e.areas.includes(area)) && inForce(e, date),
  );
}

function nextStepsFor(rules: PovertyRules, categories: readonly Category[], date: IsoDate): NextStep[] {
  return rules.guidance.nextSteps.filter((s) => s.categories.some((c) => categories.includes(c)) && inForce(s, date));
}

function deprivedDimensions(standard: Standard, deprivations: readonly string[]): DeprivedDimension[] {
  const deprived = new Set(deprivations);
  return standard.dimensions
    .map((d) => ({
      id: d.id,
      label: d.label,
      indicators: d.indicators.filter((i) => deprived.has(i.id)).map((i) => ({ id: i.id, label: i.label })),
    }))
    .filter((d) => d.indicators.length > 0);
}

/**
 * The full answer for one household under the standard in force on `date`: category, the deprived dimensions, the
 * support that category brings on that date, the next steps and the notes that qualify the result.
 */
export function screenHousehold(rules: PovertyRules, standard: Standard, household: Household, date: IsoDate): ScreeningResult {
  const unknown = unknownIndicatorIds(standard, household.deprivations);
  if (unknown.length > 0) throw new Error(`Not indicators of ${standard.id}: ${unknown.join(', ')}`);

  const c = classify(standard, household);
  const { notes: templates, categoryLabels } = rules.guidance;
  const notes: string[] = [];
  if (standard.provisional && standard.provisionalNote) notes.push(standard.provisionalNote);
  if (c.nearLine === 'below') notes.push(templates.nearLineBelow);
  if (c.nearLine === 'above') {
    notes.push(
      c.categoryAtLine
        ? fillTemplate(templates.nearLineAbove, { category: categoryLabels[c.categoryAtLine] })
        : templates.nearLineAboveUnassessed,
    );
  }
  const min = standard.classification.minDeprivationsForPoor;
  if (c.withinLine && c.deprivationCount === min - 1) {
    notes.push(fillTemplate(templates.oneShortOfPoor, { count: c.deprivationCount, min }));
  }
  const deprivationsDecide = c.withinLine || c.categoryAtLine !== null;
  if (deprivationsDecide && indicatorsOf(standard).some((i) => !i.confirmed)) notes.push(templates.unconfirmedIndicators);

  // Just above the line, a review could still find the household poor or near-poor: how to ask for one, too.
  const stepCategories: Category[] =
    c.nearLine === 'above' ? [c.category, c.categoryAtLine ?? 'near_poor'] : [c.category];
  return {
    standard: {
      id: standard.id,
      title: standard.title,
      legalBasis: standard.legalBasis,
      effectiveFrom: standard.effectiveFrom,
      effectiveTo: standard.effectiveTo,
      provisional: standard.provisional,
    },
    category: c.category,
    incomePerCapita: c.incomePerCapita,
    incomeLine: c.incomeLine,
    deprivationCount: c.deprivationCount,
    deprivedDimensions: deprivedDimensions(standard, household.deprivations),
    entitlements: entitlementsFor(rules, c.category, household.area, date).map((e) => ({
      id: e.id,
      title: e.title,
      summary: e.summary,
      legalBasis: e.legalBasis,
      confirmed: e.confirmed,
    })),
    nextSteps: nextStepsFor(rules, stepCategories, date).map((s) => s.text),
    notes,
    disclaimer: rules.guidance.disclaimer,
  };
}
