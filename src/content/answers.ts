import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { load as parseYaml } from 'js-yaml';
import { z } from 'zod';
import { ContentError } from '../errors.js';
import { ANSWER_PAYLOAD_PREFIX, CONTROL_PAYLOAD_PREFIX, CONTROL_WORDS, INTENT_PAYLOAD_PREFIX } from '../payloads.js';
import { removeDiacritics } from '../text/fold.js';
import { friendlyError } from './friendly-error.js';
import { syntaxProblem } from './syntax-problem.js';

/**
 * The topic cards: one YAML file per intent in content/answers/, each holding the intent's main answer and any
 * sub-answers named by buttons (question-level answers live in content/knowledge/). Everything is checked at start-up (shape with zod, then the rules that span files), so a broken
 * button or a policy claim without its legal source stops the service instead of reaching a citizen.
 */

/** Limits chosen so that a rendered answer (text + legal basis + where to go) always fits Zalo's 2,000 characters. */
export const ANSWER_LIMITS = {
  text: 600,
  where: 200,
  legalReferences: 5,
  legalDocument: 100,
  legalArticle: 60,
  quickReplies: 10,
  /** Zalo documents both 20 and 100 for button titles; the smaller one is the safe one. */
  quickReplyTitle: 20,
} as const;

export type AnswerKind = 'policy' | 'conversational';

export interface LegalReference {
  document: string;
  article?: string;
}

export interface AnswerQuickReply {
  title: string;
  /** A payload (src/payloads.ts): `intent:<name>`, `answer:<id>` or `control:<word>`. */
  target: string;
}

export interface Answer {
  id: string;
  /** The intent whose file holds this answer. */
  intent: string;
  kind: AnswerKind;
  text: string;
  legalBasis: LegalReference[];
  /** YYYY-MM-DD: the day the facts were last checked. */
  asOf?: string;
  /** Where to go next, or which paper to bring. */
  where?: string;
  quickReplies: AnswerQuickReply[];
}

// ---------------------------------------------------------------------------------------------------------------
// Shape of one file

const hasVietnameseMarks = (s: string) => removeDiacritics(s) !== s;

export const trimmedText = (max: number) =>
  z
    .string()
    .transform((s) => s.normalize('NFC').trim())
    .pipe(
      z
        .string()
        .min(1, { error: 'must not be empty' })
        .max(max, { error: (issue) => `is ${String(issue.input).length} characters long; the limit is ${max}` }),
    );

/** Citizen-facing prose: unaccented Vietnamese is hard to read and ambiguous ("ban" = bạn, bán, bàn…). */
export const vietnameseText = (max: number) =>
  trimmedText(max).refine(hasVietnameseMarks, {
    error: 'has no Vietnamese diacritics; write it with full accents (ả, ơ, đ…)',
  });

export const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, { error: 'must be a date written YYYY-MM-DD' })
  .refine(
    (s) => {
      // "2026-02-30" parses as 2 March: only a date that survives the round trip is real.
      const date = new Date(`${s}T00:00:00Z`);
      return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(s);
    },
    { error: 'is not a real calendar date' },
  );

export const legalReference = z.strictObject({
  document: trimmedText(ANSWER_LIMITS.legalDocument),
  article: trimmedText(ANSWER_LIMITS.legalArticle).optional(),
});

const quickReply = z.strictObject({
  title: trimmedText(ANSWER_LIMITS.quickReplyTitle),
  target: z.string().regex(/^(intent|answer|control):[a-z0-9_.]+$/, {
    error: 'must be "intent:<name>", "answer:<id>" or "control:<word>"',
  }),
});

const answerSchema = z
  .strictObject({
    id: z.string().regex(/^[a-z][a-z0-9_]*(\.[a-z0-9_]+)?$/, {
      error: 'must be the intent name, or "<intent>.<name>" for a sub-answer (lower case, digits, _)',
    }),
    kind: z.enum(['policy', 'conversational']),
    text: vietnameseText(ANSWER_LIMITS.text),
    legalBasis: z.array(legalReference).min(1).max(ANSWER_LIMITS.legalReferences).optional(),
    asOf: isoDate.optional(),
    where: vietnameseText(ANSWER_LIMITS.where).optional(),
    quickReplies: z.array(quickReply).max(ANSWER_LIMITS.quickReplies).optional(),
  })
  .superRefine((answer, ctx) => {
    // A policy claim a citizen may act on must say where it comes from and when it was last checked.
    if (answer.kind === 'policy') {
      if (!answer.legalBasis) ctx.addIssue({ code: 'custom', path: ['legalBasis'], message: 'is required for a policy answer' });
      if (!answer.asOf) ctx.addIssue({ code: 'custom', path: ['asOf'], message: 'is required for a policy answer' });
      if (!answer.where) ctx.addIssue({ code: 'custom', path: ['where'], message: 'is required for a policy answer' });
    }
    if (answer.legalBasis && !answer.asOf) {
      ctx.addIssue({ code: 'custom', path: ['asOf'], message: 'is required when legalBasis is given' });
    }
  });

