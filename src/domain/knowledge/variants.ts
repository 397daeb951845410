import type { CitizenFacts, Condition, KnowledgeEntry, Variant } from './types.js';

/** Whether every condition given holds for the facts known; an unknown fact never satisfies a condition. */
export function conditionHolds(when: Condition, facts: CitizenFacts): boolean {
  if (when.category && !(facts.category && when.category.includes(facts.category))) return false;
  if (when.area && !(facts.area && when.area.includes(facts.area))) return false;
  if (when.schoolLevel && !(facts.schoolLevel && when.schoolLevel.includes(facts.schoolLevel))) return false;
  if (when.minAge !== undefined && !(facts.age !== undefined && facts.age >= when.minAge)) return false;
  if (when.maxAge !== undefined && !(facts.age !== undefined && facts.age <= when.maxAge)) return false;
  if (when.disability && !facts.disability) return false;
  if (when.pregnant && !facts.pregnant) return false;
  if (when.ethnicMinority && !facts.ethnicMinority) return false;
  return true;
}

/** How many facts a condition names: the more specific variant wins when several hold. */
const specificity = (when: Condition) => Object.keys(when).length;

/** The variant of `entry` for what is known of the asker, or null for the entry's general answer. */
export function variantFor(entry: KnowledgeEntry, facts: CitizenFacts): Variant | null {
  let best: Variant | null = null;
  for (const variant of entry.variants) {
    if (conditionHolds(variant.when, facts) && (!best || specificity(variant.when) > specificity(best.when))) best = variant;
  }
  return best;
}
