/**
 * Measuring intent matchers: labelled sets, stratified folds, and the figures `npm run nlu:eval` and the
 * development-set test report (accuracy, per-intent precision/recall, confused pairs, out-of-scope error rates),
 * plus the calibration sweep that chose the matcher's temperature and confidence floor.
 */
import { readFile } from 'node:fs/promises';
import { load as parseYaml } from 'js-yaml';
import { z } from 'zod';
import { INTENT_NAMES } from '../content/intents-list.js';
import type { TrainingUtterance } from '../content/training-data.js';
import { decideIntent, FALLBACK_INTENT } from './matcher.js';
import type { IntentScore } from './types.js';

const labelledSetSchema = z.strictObject({
  examples: z.array(z.strictObject({ text: z.string().min(1), intent: z.enum(INTENT_NAMES) })).min(1),
});

/** A YAML file `{examples: [{text, intent}]}`, such as the development set. */
export async function loadLabelledSet(file: string): Promise<TrainingUtterance[]> {
  const parsed = labelledSetSchema.safeParse(parseYaml(await readFile(file, 'utf8')));
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new Error(`${file}: ${issue.path.join('.') || '(root)'}: ${issue.message}`);
  }
  return parsed.data.examples;
}

/** Fold number of each example: within each intent, examples are dealt to the k folds in turn. */
export function stratifiedFolds(utterances: readonly TrainingUtterance[], k: number): number[] {
  const seen = new Map<string, number>();
  return utterances.map((u) => {
    const n = seen.get(u.intent) ?? 0;
    seen.set(u.intent, n + 1);
    return n % k;
  });
}

export interface Prediction {
  text: string;
  expected: string;
  predicted: string;
}

export interface IntentFigures {
  intent: string;
  support: number;
  precision: number;
  recall: number;
}

export interface Figures {
  total: number;
  accuracy: number;
  errors: number;
  /** Share of out-of-scope examples the matcher accepted as some in-scope intent. */
  outOfScopeFalseAccept: number;
  /** Share of in-scope examples sent to fallback. */
  inScopeFalseReject: number;
  perIntent: IntentFigures[];
  /** "expected → predicted" with counts, most frequent first. */
  confusions: { pair: string; count: number }[];
}

export function figures(predictions: readonly Prediction[]): Figures {
  const errors = predictions.filter((p) => p.predicted !== p.expected);
  const outOfScope = predictions.filter((p) => p.expected === FALLBACK_INTENT);
  const inScope = predictions.filter((p) => p.expected !== FALLBACK_INTENT);
  const intents = [...new Set(predictions.map((p) => p.expected))].sort();
  const perIntent = intents.map((intent) => {
    const truePositives = predictions.filter((p) => p.expected === intent && p.predicted === intent).length;
    const predicted = predictions.filter((p) => p.predicted === intent).length;
    const support = predictions.filter((p) => p.expected === intent).length;
    return { intent, support, precision: predicted ? truePositives / predicted : 0, recall: support ? truePositives / support : 0 };
  });
  const pairs = new Map<string, number>();
  for (const e of errors) {
    const pair = `${e.expected} → ${e.predicted}`;
    pairs.set(pair, (pairs.get(pair) ?? 0) + 1);
  }
  return {
    total: predictions.length,
    accuracy: predictions.length ? 1 - errors.length / predictions.length : 0,
    errors: errors.length,
    outOfScopeFalseAccept: share(outOfScope, (p) => p.predicted !== FALLBACK_INTENT),
    inScopeFalseReject: share(inScope, (p) => p.predicted === FALLBACK_INTENT),
    perIntent,
    confusions: [...pairs].map(([pair, count]) => ({ pair, count })).sort((a, b) => b.count - a.count),
  };
}

function share<T>(items: readonly T[], test: (item: T) => boolean): number {
  return items.length ? items.filter(test).length / items.length : 0;
}

/** Held-out rankings (at temperature 1) with the intent each example really has. */
export interface RankedExample {
  text: string;
  expected: string;
  ranking: readonly IntentScore[];
}

/** A ranking at temperature 1 re-expressed at `temperature` (softmax of the log-probabilities divided by it). */
function sharpen(ranking: readonly IntentScore[], temperature: number): IntentScore[] {
  const logits = ranking.map((r) => Math.log(Math.max(r.confidence, 1e-300)) / temperature);
  const max = Math.max(...logits);
  const exps = logits.map((l) => Math.exp(l - max));
  const sum = exps.reduce((a, b) => a + b, 0);
  return ranking.map((r, i) => ({ name: r.name, confidence: exps[i]! / sum })).sort((a, b) => b.confidence - a.confidence);
}

export interface CalibrationSweep {
  /** Mean negative log-likelihood of the true intent per temperature. */
  logLoss: { temperature: number; value: number }[];
  temperature: number;
  /** Figures per confidence floor at the chosen temperature. */
  floors: { minConfidence: number; figures: Figures }[];
  minConfidence: number;
}

/**
 * Fits the temperature (lowest log-loss) and the confidence floor (highest accuracy; on a tie the higher floor,
 * which rejects more off-topic questions) on held-out rankings computed at temperature 1.
 */
export function sweepCalibration(examples: readonly RankedExample[]): CalibrationSweep {
  const temperatures = [1, 0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3];
  const logLoss = temperatures.map((temperature) => {
    let sum = 0;
    for (const e of examples) {
      const p = sharpen(e.ranking, temperature).find((r) => r.name === e.expected)?.confidence ?? 0;
      sum -= Math.log(Math.max(p, 1e-12));
    }
    return { temperature, value: sum / examples.length };
  });
  const temperature = logLoss.reduce((best, l) => (l.value < best.value ? l : best)).temperature;
  const sharpened = examples.map((e) => ({ ...e, ranking: sharpen(e.ranking, temperature) }));
  const floors = [0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6].map((minConfidence) => ({
    minConfidence,
    figures: figures(sharpened.map((e) => ({ text: e.text, expected: e.expected, predicted: decideIntent(e.ranking, minConfidence).name }))),
  }));
  const best = floors.reduce((a, b) => (b.figures.accuracy >= a.figures.accuracy ? b : a));
  return { logLoss, temperature, floors, minConfidence: best.minConfidence };
}
