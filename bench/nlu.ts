/**
 * Parse latency of the intent matcher, in-process: every development-set sentence parsed in turn (intent,
 * ranking and entities, as /api/nlu/parse does), after a warm-up; then parse plus retrieval in the knowledge base
 * (what a chat turn does to find the entry) over the development set and the real questions. `measure()` is called by
 * bench/run.ts; `npx tsx bench/nlu.ts` runs it alone.
 */
import { join } from 'node:path';
import { loadRealQuestions } from '../scripts/real-eval.js';
import { loadAnswerContent } from '../src/content/answer-content.js';
import { loadCommunes } from '../src/content/communes.js';
import { INTENT_NAMES } from '../src/content/intents-list.js';
import { trainingUtterancesOf } from '../src/content/knowledge.js';
import { loadLabelledSet } from '../src/nlu/evaluation.js';
import { loadMatcher } from '../src/nlu/matcher.js';
import { KnowledgeFinder } from '../src/skills/knowledge/knowledge-finder.js';
import { type Figures, printFigures } from './figures.js';

const root = join(import.meta.dirname, '..');
const WARM_UP_ROUNDS = 3;
const ROUNDS = 20;

export interface NluLatency {
  medianMs: number;
  p99Ms: number;
  parses: number;
  trainMs: number;
  /** Parse plus retrieval over the development set and the real questions. */
  withRetrieval: { medianMs: number; p99Ms: number };
}

/** Median and p99 of `work` over every text, after a warm-up. */
function timeEach(
  texts: readonly string[],
  work: (text: string) => void,
  beforeRound: () => void = () => {},
): { medianMs: number; p99Ms: number; count: number } {
  for (let round = 0; round < WARM_UP_ROUNDS; round++) {
    beforeRound();
    for (const text of texts) work(text);
  }
  const times: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    beforeRound();
    for (const text of texts) {
      const t = performance.now();
      work(text);
      times.push(performance.now() - t);
    }
  }
  times.sort((a, b) => a - b);
  return { medianMs: times[Math.floor(times.length / 2)]!, p99Ms: times[Math.floor(times.length * 0.99)]!, count: times.length };
}

export async function measureNluLatency(): Promise<NluLatency> {
  const content = join(root, 'content');
  const communes = await loadCommunes(content);
  const { knowledge } = await loadAnswerContent(content, INTENT_NAMES);
  const started = performance.now();
  const matcher = await loadMatcher({ intentsDir: join(root, 'intents'), communes, extra: trainingUtterancesOf(knowledge) });
  const trainMs = performance.now() - started;
  // As the service builds it: a long message's question sentences are classified apart.
  const options = { classify: (text: string) => matcher.parse(text).ranking };
  const finder = new KnowledgeFinder(knowledge.entries, knowledge.referrals, options);
  const texts = (await loadLabelledSet(join(root, 'test/nlu/dev-set.yaml'))).map((e) => e.text);
  const real = (await loadRealQuestions()).map((q) => q.text);

  const parse = timeEach(texts, (text) => matcher.parse(text));
  // The finder remembers its findings per text: each round gets a fresh one, so every search is really done.
  let fresh = finder;
  const both = timeEach(
    [...texts, ...real],
    (text) => fresh.find(text, matcher.parse(text).ranking),
    () => {
      fresh = new KnowledgeFinder(knowledge.entries, knowledge.referrals, options);
      fresh.warm();
    },
  );
  return { medianMs: parse.medianMs, p99Ms: parse.p99Ms, parses: parse.count, trainMs, withRetrieval: both };
}

/** The figures in bench/run.ts's table. */
export async function measure(): Promise<Figures> {
  const r = await measureNluLatency();
  return {
    'NLU parse, median (in-process)': { value: `${(r.medianMs * 1000).toFixed(0)} µs`, budget: '≤ 100 µs', met: r.medianMs <= 0.1 },
    'NLU parse, p99 (in-process)': { value: `${(r.p99Ms * 1000).toFixed(0)} µs` },
    'Parse + retrieval, median (in-process)': {
      value: `${(r.withRetrieval.medianMs * 1000).toFixed(0)} µs`,
      budget: '≤ 200 µs',
      met: r.withRetrieval.medianMs <= 0.2,
    },
    'Parse + retrieval, p99 (in-process)': { value: `${(r.withRetrieval.p99Ms * 1000).toFixed(0)} µs` },
    'NLU training when intents/ changed since the build': { value: `${r.trainMs.toFixed(0)} ms` },
  };
}

if (process.argv[1] && import.meta.filename === process.argv[1]) printFigures(await measure());
