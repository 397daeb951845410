import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { load as parseYaml } from 'js-yaml';
import { z } from 'zod';
import {
  type Condition,
  HOUSEHOLD_CATEGORIES,
  type KnowledgeEntry,
  type Referral,
  SCHOOL_LEVELS,
} from '../domain/knowledge/types.js';
import { ContentError } from '../errors.js';
import { fold } from '../text/fold.js';
import { displayPath, isoDate, legalReference, vietnameseText } from './answers.js';
import { friendlyError } from './friendly-error.js';
import { hashSources, readSnapshot, writeSnapshot } from './snapshot-file.js';
import { syntaxProblem } from './syntax-problem.js';

/**
 * The knowledge base: content/knowledge/*.yaml holds question-level entries (see its README), content/referrals.yaml
 * the requests that belong to other offices. Validated at start-up like the answer cards: shape with zod, then the
 * rules that span files (unique ids, known topics, related ids that exist, a paraphrase claimed by two entries).
 */

export const KNOWLEDGE_LIMITS = {
  question: 200,
  paraphrase: 400,
  minParaphrases: 4,
  answer: 500,
  referralAnswer: 400,
  where: 200,
  office: 150,
  related: 6,
  variants: 8,
} as const;

const entryId = z.string().regex(/^[a-z][a-z0-9_]*\.[a-z0-9_]+$/, {
  error: 'must be "<topic>.<name>" (lower case, digits, _)',
});
const topicName = z.string().regex(/^[a-z][a-z0-9_]*$/, { error: 'must be a topic (intent) name' });
const oneOrMany = <T extends z.ZodType>(item: T) => z.union([item, z.array(item).min(1)]).transform((v) => (Array.isArray(v) ? v : [v]));

const condition = z
  .strictObject({
    category: oneOrMany(z.enum(HOUSEHOLD_CATEGORIES)).optional(),
    area: oneOrMany(z.enum(['rural', 'urban'])).optional(),
    minAge: z.number().int().min(0).max(120).optional(),
    maxAge: z.number().int().min(0).max(120).optional(),
    schoolLevel: oneOrMany(z.enum(SCHOOL_LEVELS)).optional(),
    disability: z.literal(true).optional(),
    pregnant: z.literal(true).optional(),
    ethnicMinority: z.literal(true).optional(),
  })
  .refine((c) => Object.keys(c).length > 0, { error: 'must name at least one condition' });

const paraphrase = z
  .string()
  .transform((s) => s.normalize('NFC').trim())
  .pipe(z.string().min(3).max(KNOWLEDGE_LIMITS.paraphrase));

const variant = z.strictObject({
  when: condition,
  answer: vietnameseText(KNOWLEDGE_LIMITS.answer),
  legalBasis: z.array(legalReference).min(1).max(5).optional(),
  where: vietnameseText(KNOWLEDGE_LIMITS.where).optional(),
});

const entrySchema = z
  .strictObject({
    id: entryId,
    topic: topicName.optional(),
    kind: z.enum(['policy', 'conversational']).default('policy'),
    question: vietnameseText(KNOWLEDGE_LIMITS.question),
    paraphrases: z.array(paraphrase).min(KNOWLEDGE_LIMITS.minParaphrases),
    answer: vietnameseText(KNOWLEDGE_LIMITS.answer),
    variants: z.array(variant).max(KNOWLEDGE_LIMITS.variants).default([]),
    legalBasis: z.array(legalReference).min(1).max(5).optional(),
    asOf: isoDate.optional(),
    where: vietnameseText(KNOWLEDGE_LIMITS.where).optional(),
    related: z.array(entryId).max(KNOWLEDGE_LIMITS.related).default([]),
    handoff: z.boolean().default(false),
  })
  .superRefine((entry, ctx) => {
    if (entry.kind === 'policy') {
      for (const field of ['legalBasis', 'asOf', 'where'] as const) {
        if (!entry[field]) ctx.addIssue({ code: 'custom', path: [field], message: 'is required for a policy entry' });
      }
    }
  });

const knowledgeFileSchema = z.strictObject({
  topic: topicName.optional(),
  entries: z.array(entrySchema).min(1),
});

const referralSchema = z.strictObject({
  id: z.string().regex(/^[a-z][a-z0-9_]*$/, { error: 'must be lower case letters, digits and _' }),
  request: vietnameseText(KNOWLEDGE_LIMITS.question),
  paraphrases: z.array(paraphrase).min(KNOWLEDGE_LIMITS.minParaphrases),
  office: vietnameseText(KNOWLEDGE_LIMITS.office),
  answer: vietnameseText(KNOWLEDGE_LIMITS.referralAnswer),
  asOf: isoDate,
});

