import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCommunes } from '../../src/content/communes.js';
import { loadTrainingData } from '../../src/content/training-data.js';
import { loadLabelledSet } from '../../src/nlu/evaluation.js';
import { FeatureIndex, featuresOf } from '../../src/nlu/features.js';
import { normalizeTokens } from '../../src/nlu/lexicon.js';
import { LinearClassifier } from '../../src/nlu/linear-classifier.js';
import { DEFAULT_CALIBRATION, loadMatcher } from '../../src/nlu/matcher.js';
import { Vocabulary } from '../../src/nlu/vocabulary.js';
import { tokenize } from '../../src/text/tokenize.js';

const root = join(import.meta.dirname, '../..');
const wordsOf = (text: string) => normalizeTokens(tokenize(text.normalize('NFC')));

describe('FeatureIndex', () => {
  it('finds exactly the rows of featuresOf, in its order, and counts its distinct features', async () => {
    const training = (await loadTrainingData(join(root, 'intents'))).map((u) => u.text);
    const dev = (await loadLabelledSet(join(root, 'test/nlu/dev-set.yaml'))).map((e) => e.text);
    // The index knows the training half's features; the development half brings unknown words and pairs.
    const rows = new Map<string, number>();
    for (const text of training.filter((_, i) => i % 2 === 0)) {
      for (const feature of featuresOf(wordsOf(text))) if (!rows.has(feature)) rows.set(feature, rows.size);
    }
    const index = new FeatureIndex(rows);
    for (const text of [...training, ...dev, 'ho ngheo ho ngheo ho ngheo', 'Hộ nghèo hộ NGHÈO', '']) {
      const features = featuresOf(wordsOf(text));
      const expected = features.filter((f) => rows.has(f)).map((f) => rows.get(f)!);
      expect(index.rowsOf(wordsOf(text).map((w) => index.indexed(w.form, w.typed))), text).toEqual({ rows: expected, distinct: features.length });
    }
  });
});

describe('the matcher’s per-token memo', () => {
  it('ranks exactly as normalizing, repairing and indexing every word on every parse would, first time and again', async () => {
    const matcher = await loadMatcher({ intentsDir: join(root, 'intents'), communes: await loadCommunes(join(root, 'content')) });
    // The same model, taken apart into its public pieces: the pipeline without any per-token memo.
    const snapshot = matcher.toSnapshot('test');
    const classifier = LinearClassifier.fromSnapshot(snapshot.classifier);
    const vocabulary = Vocabulary.fromSnapshot(snapshot.vocabulary);
    const index = new FeatureIndex(classifier.featureRows);
    const reference = (text: string) => {
      // An unknown word is replaced by what it stands for, which carries no typed accents.
      const repaired = wordsOf(text).flatMap((w) => vocabulary.repairForm(w.form)?.map((form) => index.indexed(form)) ?? [index.indexed(w.form, w.typed)]);
      const { rows, distinct } = index.rowsOf(repaired);
      const p = classifier.probabilities(rows, distinct, DEFAULT_CALIBRATION.temperature);
      return classifier.labels.map((name, i) => ({ name, confidence: p[i]! })).sort((a, b) => b.confidence - a.confidence);
    };
    const training = (await loadTrainingData(join(root, 'intents'))).map((u) => u.text);
    const dev = (await loadLabelledSet(join(root, 'test/nlu/dev-set.yaml'))).map((e) => e.text);
    // Typos (repaired), run-together words (split), numbers and units, neighbour-dependent words, labels, accents.
    const awkward = ['hongheo vay dc bn', 'ngeo qua', 'nha 5 nguoi thu nhap 3tr', 'phiếu A hay phiếu B', 'hp', 'bn tuoi thi dc', 'Hộ nghèo HỘ NGHÈO'];
    for (const pass of [1, 2]) {
      for (const text of [...awkward, ...dev, ...training]) expect(matcher.rank(text), `${text} (pass ${pass})`).toEqual(reference(text));
    }
  });
});
