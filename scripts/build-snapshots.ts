/**
 * Build step (run by scripts/build.mjs after the server bundle): the work start-up would otherwise repeat on the same
 * files, each written beside the bundle and stamped with a hash of its sources (the service uses a snapshot only while
 * those are unchanged): the validated knowledge base (dist/knowledge.json), its search index
 * (dist/knowledge-index.json), and the matcher trained on intents/ and the knowledge base's questions
 * (dist/matcher-model.json).
 * Usage: node dist/build-snapshots.js <intentsDir> <contentDir> <outDir>
 */

import { join } from 'node:path';
import { loadCommunes } from '../src/content/communes.js';
import { INTENT_NAMES } from '../src/content/intents-list.js';
import { hashKnowledgeSources, loadKnowledge, trainingUtterancesOf, writeKnowledgeSnapshot } from '../src/content/knowledge.js';
import { loadTrainingData } from '../src/content/training-data.js';
import { Matcher } from '../src/nlu/matcher.js';
import { hashTrainingData, writeMatcherSnapshot } from '../src/nlu/matcher-snapshot.js';
import { RetrievalIndex } from '../src/nlu/retrieval.js';
import { writeRetrievalIndex } from '../src/nlu/retrieval-snapshot.js';
import { knowledgeDocuments } from '../src/skills/knowledge/knowledge-finder.js';

const [intentsDir = 'intents', contentDir = 'content', outDir = 'dist'] = process.argv.slice(2);
const knowledgeDir = join(contentDir, 'knowledge');
const referralsFile = join(contentDir, 'referrals.yaml');
const knowledge = await loadKnowledge(knowledgeDir, referralsFile, INTENT_NAMES);
const knowledgeHash = await hashKnowledgeSources(knowledgeDir, referralsFile, INTENT_NAMES);
if (knowledgeHash === null) throw new Error('the knowledge base was read but cannot be hashed');
await writeKnowledgeSnapshot(join(outDir, 'knowledge.json'), knowledgeHash, knowledge);
await writeRetrievalIndex(join(outDir, 'knowledge-index.json'), knowledgeHash, new RetrievalIndex(knowledgeDocuments(knowledge.entries, knowledge.referrals)));

const extra = trainingUtterancesOf(knowledge);
const matcher = Matcher.train([...(await loadTrainingData(intentsDir)), ...extra], await loadCommunes(contentDir));
await writeMatcherSnapshot(join(outDir, 'matcher-model.json'), matcher.toSnapshot(await hashTrainingData(intentsDir, extra)));
