import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { load as parseYaml } from 'js-yaml';
import { z } from 'zod';
import {
  AREAS,
  CATEGORIES,
  type Entitlement,
  type Guidance,
  type NextStep,
  type PovertyRules,
  type Standard,
} from '../domain/poverty/types.js';
import { ContentError, contentProblem } from '../errors.js';
import { removeDiacritics } from '../text/fold.js';
import { friendlyError } from './friendly-error.js';
import { syntaxProblem } from './syntax-problem.js';

/**
 * The poverty rules as data: content/standards/ holds one YAML file per standard (named after its id), plus
 * entitlements.yaml and guidance.yaml. Everything is validated at start-up, shape first, then the rules that span
 * entries (dates that overlap, duplicate ids, an unconfirmed entitlement that states an amount…); one Error lists
 * every problem, each line naming the file.
 */
const ENTITLEMENTS_FILE = 'entitlements.yaml';
const GUIDANCE_FILE = 'guidance.yaml';

/** Placeholders each note may use (see GuidanceNotes). */
const NOTE_PLACEHOLDERS: Record<keyof Guidance['notes'], readonly string[]> = {
  nearLineBelow: [],
  nearLineAbove: ['category'],
  nearLineAboveUnassessed: [],
  oneShortOfPoor: ['count', 'min'],
  unconfirmedIndicators: [],
};

/** An amount of money or a percentage: what an unconfirmed entitlement must not state. */
const STATES_AN_AMOUNT = /\d[\d.,]*\s*(%|đồng|đ\b|triệu|nghìn|ngàn|tỷ)/i;

// ---------------------------------------------------------------------------------------------------------------
// Shapes

const prose = z
  .string()
  .transform((s) => s.normalize('NFC').replace(/\s+/g, ' ').trim())
  .pipe(z.string().min(1, { error: 'must not be empty' }))
  .refine((s) => removeDiacritics(s) !== s, { error: 'has no Vietnamese diacritics; write it with full accents' });

const plainText = z
  .string()
  .transform((s) => s.replace(/\s+/g, ' ').trim())
  .pipe(z.string().min(1, { error: 'must not be empty' }));

const id = z.string().regex(/^[a-z][a-z0-9_]*$/, { error: 'must be lower case letters, digits and _' });

const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, { error: 'must be a date written "YYYY-MM-DD" (quoted)' })
  .refine((s) => new Date(`${s}T00:00:00Z`).toISOString().startsWith(s), { error: 'is not a real calendar date' });

const money = z.number().int({ error: 'must be a whole number of đồng' }).positive();

const indicatorSchema = z.strictObject({
  id,
  label: prose,
  question: prose,
  threshold: prose,
  confirmed: z.boolean(),
});

const standardSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9-]+$/, { error: 'must be lower case letters, digits and -' }),
  title: prose,
  legalBasis: prose,
  effectiveFrom: isoDate,
  effectiveTo: isoDate.nullable().default(null),
  provisional: z.boolean(),
  provisionalNote: prose.nullable().default(null),
  sources: z.array(plainText).min(1),
  areas: z.strictObject({
    rural: z.strictObject({ label: prose, incomeLine: money, averageLivingUpTo: money.nullable() }),
    urban: z.strictObject({ label: prose, incomeLine: money, averageLivingUpTo: money.nullable() }),
  }),
  classification: z.strictObject({
    minDeprivationsForPoor: z.number().int().min(1),
    nearLinePercent: z.number().int().min(0).max(50),
    rule: prose,
  }),
  dimensions: z
    .array(z.strictObject({ id, label: prose, indicators: z.array(indicatorSchema).min(1) }))
    .min(1),
}) satisfies z.ZodType<Standard, unknown>;

const datedEntry = {
  confirmed: z.boolean(),
  categories: z.array(z.enum(CATEGORIES)).min(1),
  effectiveFrom: isoDate.nullable().default(null),
  effectiveTo: isoDate.nullable().default(null),
};

const entitlementSchema = z.strictObject({
  id,
  title: prose,
  summary: prose,
  legalBasis: prose,
  areas: z.array(z.enum(AREAS)).min(1).nullable().default(null),
  ...datedEntry,
}) satisfies z.ZodType<Entitlement, unknown>;

