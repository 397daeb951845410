/**
 * The development set (test/nlu/dev-set.yaml, never trained on) against the targets of issue 3. Fails when a change
 * to the pipeline, the model or the training data makes the matcher worse than required.
 */
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { naturalBayesPeer, nlpJsPeer, ourMatcher, predict } from '../../scripts/nlu-peers.js';
import { loadCommunes } from '../../src/content/communes.js';
import { loadTrainingData } from '../../src/content/training-data.js';
import { type Figures, figures, loadLabelledSet } from '../../src/nlu/evaluation.js';

const root = join(import.meta.dirname, '../..');
let ours: Figures;
let nlpJs: Figures;
let bayes: Figures;

beforeAll(async () => {
  const communes = await loadCommunes(join(root, 'content'));
  const training = await loadTrainingData(join(root, 'intents'));
  const dev = await loadLabelledSet(join(root, 'test/nlu/dev-set.yaml'));
  ours = figures((await predict(ourMatcher(communes), training, dev)).predictions);
  nlpJs = figures((await predict(nlpJsPeer, training, dev)).predictions);
  bayes = figures((await predict(naturalBayesPeer, training, dev)).predictions);
});

describe('development set', () => {
  it('is mostly answered with the right intent (≥ 95 % top-1)', () => {
    expect(ours.accuracy).toBeGreaterThanOrEqual(0.95);
  });

  it('sends ≥ 90 % of out-of-scope questions to fallback', () => {
    expect(ours.outOfScopeFalseAccept).toBeLessThanOrEqual(0.1);
  });

  it('sends ≤ 3 % of in-scope questions to fallback', () => {
    expect(ours.inScopeFalseReject).toBeLessThanOrEqual(0.03);
  });

  it('makes at most half the errors of NLP.js trained on the same data', () => {
    expect(ours.errors * 2).toBeLessThanOrEqual(nlpJs.errors);
  });

  it('beats a plain natural BayesClassifier', () => {
    expect(ours.errors).toBeLessThan(bayes.errors);
  });
});