const referralFileSchema = z.strictObject({ referrals: z.array(referralSchema).min(1) });

type RawEntry = z.infer<typeof entrySchema>;

export interface Knowledge {
  entries: readonly KnowledgeEntry[];
  referrals: readonly Referral[];
}

/**
 * Reads content/knowledge/*.yaml and the referral list. `intentNames` are the topics an entry may have. (The answer
 * cards are loaded after this, given the entries' ids: a card's button may name an entry, and no card may reuse one.)
 */
export async function loadKnowledge(dir: string, referralsFile: string, intentNames: readonly string[]): Promise<Knowledge> {
  const problems: string[] = [];
  const entries: { label: string; index: number; entry: KnowledgeEntry }[] = [];

  const names = (await readdir(dir)).filter((name) => /\.ya?ml$/.test(name)).sort();
  for (const name of names) {
    const label = displayPath(path.join(dir, name));
    const parsed = parseFile(label, await readFile(path.join(dir, name), 'utf8'), knowledgeFileSchema, 'entries');
    if ('problems' in parsed) {
      problems.push(...parsed.problems);
      continue;
    }
    parsed.data.entries.forEach((raw, index) => {
      const topic = raw.topic ?? parsed.data.topic;
      if (!topic) problems.push(`${label}: entries[${index}] (${raw.id}): topic is required (on the entry or the file)`);
      else entries.push({ label, index, entry: toEntry(raw, topic) });
    });
  }

  const referrals: Referral[] = [];
  const referralLabel = displayPath(referralsFile);
  const referralSource = await readFile(referralsFile, 'utf8').catch(() => null);
  const parsedReferrals =
    referralSource === null
      ? { problems: [`${referralLabel}: file is missing`] }
      : parseFile(referralLabel, referralSource, referralFileSchema, 'referrals');
  if ('problems' in parsedReferrals) problems.push(...parsedReferrals.problems);
  else referrals.push(...parsedReferrals.data.referrals);

  if (problems.length === 0) problems.push(...crossProblems(entries, referrals, referralLabel, intentNames));
  if (problems.length > 0) throw new ContentError(problems);
  return { entries: entries.map((e) => e.entry), referrals };
}

/**
 * The knowledge base as `loadKnowledge` returns it, from the build's snapshot (dist/knowledge.json) while the files
 * are byte for byte the ones it was made from: reading and validating the YAML took ~130 ms of start-up. Otherwise
 * (no snapshot, a file changed, added or removed) the files are read and validated here, so a broken file still
 * stops start-up with its ContentError. `hash` names the sources, for snapshots derived from them (the search index).
 */
export async function loadKnowledgeFast(
  dir: string,
  referralsFile: string,
  intentNames: readonly string[],
  snapshotFile: string | URL | undefined,
): Promise<{ knowledge: Knowledge; hash: string | null }> {
  const hash = await hashKnowledgeSources(dir, referralsFile, intentNames);
  const snapshot = hash && snapshotFile ? await readSnapshot(snapshotFile, hash, knowledgeSnapshotSchema) : null;
  if (!snapshot) return { knowledge: await loadKnowledge(dir, referralsFile, intentNames), hash };
  // JSON leaves out the fields that are undefined: rebuilt, every entry has the same shape as when read from YAML,
  // which keeps the code that reads entries on its fast path.
  return { knowledge: { entries: snapshot.entries.map((e) => toEntry(e as RawEntry, e.topic)), referrals: snapshot.referrals }, hash };
}

export async function writeKnowledgeSnapshot(file: string | URL, hash: string, knowledge: Knowledge): Promise<void> {
  await writeSnapshot(file, hash, knowledge);
}

/** The hash of everything the validated knowledge base depends on; null when a file cannot be read (loadKnowledge says why). */
export async function hashKnowledgeSources(dir: string, referralsFile: string, intentNames: readonly string[]): Promise<string | null> {
  try {
    const names = (await readdir(dir)).filter((name) => /\.ya?ml$/.test(name)).sort();
    return await hashSources([...names.map((name) => path.join(dir, name)), referralsFile], intentNames);
  } catch {
    return null;
  }
}

/**
 * The snapshot was validated when it was made, by this code: this only checks it is one. The hash vouches for the
 * rest, and checking each entry again would cost much of what the snapshot saves.
 */
const knowledgeSnapshotSchema = z.object({
  entries: z.custom<KnowledgeEntry[]>(Array.isArray),
  referrals: z.custom<Referral[]>(Array.isArray),
});

