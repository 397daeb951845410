/**
 * Our matcher and the two it is measured against, trained on the same examples (used by `npm run nlu:eval` and the
 * development-set test). The peers do not know Vietnamese, so both get the folded text (NFC, lower case, no
 * diacritics, đ → d): NLP.js's own normaliser leaves "đ", which would put it at a disadvantage of our making.
 */
import { createRequire } from 'node:module';
import type { TrainingUtterance } from '../src/content/training-data.js';
import type { CommuneDirectory } from '../src/domain/communes.js';
import type { Prediction } from '../src/nlu/evaluation.js';
import { FALLBACK_INTENT, Matcher } from '../src/nlu/matcher.js';
import { fold } from '../src/text/fold.js';

export type Classify = (text: string) => Promise<string>;

export interface Contender {
  name: string;
  train(utterances: readonly TrainingUtterance[]): Promise<Classify>;
}

const require = createRequire(import.meta.url);

/** Trains on `train`, classifies every example of `test`; the time is the training's. */
export async function predict(contender: Contender, train: readonly TrainingUtterance[], test: readonly TrainingUtterance[]) {
  const started = performance.now();
  const classify = await contender.train(train);
  const trainMs = performance.now() - started;
  const predictions: Prediction[] = [];
  for (const u of test) predictions.push({ text: u.text, expected: u.intent, predicted: await classify(u.text) });
  return { predictions, trainMs };
}

export function ourMatcher(communes: CommuneDirectory): Contender {
  return {
    name: 'ours',
    async train(utterances) {
      const matcher = Matcher.train(utterances, communes);
      return async (text) => matcher.decide(matcher.rank(text)).name;
    },
  };
}

interface NlpManagerLike {
  addDocument(locale: string, text: string, intent: string): void;
  train(): Promise<void>;
  process(locale: string, text: string): Promise<{ intent: string }>;
}

interface NaturalBayesLike {
  addDocument(text: string, label: string): void;
  train(): void;
  classify(text: string): string;
}

/** NLP.js (node-nlp) with its default neural classifier; 'en' is only a locale tag here (no Vietnamese pack exists). */
export const nlpJsPeer: Contender = {
  name: 'NLP.js',
  async train(utterances) {
    const { NlpManager } = require('node-nlp') as { NlpManager: new (options: object) => NlpManagerLike };
    const manager = new NlpManager({ languages: ['en'], forceNER: false, autoSave: false, autoLoad: false, nlu: { log: false } });
    for (const u of utterances) manager.addDocument('en', fold(u.text), u.intent);
    await manager.train();
    return async (text) => {
      const { intent } = await manager.process('en', fold(text));
      return intent === 'None' ? FALLBACK_INTENT : intent;
    };
  },
};

/** natural's BayesClassifier as it comes (its default tokenizer and stemmer). */
export const naturalBayesPeer: Contender = {
  name: 'natural Bayes',
  async train(utterances) {
    // The submodule, not 'natural': the package entry loads dotenv five times and prints to stdout.
    const BayesClassifier = require('natural/lib/natural/classifiers/bayes_classifier.js') as new () => NaturalBayesLike;
    const classifier = new BayesClassifier();
    for (const u of utterances) classifier.addDocument(fold(u.text), u.intent);
    classifier.train();
    return async (text) => classifier.classify(fold(text));
  },
};