const entitlementsFileSchema = z.strictObject({ entitlements: z.array(entitlementSchema).min(1) });

const nextStepSchema = z.strictObject({ id, text: prose, ...datedEntry }) satisfies z.ZodType<NextStep, unknown>;

const guidanceSchema = z.strictObject({
  disclaimer: prose,
  categoryLabels: z.strictObject({ poor: prose, near_poor: prose, average_living: prose, none: prose }),
  notes: z.strictObject({
    nearLineBelow: prose,
    nearLineAbove: prose,
    nearLineAboveUnassessed: prose,
    oneShortOfPoor: prose,
    unconfirmedIndicators: prose,
  }),
  nextSteps: z.array(nextStepSchema).min(1),
}) satisfies z.ZodType<Guidance, unknown>;


// ---------------------------------------------------------------------------------------------------------------
// Loading

/** Reads and validates content/standards/; throws ContentError listing every problem with its file. */
export async function loadPovertyRules(dir: string): Promise<PovertyRules> {
  const problems: string[] = [];
  let names: string[];
  try {
    names = (await readdir(dir)).filter((n) => /\.ya?ml$/.test(n)).sort();
  } catch {
    throw new ContentError(contentProblem(displayPath(dir), '(folder)', 'cannot be read'));
  }
  const read = async <T>(name: string, schema: z.ZodType<T, unknown>): Promise<T | undefined> => {
    const label = displayPath(path.join(dir, name));
    if (!names.includes(name)) {
      problems.push(`${label}: file is missing`);
      return undefined;
    }
    const text = await readFile(path.join(dir, name), 'utf8');
    let raw: unknown;
    try {
      raw = parseYaml(text);
    } catch (error) {
      problems.push(syntaxProblem(label, text, error));
      return undefined;
    }
    const result = schema.safeParse(raw, { error: friendlyError });
    if (result.success) return result.data;
    for (const issue of result.error.issues) problems.push(`${label}: ${fieldPath(issue.path)}${issue.message}`);
    return undefined;
  };

  const standards: { label: string; standard: Standard }[] = [];
  for (const name of names.filter((n) => n !== ENTITLEMENTS_FILE && n !== GUIDANCE_FILE)) {
    const standard = await read(name, standardSchema);
    if (!standard) continue;
    const label = displayPath(path.join(dir, name));
    if (name !== `${standard.id}.yaml`) problems.push(`${label}: the standard "${standard.id}" must be in ${standard.id}.yaml`);
    problems.push(...standardProblems(standard).map((p) => `${label}: ${p}`));
    standards.push({ label, standard });
  }
  if (standards.length === 0) problems.push(`${displayPath(dir)}: no standard file (expected e.g. vn-2022-2025.yaml)`);
  problems.push(...overlappingStandards(standards));

  const entitlementsLabel = displayPath(path.join(dir, ENTITLEMENTS_FILE));
  const entitlements = (await read(ENTITLEMENTS_FILE, entitlementsFileSchema))?.entitlements;
  if (entitlements) problems.push(...entitlementProblems(entitlements).map((p) => `${entitlementsLabel}: ${p}`));

  const guidanceLabel = displayPath(path.join(dir, GUIDANCE_FILE));
  const guidance = await read(GUIDANCE_FILE, guidanceSchema);
  if (guidance) problems.push(...guidanceProblems(guidance).map((p) => `${guidanceLabel}: ${p}`));

  if (problems.length > 0 || !entitlements || !guidance) {
    throw new ContentError(problems);
  }
  return {
    standards: standards.map((s) => s.standard).sort((a, b) => a.effectiveFrom.localeCompare(b.effectiveFrom)),
    entitlements,
    guidance,
  };
}

