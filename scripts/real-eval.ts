/**
 * Understanding measured on real questions people asked in public, each with its source address, never trained on:
 * test/eval/real-questions.yaml and the held-out test/eval/real-questions-holdout.yaml and
 * test/eval/real-questions-holdout-2.yaml (never used to tune wording or weights either; only reported). For each question, a fresh conversation on the widget's engine, and:
 *
 * - topic: the intent the turn was answered as equals the expected topic. Beside ours, the classifier alone and the
 *   topic accuracy of NLP.js and a `natural` Bayes classifier trained on the same data (intents/ plus the knowledge
 *   base's questions).
 * - entry: what the reply answers with (`Reply.source`: a knowledge entry, a referral or a topic card; a turn handed to
 *   a flow, such as the self-assessment, answers with that flow's topic) is one of the question's `entries`.
 *   A message answered as two questions (two entries) counts when either entry is expected: the reply holds both.
 *   "Ý bạn là…" counts as a miss (the citizen still has to choose, and the reply holds no answer); the line
 *   "entry, or among Ý bạn là" also counts it when an expected entry is among the candidates offered.
 * - essential fact: every group of key phrases has one phrase in the folded reply.
 *
 * `npm run nlu:real` runs this alone (add `--misses` to list what went wrong on the first set; the held-out sets'
 * misses only with `--held-out-misses`, for reviewing the set itself, never while working on content); `npm run
 * nlu:eval` ends with it.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { load as parseYaml } from 'js-yaml';
import { z } from 'zod';
import { webCapabilities } from '../src/channels/web/capabilities.js';
import { zaloCapabilities } from '../src/channels/zalo/capabilities.js';
import { ManualClock } from '../src/clock.js';
import { type AnswerContent, loadAnswerContent } from '../src/content/answer-content.js';
import { loadCommunes } from '../src/content/communes.js';
import { INTENT_NAMES } from '../src/content/intents-list.js';
import { trainingUtterancesOf } from '../src/content/knowledge.js';
import { loadPovertyRules } from '../src/content/standards.js';
import { loadTrainingData } from '../src/content/training-data.js';
import { ConversationEngine } from '../src/engine/engine.js';
import { SessionStore } from '../src/engine/session-store.js';
import type { Reply, Skill } from '../src/engine/types.js';
import type { LinearOptions } from '../src/nlu/linear-classifier.js';
import { Matcher } from '../src/nlu/matcher.js';
import { createFaqSkill } from '../src/skills/faq/faq-skill.js';
import { type FinderTuning, KnowledgeFinder } from '../src/skills/knowledge/knowledge-finder.js';
import { createScreeningSkill } from '../src/skills/screening/screening-skill.js';
import { SUBSCRIPTION_INTENTS } from '../src/skills/subscriptions/subscription-skill.js';
import { fold } from '../src/text/fold.js';
import { type Contender, naturalBayesPeer, nlpJsPeer } from './nlu-peers.js';

const root = join(import.meta.dirname, '..');

const questionSchema = z.object({
  id: z.string(),
  source: z.string().url(),
  text: z.string().min(1),
  topic: z.enum(INTENT_NAMES),
  /** Content ids, any of which answers the question: knowledge entries, referrals, topic cards or flow topics. */
  entries: z.array(z.string().min(1)).min(1),
  facts: z.array(z.array(z.string().min(1)).min(1)),
  note: z.string().optional(),
});
export type RealQuestion = z.infer<typeof questionSchema>;

