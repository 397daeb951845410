/**
 * Parse latency of the intent matcher, in-process: every development-set sentence parsed in turn (intent,
 * ranking and entities, as /api/nlu/parse does), after a warm-up. `measure()` is called by bench/run.ts;
 * `npx tsx bench/nlu.ts` runs it alone.
 */
import { join } from 'node:path';
import { loadCommunes } from '../src/content/communes.js';
import { loadLabelledSet } from '../src/nlu/evaluation.js';
import { loadMatcher } from '../src/nlu/matcher.js';
import { type Figures, printFigures } from './figures.js';

const root = join(import.meta.dirname, '..');
const WARM_UP_ROUNDS = 3;
const ROUNDS = 20;

export interface NluLatency {
  medianMs: number;
  p99Ms: number;
  parses: number;
  trainMs: number;
}

export async function measureNluLatency(): Promise<NluLatency> {
  const communes = await loadCommunes(join(root, 'content'));
  const started = performance.now();
  const matcher = await loadMatcher({ intentsDir: join(root, 'intents'), communes });
  const trainMs = performance.now() - started;
  const texts = (await loadLabelledSet(join(root, 'test/nlu/dev-set.yaml'))).map((e) => e.text);

  for (let round = 0; round < WARM_UP_ROUNDS; round++) for (const text of texts) matcher.parse(text);
  const times: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    for (const text of texts) {
      const t = performance.now();
      matcher.parse(text);
      times.push(performance.now() - t);
    }
  }
  times.sort((a, b) => a - b);
  return {
    medianMs: times[Math.floor(times.length / 2)]!,
    p99Ms: times[Math.floor(times.length * 0.99)]!,
    parses: times.length,
    trainMs,
  };
}

/** The figures in bench/run.ts's table. */
export async function measure(): Promise<Figures> {
  const r = await measureNluLatency();
  return {
    'NLU parse, median (in-process)': { value: `${(r.medianMs * 1000).toFixed(0)} µs`, budget: '≤ 100 µs', met: r.medianMs <= 0.1 },
    'NLU parse, p99 (in-process)': { value: `${(r.p99Ms * 1000).toFixed(0)} µs` },
    'NLU training when intents/ changed since the build': { value: `${r.trainMs.toFixed(0)} ms` },
  };
}

if (process.argv[1] && import.meta.filename === process.argv[1]) printFigures(await measure());
