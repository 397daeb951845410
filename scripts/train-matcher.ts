/**
 * Build step (run by scripts/build.mjs after the server bundle): trains the matcher on intents/ and the knowledge
 * base's questions and writes dist/matcher-model.json, which the service loads at start-up while both are unchanged.
 * Usage: node dist/train-matcher.js <intentsDir> <contentDir> <outFile>
 */

import { loadCommunes } from '../src/content/communes.js';
import { INTENT_NAMES } from '../src/content/intents-list.js';
import { loadKnowledge, trainingUtterancesOf } from '../src/content/knowledge.js';
import { loadTrainingData } from '../src/content/training-data.js';
import { Matcher } from '../src/nlu/matcher.js';
import { hashTrainingData, writeMatcherSnapshot } from '../src/nlu/matcher-snapshot.js';

const [intentsDir = 'intents', contentDir = 'content', outFile = 'dist/matcher-model.json'] = process.argv.slice(2);
const knowledge = await loadKnowledge(`${contentDir}/knowledge`, `${contentDir}/referrals.yaml`, INTENT_NAMES);
const extra = trainingUtterancesOf(knowledge);
const matcher = Matcher.train([...(await loadTrainingData(intentsDir)), ...extra], await loadCommunes(contentDir));
await writeMatcherSnapshot(outFile, matcher.toSnapshot(await hashTrainingData(intentsDir, extra)));
