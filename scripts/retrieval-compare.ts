/**
 * The retrieval library question (see docs/performance.md, "Retrieval: hand-written BM25 vs MiniSearch"): our
 * RetrievalIndex (src/nlu/retrieval.ts) against MiniSearch over the same knowledge entries and referrals.
 *
 * - ours:            RetrievalIndex as KnowledgeFinder builds it (questions weight 1, answer 0.2, BM25 k1 1.2, b 0.5,
 *                    syllable pairs ×1.5, one length over both fields).
 * - MiniSearch·terms: MiniSearch with our `termsOf` as its tokenizer (processTerm identity), fields `questions`
 *                    (question + paraphrases, one per line) and `answer`, boosts 1 / 0.2, its BM25 defaults
 *                    (k 1.2, b 0.7, d 0.5; a length per field).
 * - MiniSearch·tuned: the same, with our parameters where the library has a knob for them (b 0.5, d 0, pairs ×1.5
 *                    via boostTerm): whatever still differs is the library's per-field length normalization.
 * - MiniSearch·plain: MiniSearch's own tokenizer on folded text (src/text/fold.ts): the library out of the box.
 *
 * Measured: leave-one-out on the entries' paraphrases (the paraphrase removed from its entry, the index rebuilt, the
 * paraphrase searched; top-1 and top-3 are the entry), the real questions (test/eval/real-questions.yaml: the top
 * hit's topic is the expected topic; a referral counts as "fallback", no hit as a miss), search time per query (warm,
 * 2,000 queries), build time, retained heap, and MiniSearch's installed size.
 *
 * Run: node --expose-gc --import tsx scripts/retrieval-compare.ts [--sample N]   (default: every paraphrase)
 */
import { execFileSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { load as parseYaml } from 'js-yaml';
import MiniSearch from 'minisearch';
import { INTENT_NAMES } from '../src/content/intents-list.js';
import { loadKnowledge } from '../src/content/knowledge.js';
import type { KnowledgeEntry, Referral } from '../src/domain/knowledge/types.js';
import { RetrievalIndex, termsOf } from '../src/nlu/retrieval.js';
import { knowledgeDocuments } from '../src/skills/knowledge/knowledge-finder.js';
import { fold } from '../src/text/fold.js';

const root = join(import.meta.dirname, '..');
const REFERRAL_PREFIX = 'ref:';
const TIMED_QUERIES = 2000;
/** Timing rounds, alternating between the contenders. */
const ROUNDS = 10;

interface Searcher {
  /** Ids of the best hits, best first. */
  search(text: string, limit: number): string[];
}

interface Contender {
  name: string;
  build(entries: readonly KnowledgeEntry[], referrals: readonly Referral[]): Searcher;
}

const ours: Contender = {
  name: 'ours (RetrievalIndex)',
  build(entries, referrals) {
    const index = new RetrievalIndex(knowledgeDocuments(entries, referrals));
    return { search: (text, limit) => index.search([{ text, weight: 1 }], limit).map((h) => h.id) };
  },
};

interface Doc {
  id: string;
  questions: string;
  answer: string;
}

function documents(entries: readonly KnowledgeEntry[], referrals: readonly Referral[], map: (s: string) => string): Doc[] {
  return [
    ...entries.map((e) => ({ id: e.id, questions: [e.question, ...e.paraphrases].map(map).join('\n'), answer: map(e.answer) })),
    ...referrals.map((r) => ({ id: REFERRAL_PREFIX + r.id, questions: [r.request, ...r.paraphrases].map(map).join('\n'), answer: '' })),
  ];
}

/** termsOf per line, so a pair never spans two paraphrases (RetrievalIndex also takes each text on its own). */
const ourTokens = (text: string) => text.split('\n').flatMap(termsOf);

function miniSearchTerms(name: string, tuned: boolean): Contender {
  return {
    name,
    build(entries, referrals) {
      const index = new MiniSearch<Doc>({
        fields: ['questions', 'answer'],
        tokenize: ourTokens,
        processTerm: (term) => term,
        searchOptions: {
          boost: { questions: 1, answer: 0.2 },
          ...(tuned ? { bm25: { k: 1.2, b: 0.5, d: 0 }, boostTerm: (term: string) => (term.includes(' ') ? 1.5 : 1) } : {}),
        },
      });
      index.addAll(documents(entries, referrals, (s) => s));
      return { search: (text, limit) => index.search(text).slice(0, limit).map((r) => r.id as string) };
    },
  };
}

const miniSearchPlain: Contender = {
  name: 'MiniSearch·plain',
  build(entries, referrals) {
    const index = new MiniSearch<Doc>({ fields: ['questions', 'answer'], searchOptions: { boost: { questions: 1, answer: 0.2 } } });
    index.addAll(documents(entries, referrals, fold));
    return { search: (text, limit) => index.search(fold(text)).slice(0, limit).map((r) => r.id as string) };
  },
};

const contenders = [ours, miniSearchTerms('MiniSearch·terms', false), miniSearchTerms('MiniSearch·tuned', true), miniSearchPlain];

// --- data ---------------------------------------------------------------------------------------------------------

const { entries, referrals } = await loadKnowledge(join(root, 'content/knowledge'), join(root, 'content/referrals.yaml'), INTENT_NAMES);
const realQuestions = (parseYaml(await readFile(join(root, 'test/eval/real-questions.yaml'), 'utf8')) as { questions: { id: string; text: string; topic: string }[] })
  .questions;
const topicOf = new Map<string, string>([...entries.map((e) => [e.id, e.topic] as const), ...referrals.map((r) => [REFERRAL_PREFIX + r.id, 'fallback'] as const)]);

/** Every paraphrase of every entry, or an evenly spread sample of `--sample N` of them. */
const allHeldOut = entries.flatMap((e, entryIndex) => e.paraphrases.map((_, paraphraseIndex) => ({ entryIndex, paraphraseIndex })));
const sampleArg = process.argv.indexOf('--sample');
const sampleSize = sampleArg >= 0 ? Number(process.argv[sampleArg + 1]) : allHeldOut.length;
const step = allHeldOut.length / Math.min(sampleSize, allHeldOut.length);
const heldOut = Array.from({ length: Math.min(sampleSize, allHeldOut.length) }, (_, i) => allHeldOut[Math.floor(i * step)]!);

const gc = (globalThis as { gc?: () => void }).gc;
const median = (xs: readonly number[]) => quantile(xs, 0.5);
function quantile(xs: readonly number[], q: number): number {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}
const now = () => Number(process.hrtime.bigint()) / 1e6;

// --- measurements -------------------------------------------------------------------------------------------------

interface Row {
  name: string;
  looTop1: number;
  looTop3: number;
  realTopic: number;
  searchMedianUs: number;
  searchP95Us: number;
  buildMs: number;
  heapKb: number | null;
}

function leaveOneOut(contender: Contender): { top1: number; top3: number } {
  let top1 = 0;
  let top3 = 0;
  for (const { entryIndex, paraphraseIndex } of heldOut) {
    const entry = entries[entryIndex]!;
    const query = entry.paraphrases[paraphraseIndex]!;
    const reduced = entries.map((e, i) => (i === entryIndex ? { ...e, paraphrases: e.paraphrases.filter((_, j) => j !== paraphraseIndex) } : e));
    const ids = contender.build(reduced, referrals).search(query, 3);
    if (ids[0] === entry.id) top1++;
    if (ids.includes(entry.id)) top3++;
  }
  return { top1: top1 / heldOut.length, top3: top3 / heldOut.length };
}

function realTopicShare(searcher: Searcher): number {
  let right = 0;
  for (const q of realQuestions) {
    const best = searcher.search(q.text, 1)[0];
    if (best !== undefined && topicOf.get(best) === q.topic) right++;
  }
  return right / realQuestions.length;
}

/** The timed queries: the real questions and the paraphrases, interleaved, the same list for every contender. */
const paraphrases = entries.flatMap((e) => e.paraphrases);
const timedTexts = Array.from({ length: TIMED_QUERIES }, (_, i) =>
  i % 3 === 0 ? realQuestions[(i / 3) % realQuestions.length]!.text : paraphrases[(i * 7) % paraphrases.length]!,
);

/**
 * Search and build times, taken in rounds that alternate between the contenders, so a busy spell of the machine falls
 * on all of them alike: each round times a slice of the queries (per query) and one build of each contender.
 */
function timings(searchers: readonly Searcher[]): { search: number[][]; build: number[][] } {
  for (const searcher of searchers) for (const text of timedTexts.slice(0, 500)) searcher.search(text, 8); // warm-up
  for (const contender of contenders) contender.build(entries, referrals); // warm-up: termsOf's memo, the JIT
  const search = searchers.map(() => [] as number[]);
  const build = searchers.map(() => [] as number[]);
  const slice = TIMED_QUERIES / ROUNDS;
  for (let round = 0; round < ROUNDS; round++) {
    for (const [c, searcher] of searchers.entries()) {
      for (const text of timedTexts.slice(round * slice, (round + 1) * slice)) {
        const start = now();
        searcher.search(text, 8);
        search[c]!.push((now() - start) * 1000);
      }
      const start = now();
      contenders[c]!.build(entries, referrals);
      build[c]!.push(now() - start);
    }
  }
  return { search, build };
}

/** Heap retained by one built index: used heap after gc with the index held, minus before; median of 3. */
function retainedHeap(contender: Contender): number | null {
  if (!gc) return null;
  const sizes: number[] = [];
  for (let i = 0; i < 3; i++) {
    gc();
    gc();
    const before = process.memoryUsage().heapUsed;
    let held: Searcher | undefined = contender.build(entries, referrals);
    gc();
    gc();
    sizes.push(process.memoryUsage().heapUsed - before);
    held.search('', 1);
    held = undefined;
  }
  return median(sizes) / 1024;
}

const searchers = contenders.map((c) => c.build(entries, referrals));
const { search: searchTimes, build: buildTimes } = timings(searchers);
const rows: Row[] = [];
for (const [c, contender] of contenders.entries()) {
  const started = now();
  const loo = leaveOneOut(contender);
  rows.push({
    name: contender.name,
    looTop1: loo.top1,
    looTop3: loo.top3,
    realTopic: realTopicShare(searchers[c]!),
    searchMedianUs: median(searchTimes[c]!),
    searchP95Us: quantile(searchTimes[c]!, 0.95),
    buildMs: median(buildTimes[c]!),
    heapKb: retainedHeap(contender),
  });
  console.error(`${contender.name}: leave-one-out and heap ${((now() - started) / 1000).toFixed(1)} s`);
}

// --- report -------------------------------------------------------------------------------------------------------

const miniSearchVersion = (JSON.parse(await readFile(join(root, 'node_modules/minisearch/package.json'), 'utf8')) as { version: string }).version;
const distKb = Number(execFileSync('du', ['-sk', join(root, 'node_modules/minisearch/dist')], { encoding: 'utf8' }).split('\t')[0]);
const esmKb = Number(execFileSync('du', ['-sk', '--apparent-size', join(root, 'node_modules/minisearch/dist/es/index.js')], { encoding: 'utf8' }).split('\t')[0]);

const pct = (x: number) => `${(100 * x).toFixed(1)} %`;
console.log(
  `${entries.length} entries, ${referrals.length} referrals; leave-one-out on ${heldOut.length} of ${allHeldOut.length} paraphrases; ` +
    `${realQuestions.length} real questions; ${TIMED_QUERIES} timed queries; Node ${process.version}; minisearch ${miniSearchVersion}` +
    (gc ? '' : ' (no --expose-gc: heap not measured)'),
);
console.log('');
console.log('| | LOO top-1 | LOO top-3 | real questions, topic | search median | search p95 | build | retained heap |');
console.log('|---|---|---|---|---|---|---|---|');
for (const r of rows) {
  console.log(
    `| ${r.name} | ${pct(r.looTop1)} | ${pct(r.looTop3)} | ${pct(r.realTopic)} | ${r.searchMedianUs.toFixed(0)} µs | ${r.searchP95Us.toFixed(0)} µs | ` +
      `${r.buildMs.toFixed(1)} ms | ${r.heapKb === null ? 'n/a' : `${(r.heapKb / 1024).toFixed(2)} MB`} |`,
  );
}
console.log('');
console.log(`minisearch ${miniSearchVersion} installed: dist/ ${distKb} KB on disk (cjs + es + umd, with maps and types); the ES module alone ${esmKb} KB. Ours: src/nlu/retrieval.ts, no dependency.`);
