/**
 * Build step (run by scripts/build.mjs after the server bundle): trains the matcher on intents/ and writes
 * dist/matcher-model.json, which the service loads at start-up while intents/ is unchanged.
 * Usage: node dist/train-matcher.js <intentsDir> <contentDir> <outFile>
 */
import { loadCommunes } from '../src/content/communes.js';
import { loadTrainingData } from '../src/content/training-data.js';
import { Matcher } from '../src/nlu/matcher.js';
import { hashIntents, writeMatcherSnapshot } from '../src/nlu/matcher-snapshot.js';

const [intentsDir = 'intents', contentDir = 'content', outFile = 'dist/matcher-model.json'] = process.argv.slice(2);
const intentsHash = await hashIntents(intentsDir);
const matcher = Matcher.train(await loadTrainingData(intentsDir), await loadCommunes(contentDir));
await writeMatcherSnapshot(outFile, matcher.toSnapshot(intentsHash));