function parseFile<T extends z.ZodType>(
  label: string,
  source: string,
  schema: T,
  listField: string,
): { label: string; data: z.infer<T> } | { problems: string[] } {
  let raw: unknown;
  try {
    raw = parseYaml(source);
  } catch (error) {
    return { problems: [syntaxProblem(label, source, error)] };
  }
  const result = schema.safeParse(raw, { error: friendlyError });
  if (result.success) return { label, data: result.data };
  return { problems: result.error.issues.map((issue) => `${label}: ${describeIssue(raw, issue, listField)}`) };
}

/** "entries[3] (credit.rate): answer is 612 characters long…": the id makes the line findable in the file. */
function describeIssue(raw: unknown, issue: z.core.$ZodIssue, listField: string): string {
  const [first, index, ...rest] = issue.path;
  let where = '';
  let fieldPath: PropertyKey[] = issue.path;
  if (first === listField && typeof index === 'number') {
    const id = (raw as Record<string, { id?: unknown }[] | undefined>)[listField]?.[index]?.id;
    where = `${listField}[${index}]${typeof id === 'string' ? ` (${id})` : ''}: `;
    fieldPath = rest;
  }
  const field = fieldPath.map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i > 0 ? '.' : ''}${String(p)}`)).join('');
  return `${where}${field ? `${field} ` : ''}${issue.message}`;
}

function crossProblems(
  entries: readonly { label: string; index: number; entry: KnowledgeEntry }[],
  referrals: readonly Referral[],
  referralLabel: string,
  intentNames: readonly string[],
): string[] {
  const problems: string[] = [];
  const topics = new Set(intentNames);
  const ids = new Map<string, string>();
  const phraseOwner = new Map<string, string>();
  const claim = (phrase: string, owner: string, at: string) => {
    const key = fold(phrase);
    const previous = phraseOwner.get(key);
    if (previous && previous !== owner) problems.push(`${at}: "${phrase}" is also a question of ${previous}`);
    else phraseOwner.set(key, owner);
  };

  for (const { label, index, entry } of entries) {
    const at = `${label}: entries[${index}] (${entry.id})`;
    if (!topics.has(entry.topic)) problems.push(`${at}: topic "${entry.topic}" is not one of the intents`);
    if (!entry.id.startsWith(`${entry.topic}.`)) problems.push(`${at}: id must start with "${entry.topic}."`);
    const other = ids.get(entry.id);
    if (other) problems.push(`${at}: id "${entry.id}" is already used in ${other}`);
    else ids.set(entry.id, label);
    for (const phrase of [entry.question, ...entry.paraphrases]) claim(phrase, entry.id, at);
    entry.variants.forEach((v, i) => {
      const { minAge, maxAge } = v.when;
      if (minAge !== undefined && maxAge !== undefined && minAge > maxAge) {
        problems.push(`${at}: variants[${i}].when: minAge is above maxAge`);
      }
    });
  }
  for (const { label, index, entry } of entries) {
    for (const id of entry.related) {
      if (!ids.has(id)) problems.push(`${label}: entries[${index}] (${entry.id}): related "${id}" is not an entry`);
      if (id === entry.id) problems.push(`${label}: entries[${index}] (${entry.id}): related names the entry itself`);
    }
  }
  const referralIds = new Set<string>();
  referrals.forEach((r, index) => {
    const at = `${referralLabel}: referrals[${index}] (${r.id})`;
    if (referralIds.has(r.id)) problems.push(`${at}: id "${r.id}" is used twice`);
    referralIds.add(r.id);
    for (const phrase of [r.request, ...r.paraphrases]) claim(phrase, `referral ${r.id}`, at);
  });
  return problems;
}

function toEntry(raw: RawEntry, topic: string): KnowledgeEntry {
  return {
    id: raw.id,
    topic,
    question: raw.question,
    paraphrases: raw.paraphrases,
    answer: raw.answer,
    variants: raw.variants.map((v) => ({ ...v, when: v.when as Condition })),
    legalBasis: raw.legalBasis ?? [],
    asOf: raw.asOf,
    where: raw.where,
    related: raw.related,
    handoff: raw.handoff,
    kind: raw.kind,
  };
}

/**
 * The knowledge base as training examples for the topic classifier: each entry's question and paraphrases labelled
 * with its topic, each referral's labelled fallback (it is outside the programme). They are our own sentences.
 * Each question also comes once with its answer: citizens' letters use the words of the answer (the allowance's
 * legal name, the office, the paper to bring) more than our short paraphrases do.
 */
export function trainingUtterancesOf(knowledge: Knowledge): { text: string; intent: string }[] {
  return [
    ...knowledge.entries.flatMap((e) => [e.question, ...e.paraphrases, `${e.question} ${e.answer}`].map((text) => ({ text, intent: e.topic }))),
    ...knowledge.referrals.flatMap((r) => [r.request, ...r.paraphrases, `${r.request} ${r.answer}`].map((text) => ({ text, intent: 'fallback' }))),
  ];
}