/** The sets: the first one's misses may guide work on the content; the held-out ones are only ever reported. */
export const REAL_QUESTION_SETS = [
  { name: 'Real questions', file: 'test/eval/real-questions.yaml', heldOut: false },
  { name: 'Held-out real questions', file: 'test/eval/real-questions-holdout.yaml', heldOut: true },
  { name: 'Second held-out set', file: 'test/eval/real-questions-holdout-2.yaml', heldOut: true },
  { name: 'Real questions, second design set', file: 'test/eval/real-questions-2.yaml', heldOut: false },
  { name: 'Third held-out set', file: 'test/eval/real-questions-holdout-3.yaml', heldOut: true },
  { name: 'Real questions, third design set', file: 'test/eval/real-questions-3.yaml', heldOut: false },
  { name: 'Fourth held-out set', file: 'test/eval/real-questions-holdout-4.yaml', heldOut: true },
  { name: 'Real questions, fourth design set', file: 'test/eval/real-questions-4.yaml', heldOut: false },
  { name: 'Fifth held-out set', file: 'test/eval/real-questions-holdout-5.yaml', heldOut: true },
  { name: 'Real questions, fifth design set', file: 'test/eval/real-questions-5.yaml', heldOut: false },
  { name: 'Sixth held-out set', file: 'test/eval/real-questions-holdout-6.yaml', heldOut: true },
  { name: 'Real questions, sixth design set', file: 'test/eval/real-questions-6.yaml', heldOut: false },
  { name: 'Seventh held-out set', file: 'test/eval/real-questions-holdout-7.yaml', heldOut: true },
  { name: 'Real questions, seventh design set', file: 'test/eval/real-questions-7.yaml', heldOut: false },
  { name: 'Eighth held-out set', file: 'test/eval/real-questions-holdout-8.yaml', heldOut: true },
  { name: 'Real questions, eighth design set', file: 'test/eval/real-questions-8.yaml', heldOut: false },
  { name: 'Ninth held-out set', file: 'test/eval/real-questions-holdout-9.yaml', heldOut: true },
  { name: 'Real questions, ninth design set', file: 'test/eval/real-questions-9.yaml', heldOut: false },
  { name: 'Tenth held-out set', file: 'test/eval/real-questions-holdout-10.yaml', heldOut: true },
] as const;

export async function loadRealQuestions(file = join(root, REAL_QUESTION_SETS[0].file)): Promise<RealQuestion[]> {
  const raw = parseYaml(await readFile(file, 'utf8')) as { questions?: unknown };
  return z.array(questionSchema).parse(raw.questions);
}

/** Throws when a question expects an id the content does not have (a typo would count as a miss for ever). */
export function checkExpectedIds(questions: readonly RealQuestion[], known: ReadonlySet<string>, file: string): void {
  const unknown = questions.flatMap((q) => q.entries.filter((id) => !known.has(id)).map((id) => `${q.id}: ${id}`));
  if (unknown.length > 0) throw new Error(`${file}: expected ids not in content/: ${unknown.join(', ')}`);
}

export interface RealOutcome {
  question: RealQuestion;
  topic: string | null;
  classifierTopic: string;
  /** The entries, referral or card the reply answers with (the turn's topic when it was handed to a flow). */
  answered: string[];
  /** The "Ý bạn là…" candidates offered. */
  offered: string[];
  reply: string;
  factFound: boolean | null;
}

/** What a turn answered with and offered, from its replies' sources. */
function answeredWith(turn: { intent: string | null; replies: readonly Reply[] }): Pick<RealOutcome, 'answered' | 'offered'> {
  const sources = turn.replies.flatMap((r) => (r.source ? [r.source] : []));
  const offered = sources.filter((s) => s.kind === 'choices').flatMap((s) => s.ids);
  const answered = sources.filter((s) => s.kind !== 'choices').flatMap((s) => s.ids);
  return { answered: answered.length === 0 && offered.length === 0 && turn.intent ? [turn.intent] : answered, offered };
}

const expects = (o: RealOutcome, ids: readonly string[]) => ids.some((id) => o.question.entries.includes(id));
export const entryRight = (o: RealOutcome) => expects(o, o.answered);

/** Whether every group of key phrases has a phrase in the reply, compared folded; null when the set names none. */
export function holdsFacts(reply: string, facts: readonly (readonly string[])[]): boolean | null {
  if (facts.length === 0) return null;
  const folded = fold(reply);
  return facts.every((group) => group.some((phrase) => folded.includes(fold(phrase))));
}

/**
 * The service's conversation engine as the widget gets it, without storage: flows of other skills are stubs.
 * `linear`: the classifier's training options (the seed, for `--seeds`).
 */
