import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadLabelledSet } from '../../src/nlu/evaluation.js';
import { FeatureIndex, featuresOf } from '../../src/nlu/features.js';
import { normalizeTokens } from '../../src/nlu/lexicon.js';
import { tokenize } from '../../src/nlu/tokenize.js';
import { loadTrainingData } from '../../src/nlu/training-data.js';

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
      expect(index.rowsOf(wordsOf(text)), text).toEqual({ rows: expected, distinct: features.length });
    }
  });
});