function standardProblems(s: Standard): string[] {
  const problems: string[] = [];
  if (s.effectiveTo !== null && s.effectiveTo < s.effectiveFrom) problems.push('effectiveTo is before effectiveFrom');
  if (s.provisional && !s.provisionalNote) problems.push('provisionalNote is required when provisional is true');
  if (!s.provisional && s.provisionalNote) problems.push('provisionalNote is only for a provisional standard');
  for (const area of AREAS) {
    const { incomeLine, averageLivingUpTo } = s.areas[area];
    if (averageLivingUpTo !== null && averageLivingUpTo <= incomeLine) {
      problems.push(`areas.${area}.averageLivingUpTo must be above the income line ${incomeLine}`);
    }
  }
  problems.push(...duplicates(s.dimensions.map((d) => d.id)).map((d) => `dimension id "${d}" appears twice`));
  const indicators = s.dimensions.flatMap((d) => d.indicators);
  problems.push(...duplicates(indicators.map((i) => i.id)).map((i) => `indicator id "${i}" appears twice`));
  if (indicators.length < s.classification.minDeprivationsForPoor) {
    problems.push(`has ${indicators.length} indicator(s), fewer than minDeprivationsForPoor`);
  }
  return problems;
}

function overlappingStandards(standards: readonly { label: string; standard: Standard }[]): string[] {
  const problems: string[] = [];
  standards.forEach((a, i) => {
    for (const b of standards.slice(i + 1)) {
      if (overlaps(a.standard, b.standard)) {
        problems.push(`${b.label}: its dates overlap those of ${a.standard.id} (${a.label}); one standard per day`);
      }
    }
  });
  return problems;
}

/** Same-id entries are versions of one entitlement: their dates must not overlap. */
function entitlementProblems(entitlements: readonly Entitlement[]): string[] {
  const problems = datedEntryProblems('entitlements', entitlements);
  entitlements.forEach((e, i) => {
    if (!e.confirmed && STATES_AN_AMOUNT.test(e.summary)) {
      problems.push(`entitlements[${i}] (${e.id}): states an amount but is not confirmed; remove the amount or confirm it`);
    }
  });
  return problems;
}

function guidanceProblems(guidance: Guidance): string[] {
  const problems = datedEntryProblems('nextSteps', guidance.nextSteps);
  for (const [name, allowed] of Object.entries(NOTE_PLACEHOLDERS) as [keyof Guidance['notes'], readonly string[]][]) {
    for (const [, used] of guidance.notes[name].matchAll(/\{(\w+)\}/g)) {
      if (!allowed.includes(used!)) {
        problems.push(`notes.${name}: unknown placeholder {${used}} (allowed: ${allowed.map((a) => `{${a}}`).join(', ') || 'none'})`);
      }
    }
  }
  return problems;
}

type Dated = { id: string; effectiveFrom: string | null; effectiveTo: string | null };

function datedEntryProblems(list: string, entries: readonly Dated[]): string[] {
  const problems: string[] = [];
  entries.forEach((e, i) => {
    if (e.effectiveFrom && e.effectiveTo && e.effectiveTo < e.effectiveFrom) {
      problems.push(`${list}[${i}] (${e.id}): effectiveTo is before effectiveFrom`);
    }
    entries.slice(0, i).forEach((earlier, j) => {
      if (earlier.id === e.id && overlaps(earlier, e)) {
        problems.push(`${list}[${i}] (${e.id}): its dates overlap ${list}[${j}] with the same id`);
      }
    });
  });
  return problems;
}

function overlaps(a: Omit<Dated, 'id'>, b: Omit<Dated, 'id'>): boolean {
  const startsBeforeEnd = (x: Omit<Dated, 'id'>, y: Omit<Dated, 'id'>) =>
    x.effectiveFrom === null || y.effectiveTo === null || x.effectiveFrom <= y.effectiveTo;
  return startsBeforeEnd(a, b) && startsBeforeEnd(b, a);
}

function duplicates(values: readonly string[]): string[] {
  return [...new Set(values.filter((v, i) => values.indexOf(v) !== i))];
}

function fieldPath(p: readonly PropertyKey[]): string {
  const text = p.map((k, i) => (typeof k === 'number' ? `[${k}]` : `${i > 0 ? '.' : ''}${String(k)}`)).join('');
  return text ? `${text} ` : '';
}

function displayPath(file: string): string {
  const relative = path.relative(process.cwd(), file);
  return relative && !relative.startsWith('..') ? relative : path.resolve(file);
}