export async function buildEngine(tuning: Partial<FinderTuning> = {}, linear: Partial<LinearOptions> = {}) {
  const content = join(root, 'content');
  const { cards, knowledge, loanRates } = await loadAnswerContent(content, INTENT_NAMES);
  const communes = await loadCommunes(content);
  const matcher = Matcher.train([...(await loadTrainingData(join(root, 'intents'))), ...trainingUtterancesOf(knowledge)], communes, { linear });
  const rules = await loadPovertyRules(join(content, 'standards'));
  const clock = new ManualClock('2026-12-06T03:00:00Z');
  const ownedElsewhere = new Set(['privacy', 'screening_start', ...SUBSCRIPTION_INTENTS]);
  const stub = (name: string, intents: readonly string[]): Skill => ({ name, intents, handleIntent: (_, i) => ({ replies: [{ text: `[${i}]` }] }) });
  const skills: Skill[] = [
    createFaqSkill({ answers: cards, knowledge: new KnowledgeFinder(knowledge.entries, knowledge.referrals, { ...tuning, classify: (t) => matcher.parse(t).ranking }), loanRates, intents: INTENT_NAMES.filter((i) => !ownedElsewhere.has(i)) }),
    // The evaluation reads replies only: nothing kept, nothing counted.
    createScreeningSkill({ rules, consent: { offerToKeep: async () => [] }, communes, recordResult: async () => {} }),
    stub('privacy', ['privacy']),
    stub('subscriptions', SUBSCRIPTION_INTENTS),
  ];
  const engine = new ConversationEngine({
    parser: matcher,
    skills,
    sessions: new SessionStore({ repo: { loadAll: async () => [], replaceAll: async () => {} }, clock, idleMinutes: 30 }),
    clock,
    capabilities: { web: webCapabilities, zalo: zaloCapabilities(false) },
  });
  return { engine, matcher, knowledge, known: contentIds({ cards, knowledge }) };
}

/** The ids an expected entry may name: knowledge entries, referrals, topic cards and intents (flow topics). */
export function contentIds({ cards, knowledge }: Pick<AnswerContent, 'cards' | 'knowledge'>): Set<string> {
  return new Set([...knowledge.entries.map((e) => e.id), ...knowledge.referrals.map((r) => r.id), ...[...cards.all()].map((c) => c.id), ...INTENT_NAMES]);
}

export async function evaluateRealQuestions(
  questions: readonly RealQuestion[],
  tuning: Partial<FinderTuning> = {},
  linear: Partial<LinearOptions> = {},
): Promise<RealOutcome[]> {
  const { engine, matcher } = await buildEngine(tuning, linear);
  const outcomes: RealOutcome[] = [];
  for (const [i, question] of questions.entries()) {
    const userId = `eval-${i}`;
    const turn = await engine.turn({ channel: 'web', userId, text: question.text });
    const reply = turn.replies.map((r) => r.text).join('\n');
    outcomes.push({
      question,
      topic: turn.intent,
      classifierTopic: matcher.parse(question.text).intent.name,
      ...answeredWith(turn),
      reply,
      factFound: holdsFacts(reply, question.facts),
    });
  }
  return outcomes;
}

const pct = (n: number, of: number) => (of === 0 ? '–' : `${((100 * n) / of).toFixed(1)} % (${n}/${of})`);

export interface RealFigures {
  name: string;
  questions: number;
  topic: number;
  entry: number;
  fact: number;
}

/**
 * Evaluates every set (the peers trained once) and prints a block per set; returns each set's figures. `seeds`: also
 * the topic figures of classifiers trained with that many shuffling seeds, as mean and range (see seedSpread).
 */