const answerFileSchema = z.strictObject({
  intent: z.string().regex(/^[a-z][a-z0-9_]*$/, { error: 'must be an intent name (lower case, digits, _)' }),
  answers: z.array(answerSchema).min(1),
});

type AnswerFile = z.infer<typeof answerFileSchema>;


// ---------------------------------------------------------------------------------------------------------------
// The book

/** The validated answers, by id and by intent. loadAnswers builds it; tests may build one from literal answers. */
export class AnswerBook {
  readonly #byId = new Map<string, Answer>();

  constructor(answers: readonly Answer[]) {
    for (const answer of answers) this.#byId.set(answer.id, answer);
  }

  get(id: string): Answer | undefined {
    return this.#byId.get(id);
  }

  /** The main answer of an intent; throws for an intent without one (a wiring error, caught at start-up). */
  main(intent: string): Answer {
    const answer = this.#byId.get(intent);
    if (!answer || answer.id !== answer.intent) throw new Error(`No answer for intent "${intent}" in the answer book`);
    return answer;
  }

  all(): IterableIterator<Answer> {
    return this.#byId.values();
  }

  get size(): number {
    return this.#byId.size;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Loading

interface ParsedFile {
  label: string;
  data: AnswerFile;
}

/**
 * Reads every *.yaml file in `dir`, validates each, then checks the rules that span files. Throws one ContentError
 * that lists every problem, each line naming the file and the answer ("content/answers/credit.yaml: answers[2]
 * (credit.student): legalBasis is required for a policy answer").
 */
export async function loadAnswers(
  dir: string,
  intentNames: readonly string[],
  /** Ids of knowledge entries, which `answer:<id>` buttons may also name. */
  entryIds: ReadonlySet<string> = new Set(),
): Promise<AnswerBook> {
  const problems: string[] = [];
  const files: ParsedFile[] = [];

  const names = (await readdir(dir)).filter((name) => /\.ya?ml$/.test(name)).sort();
  for (const name of names) {
    const file = path.join(dir, name);
    const label = displayPath(file);
    const parsed = parseAnswerFile(label, await readFile(file, 'utf8'));
    if ('problems' in parsed) problems.push(...parsed.problems);
    else {
      files.push(parsed);
      const expected = `${parsed.data.intent}.yaml`;
      if (name !== expected) problems.push(`${label}: the file for intent "${parsed.data.intent}" must be named ${expected}`);
    }
  }

  // Cross-file rules only on files that parsed: a broken file would otherwise also show up as "missing" and its
  // answers as unknown button targets, burying the real problem.
  if (problems.length === 0) problems.push(...crossFileProblems(files, intentNames, displayPath(dir), entryIds));
  if (problems.length > 0) {
    throw new ContentError(problems);
  }
  return new AnswerBook(files.flatMap(({ data }) => data.answers.map((a) => toAnswer(data.intent, a))));
}

function parseAnswerFile(label: string, source: string): ParsedFile | { problems: string[] } {
  let raw: unknown;
  try {
    raw = parseYaml(source);
  } catch (error) {
    return { problems: [syntaxProblem(label, source, error)] };
  }
  const result = answerFileSchema.safeParse(raw, { error: friendlyError });
  if (result.success) return { label, data: result.data };
  return { problems: result.error.issues.map((issue) => `${label}: ${describeIssue(raw, issue)}`) };
}

/** "answers[2] (credit.student): legalBasis is required…" — the answer's id makes the line findable in the file. */
function describeIssue(raw: unknown, issue: z.core.$ZodIssue): string {
  const [first, index, ...rest] = issue.path;
  let where = '';
  let fieldPath: PropertyKey[] = issue.path;
  if (first === 'answers' && typeof index === 'number') {
    const id = (raw as { answers?: { id?: unknown }[] }).answers?.[index]?.id;
    where = `answers[${index}]${typeof id === 'string' ? ` (${id})` : ''}: `;
    fieldPath = rest;
  }
  const field = fieldPath.map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i > 0 ? '.' : ''}${String(p)}`)).join('');
  return `${where}${field ? `${field} ` : ''}${issue.message}`;
}

function crossFileProblems(
  files: readonly ParsedFile[],
  intentNames: readonly string[],
  dirLabel: string,
  entryIds: ReadonlySet<string>,
): string[] {
  const problems: string[] = [];
  const knownIntents = new Set(intentNames);
  const fileByIntent = new Map<string, string>();
  const answerIds = new Map<string, string>();

  for (const { label, data } of files) {
    if (!knownIntents.has(data.intent)) problems.push(`${label}: intent "${data.intent}" is not in the list of intents`);
    const previous = fileByIntent.get(data.intent);
    if (previous) problems.push(`${label}: intent "${data.intent}" already has answers in ${previous}`);
    else fileByIntent.set(data.intent, label);

    data.answers.forEach((answer, i) => {
      const at = `${label}: answers[${i}] (${answer.id})`;
      const isMain = answer.id === data.intent;
      if (!isMain && !answer.id.startsWith(`${data.intent}.`)) {
        problems.push(`${at}: id must be "${data.intent}" or start with "${data.intent}."`);
      }
      const other = answerIds.get(answer.id);
      if (other) problems.push(`${at}: id "${answer.id}" is already used in ${other}`);
      else if (entryIds.has(answer.id)) problems.push(`${at}: id "${answer.id}" is also a knowledge entry's id`);
      else answerIds.set(answer.id, label);
    });
    if (!data.answers.some((a) => a.id === data.intent)) {
      problems.push(`${label}: no main answer (an answer whose id is "${data.intent}")`);
    }
  }

  for (const intent of intentNames) {
    if (!fileByIntent.has(intent)) {
      problems.push(`${dirLabel}: no answers for intent "${intent}" (expected ${path.join(dirLabel, `${intent}.yaml`)})`);
    }
  }

  // Targets are checked once every id is known, so a button may point at an answer in any file.
  for (const { label, data } of files) {
    data.answers.forEach((answer, i) => {
      const seen = new Set<string>();
      answer.quickReplies?.forEach((reply, j) => {
        const at = `${label}: answers[${i}] (${answer.id}): quickReplies[${j}] "${reply.title}"`;
        const problem = targetProblem(reply.target, knownIntents, answerIds, entryIds);
        if (problem) problems.push(`${at}: ${problem}`);
        if (seen.has(reply.target)) problems.push(`${at}: target "${reply.target}" appears twice`);
        seen.add(reply.target);
      });
    });
  }
  return problems;
}

