import { appendFile, copyFile, mkdtemp, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadCommunes } from '../../src/content/communes.js';
import { loadTrainingData } from '../../src/content/training-data.js';
import type { CommuneDirectory } from '../../src/domain/communes.js';
import { loadLabelledSet } from '../../src/nlu/evaluation.js';
import { loadMatcher, Matcher } from '../../src/nlu/matcher.js';
import { hashTrainingData, writeMatcherSnapshot } from '../../src/nlu/matcher-snapshot.js';

let communes: CommuneDirectory;
let trained: Matcher;
let texts: string[];
beforeAll(async () => {
  communes = await loadCommunes('content');
  trained = Matcher.train(await loadTrainingData('intents'), communes);
  texts = (await loadLabelledSet('test/nlu/dev-set.yaml')).map((e) => e.text);
});

describe('the build-time matcher snapshot', () => {
  it('parses every development sentence exactly as the freshly trained matcher', () => {
    const restored = Matcher.fromSnapshot(JSON.parse(JSON.stringify(trained.toSnapshot('h'))), communes);
    for (const text of texts) expect(restored.parse(text)).toEqual(trained.parse(text));
  });

  it('is used only while the intents files are the ones it was trained on', async () => {
    const intentsDir = await mkdtemp(join(tmpdir(), 'intents-'));
    for (const name of await readdir('intents')) await copyFile(join('intents', name), join(intentsDir, name));
    const snapshotFile = join(intentsDir, '..', `${intentsDir.split('/').pop()}-model.json`);
    // A snapshot whose model answers "greeting" to everything: easy to recognise when it is (not) used.
    const odd = trained.toSnapshot(await hashTrainingData(intentsDir));
    odd.classifier.bias = Buffer.from(new Float64Array(odd.classifier.labels.map((l) => (l === 'greeting' ? 1e6 : 0))).buffer).toString('base64');
    await writeMatcherSnapshot(snapshotFile, odd);

    const fromSnapshot = await loadMatcher({ intentsDir, communes, snapshotFile });
    expect(fromSnapshot.parse('ho ngheo vay dc bn').intent.name).toBe('greeting');

    await appendFile(join(intentsDir, 'greeting.yaml'), '  - "chao buoi sang ca nha"\n');
    const retrained = await loadMatcher({ intentsDir, communes, snapshotFile });
    expect(retrained.parse('ho ngheo vay dc bn').intent.name).toBe('credit');
  });
});