export async function reportRealQuestions(options: { misses?: boolean; heldOutMisses?: boolean; seeds?: number } = {}): Promise<RealFigures[]> {
  const { knowledge, known } = await buildEngine();
  const training = [...(await loadTrainingData(join(root, 'intents'))), ...trainingUtterancesOf(knowledge)];
  const peers = await Promise.all(([nlpJsPeer, naturalBayesPeer] as Contender[]).map(async (p) => ({ name: p.name, classify: await p.train(training) })));
  const results: RealFigures[] = [];
  const totals = { design: { questions: 0, topic: 0, seedMean: 0, facts: 0, factRight: 0 }, heldOut: { questions: 0, topic: 0, seedMean: 0, facts: 0, factRight: 0 } };
  for (const set of REAL_QUESTION_SETS) {
    const questions = await loadRealQuestions(join(root, set.file));
    checkExpectedIds(questions, known, set.file);
    const outcomes = await evaluateRealQuestions(questions);
    const count = (test: (o: RealOutcome) => boolean) => outcomes.filter(test).length;
    const topicRight = count((o) => o.topic === o.question.topic);
    const entriesRight = count(entryRight);
    const withFacts = outcomes.filter((o) => o.factFound !== null);
    const factRight = withFacts.filter((o) => o.factFound).length;

    console.log(`\n${set.name} (${set.file}: ${questions.length} questions, ${new Set(questions.map((q) => q.source)).size} pages)`);
    console.log(`  topic, as answered           ${pct(topicRight, questions.length)}`);
    console.log(`  topic, classifier alone      ${pct(count((o) => o.classifierTopic === o.question.topic), questions.length)}`);
    for (const peer of peers) {
      let right = 0;
      for (const q of questions) if ((await peer.classify(q.text)) === q.topic) right++;
      console.log(`  topic, ${peer.name.padEnd(21)} ${pct(right, questions.length)}`);
    }
    console.log(`  entry                        ${pct(entriesRight, questions.length)}`);
    console.log(`  entry, or among Ý bạn là     ${pct(count((o) => entryRight(o) || expects(o, o.offered)), questions.length)}`);
    console.log(`  essential fact in reply      ${pct(factRight, withFacts.length)}`);
    const seedMean = options.seeds && options.seeds > 1 ? await printSeedSpread(questions, options.seeds) : topicRight;
    if (set.heldOut ? options.heldOutMisses : options.misses) printMisses(outcomes);
    const total = set.heldOut ? totals.heldOut : totals.design;
    total.questions += questions.length;
    total.topic += topicRight;
    total.seedMean += seedMean;
    total.facts += withFacts.length;
    total.factRight += factRight;
    results.push({ name: set.name, questions: questions.length, topic: topicRight / questions.length, entry: entriesRight / questions.length, fact: withFacts.length ? factRight / withFacts.length : 0 });
  }
  for (const [name, t] of [['Design sets', totals.design], ['Held-out sets', totals.heldOut]] as const) {
    const seeds = options.seeds && options.seeds > 1 ? `; mean of ${options.seeds} seeds ${((100 * t.seedMean) / t.questions).toFixed(1)} %` : '';
    console.log(`\n${name} together: topic as answered ${pct(t.topic, t.questions)}${seeds}; essential fact ${pct(t.factRight, t.facts)}`);
  }
  return results;
}

/**
 * The classifier is trained on shuffled examples, and the shuffle alone moves these figures by a question or two (more
 * than many changes do): a change is worth keeping when it moves the mean over several seeds, not one run. Returns the
 * mean number of questions answered under the right topic.
 */
async function printSeedSpread(questions: readonly RealQuestion[], seeds: number): Promise<number> {
  const answered: number[] = [];
  const classifier: number[] = [];
  for (let seed = 1; seed <= seeds; seed++) {
    const outcomes = await evaluateRealQuestions(questions, {}, { seed });
    answered.push(outcomes.filter((o) => o.topic === o.question.topic).length);
    classifier.push(outcomes.filter((o) => o.classifierTopic === o.question.topic).length);
  }
  const spread = (counts: readonly number[]) => {
    const mean = counts.reduce((a, b) => a + b, 0) / counts.length;
    const share = (n: number) => ((100 * n) / questions.length).toFixed(1);
    return `mean ${share(mean)} % (${mean.toFixed(1)}), ${share(Math.min(...counts))}–${share(Math.max(...counts))} %`;
  };
  console.log(`  topic over ${seeds} shuffling seeds: as answered ${spread(answered)}; classifier alone ${spread(classifier)}`);
  return answered.reduce((a, b) => a + b, 0) / seeds;
}

function printMisses(outcomes: readonly RealOutcome[]): void {
  for (const o of outcomes) {
    const topicMiss = o.topic !== o.question.topic;
    if (!topicMiss && entryRight(o) && o.factFound !== false) continue;
    const got = [...o.answered, ...(o.offered.length ? [`Ý bạn là ${o.offered.join(' | ')}`] : [])].join(', ') || '-';
    console.log(`\n✗ ${o.question.id} expected ${o.question.topic} [${o.question.entries.join(', ')}], got ${o.topic} [${got}]${o.factFound === false ? ` · fact missing ${JSON.stringify(o.question.facts)}` : ''}`);
    console.log(`  Q: ${o.question.text.slice(0, 300).replace(/\s+/g, ' ')}`);
    console.log(`  A: ${o.reply.slice(0, 200).replace(/\s+/g, ' ')}`);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const seeds = process.argv.indexOf('--seeds');
  await reportRealQuestions({
    misses: process.argv.includes('--misses'),
    heldOutMisses: process.argv.includes('--held-out-misses'),
    seeds: seeds >= 0 ? z.coerce.number().int().min(1).max(20).parse(process.argv[seeds + 1]) : undefined,
  });
}