function targetProblem(
  target: string,
  intents: ReadonlySet<string>,
  answerIds: ReadonlyMap<string, string>,
  entryIds: ReadonlySet<string>,
): string | null {
  if (target.startsWith(INTENT_PAYLOAD_PREFIX)) {
    const intent = target.slice(INTENT_PAYLOAD_PREFIX.length);
    return intents.has(intent) ? null : `target "${target}": "${intent}" is not a known intent`;
  }
  if (target.startsWith(ANSWER_PAYLOAD_PREFIX)) {
    const id = target.slice(ANSWER_PAYLOAD_PREFIX.length);
    return answerIds.has(id) || entryIds.has(id) ? null : `target "${target}": no answer or knowledge entry has the id "${id}"`;
  }
  const word = target.slice(CONTROL_PAYLOAD_PREFIX.length);
  return (CONTROL_WORDS as readonly string[]).includes(word)
    ? null
    : `target "${target}": "${word}" is not one of ${CONTROL_WORDS.join(', ')}`;
}

function toAnswer(intent: string, a: AnswerFile['answers'][number]): Answer {
  return {
    id: a.id,
    intent,
    kind: a.kind,
    text: a.text,
    legalBasis: a.legalBasis ?? [],
    asOf: a.asOf,
    where: a.where,
    quickReplies: a.quickReplies ?? [],
  };
}

/** Paths in messages relative to the working directory when that is shorter ("content/answers/credit.yaml"). */
export function displayPath(file: string): string {
  const relative = path.relative(process.cwd(), file);
  return relative && !relative.startsWith('..') ? relative : path.resolve(file);
}
