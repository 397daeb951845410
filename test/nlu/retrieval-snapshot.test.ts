import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadAnswerContent } from '../../src/content/answer-content.js';
import { INTENT_NAMES } from '../../src/content/intents-list.js';
import { RetrievalIndex } from '../../src/nlu/retrieval.js';
import { readRetrievalIndex, writeRetrievalIndex } from '../../src/nlu/retrieval-snapshot.js';
import { knowledgeDocuments } from '../../src/skills/knowledge/knowledge-finder.js';

let scratch: string;
let built: RetrievalIndex;
let queries: string[];

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'retrieval-snapshot-'));
  const { knowledge } = await loadAnswerContent('content', INTENT_NAMES);
  built = new RetrievalIndex(knowledgeDocuments(knowledge.entries, knowledge.referrals));
  // Every tenth paraphrase, the answers' openings and words no entry has.
  queries = [
    ...knowledge.entries.flatMap((e) => e.paraphrases).filter((_, i) => i % 10 === 0),
    ...knowledge.entries.slice(0, 40).map((e) => e.answer.slice(0, 80)),
    'thời tiết hôm nay thế nào',
    'sv vay dc bn',
  ];
});
afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

describe('the search index snapshot', () => {
  it('finds exactly what the index built from the documents finds, scores included', async () => {
    const file = join(scratch, 'index.json');
    await writeRetrievalIndex(file, 'h1', built);
    const restored = (await readRetrievalIndex(file, 'h1'))!;
    expect(restored.size).toBe(built.size);
    for (const text of queries) {
      const query = [{ text, weight: 1 }, { text: 'hộ nghèo', weight: 0.35 }];
      expect(restored.search(query, 8)).toEqual(built.search(query, 8));
    }
  });

  it('is not used for other sources, nor when missing or not a snapshot', async () => {
    const file = join(scratch, 'index.json');
    await writeRetrievalIndex(file, 'h1', built);
    expect(await readRetrievalIndex(file, 'h2')).toBeNull();
    expect(await readRetrievalIndex(file, null)).toBeNull();
    expect(await readRetrievalIndex(join(scratch, 'missing.json'), 'h1')).toBeNull();
    const garbled = join(scratch, 'garbled.json');
    await writeFile(garbled, JSON.stringify({ hash: 'h1', data: { ...built.toSnapshot(), frequencies: 'AAA' } }));
    expect(await readRetrievalIndex(garbled, 'h1')).toBeNull();
  });
});
