/**
 * Understanding measured on real questions people asked in public (test/eval/real-questions.yaml, each with its
 * source address; never trained on). For each question, a fresh conversation on the widget's engine: the topic the
 * turn was answered as, the entry answered (when the set names one), and whether the reply holds the essential
 * fact (every group of key phrases has one phrase in the folded reply). Beside ours, the topic accuracy of NLP.js
 * and a `natural` Bayes classifier trained on the same data (intents/ plus the knowledge base's questions).
 *
 * `npm run nlu:real` runs this alone (add `--misses` to list what went wrong); `npm run nlu:eval` ends with it.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { load as parseYaml } from 'js-yaml';
import { z } from 'zod';
import { webCapabilities } from '../src/channels/web/capabilities.js';
import { zaloCapabilities } from '../src/channels/zalo/capabilities.js';
import { ManualClock } from '../src/clock.js';
import { loadAnswerContent } from '../src/content/answer-content.js';
import { loadCommunes } from '../src/content/communes.js';
import { INTENT_NAMES } from '../src/content/intents-list.js';
import { trainingUtterancesOf } from '../src/content/knowledge.js';
import { loadPovertyRules } from '../src/content/standards.js';
import { loadTrainingData } from '../src/content/training-data.js';
import { ConversationEngine } from '../src/engine/engine.js';
import { SessionStore } from '../src/engine/session-store.js';
import type { Skill } from '../src/engine/types.js';
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
  entry: z.string().optional(),
  facts: z.array(z.array(z.string().min(1)).min(1)),
  note: z.string().optional(),
});
export type RealQuestion = z.infer<typeof questionSchema>;

export async function loadRealQuestions(file = join(root, 'test/eval/real-questions.yaml')): Promise<RealQuestion[]> {
  const raw = parseYaml(await readFile(file, 'utf8')) as { questions?: unknown };
  return z.array(questionSchema).parse(raw.questions);
}

export interface RealOutcome {
  question: RealQuestion;
  topic: string | null;
  classifierTopic: string;
  entry: string | undefined;
  reply: string;
  factFound: boolean | null;
}

/** Whether every group of key phrases has a phrase in the reply, compared folded; null when the set names none. */
export function holdsFacts(reply: string, facts: readonly (readonly string[])[]): boolean | null {
  if (facts.length === 0) return null;
  const folded = fold(reply);
  return facts.every((group) => group.some((phrase) => folded.includes(fold(phrase))));
}

/** The service's conversation engine as the widget gets it, without storage: flows of other skills are stubs. */
export async function buildEngine(tuning: Partial<FinderTuning> = {}) {
  const content = join(root, 'content');
  const { cards, knowledge, loanRates } = await loadAnswerContent(content, INTENT_NAMES);
  const communes = await loadCommunes(content);
  const matcher = Matcher.train([...(await loadTrainingData(join(root, 'intents'))), ...trainingUtterancesOf(knowledge)], communes);
  const rules = await loadPovertyRules(join(content, 'standards'));
  const clock = new ManualClock('2026-12-06T03:00:00Z');
  const ownedElsewhere = new Set(['privacy', 'screening_start', ...SUBSCRIPTION_INTENTS]);
  const stub = (name: string, intents: readonly string[]): Skill => ({ name, intents, handleIntent: (_, i) => ({ replies: [{ text: `[${i}]` }] }) });
  const skills: Skill[] = [
    createFaqSkill({ answers: cards, knowledge: new KnowledgeFinder(knowledge.entries, knowledge.referrals, tuning), loanRates, intents: INTENT_NAMES.filter((i) => !ownedElsewhere.has(i)) }),
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
  return { engine, matcher, knowledge };
}

export async function evaluateRealQuestions(questions: readonly RealQuestion[], tuning: Partial<FinderTuning> = {}): Promise<RealOutcome[]> {
  const { engine, matcher } = await buildEngine(tuning);
  const outcomes: RealOutcome[] = [];
  for (const [i, question] of questions.entries()) {
    const userId = `eval-${i}`;
    const turn = await engine.turn({ channel: 'web', userId, text: question.text });
    const reply = turn.replies.map((r) => r.text).join('\n');
    outcomes.push({
      question,
      topic: turn.intent,
      classifierTopic: matcher.parse(question.text).intent.name,
      entry: engine.sessions.peek(`web:${userId}`)?.context?.lastEntryId,
      reply,
      factFound: holdsFacts(reply, question.facts),
    });
  }
  return outcomes;
}

const pct = (n: number, of: number) => (of === 0 ? '–' : `${((100 * n) / of).toFixed(1)} % (${n}/${of})`);

export async function reportRealQuestions(options: { misses?: boolean } = {}): Promise<{ topic: number; fact: number }> {
  const questions = await loadRealQuestions();
  const outcomes = await evaluateRealQuestions(questions);
  const topicRight = outcomes.filter((o) => o.topic === o.question.topic).length;
  const classifierRight = outcomes.filter((o) => o.classifierTopic === o.question.topic).length;
  const withEntry = outcomes.filter((o) => o.question.entry);
  const entryRight = withEntry.filter((o) => o.entry === o.question.entry).length;
  const withFacts = outcomes.filter((o) => o.factFound !== null);
  const factRight = withFacts.filter((o) => o.factFound).length;

  const { knowledge } = await buildEngine();
  const training = [...(await loadTrainingData(join(root, 'intents'))), ...trainingUtterancesOf(knowledge)];
  const peers: [string, number][] = [];
  for (const peer of [nlpJsPeer, naturalBayesPeer] as Contender[]) {
    const classify = await peer.train(training);
    let right = 0;
    for (const q of questions) if ((await classify(q.text)) === q.topic) right++;
    peers.push([peer.name, right]);
  }

  console.log(`\nReal questions (test/eval/real-questions.yaml: ${questions.length} questions, ${new Set(questions.map((q) => q.source)).size} pages)`);
  console.log(`  topic, as answered        ${pct(topicRight, questions.length)}`);
  console.log(`  topic, classifier alone   ${pct(classifierRight, questions.length)}`);
  for (const [name, right] of peers) console.log(`  topic, ${name.padEnd(18)} ${pct(right, questions.length)}`);
  console.log(`  entry                     ${pct(entryRight, withEntry.length)}`);
  console.log(`  essential fact in reply   ${pct(factRight, withFacts.length)}`);
  if (options.misses) {
    for (const o of outcomes) {
      const topicMiss = o.topic !== o.question.topic;
      if (!topicMiss && o.factFound !== false) continue;
      console.log(`\n✗ ${o.question.id} expected ${o.question.topic}${o.question.entry ? `/${o.question.entry}` : ''}, got ${o.topic}/${o.entry ?? '-'}${o.factFound === false ? ` · fact missing ${JSON.stringify(o.question.facts)}` : ''}`);
      console.log(`  Q: ${o.question.text.slice(0, 300).replace(/\s+/g, ' ')}`);
      console.log(`  A: ${o.reply.slice(0, 200).replace(/\s+/g, ' ')}`);
    }
  }
  return { topic: topicRight / questions.length, fact: withFacts.length ? factRight / withFacts.length : 0 };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await reportRealQuestions({ misses: process.argv.includes('--misses') });
}
