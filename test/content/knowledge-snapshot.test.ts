import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INTENT_NAMES } from '../../src/content/intents-list.js';
import { hashKnowledgeSources, type Knowledge, loadKnowledge, loadKnowledgeFast, writeKnowledgeSnapshot } from '../../src/content/knowledge.js';
import { ContentError } from '../../src/errors.js';

/** The build's snapshot of the knowledge base (dist/knowledge.json) stands in for the files only while they are unchanged. */
let root: string;
let dir: string;
let referrals: string;
let snapshotFile: string;
let fresh: Knowledge;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'knowledge-snapshot-'));
  dir = join(root, 'knowledge');
  referrals = join(root, 'referrals.yaml');
  snapshotFile = join(root, 'knowledge.json');
  await cp('content/knowledge', dir, { recursive: true });
  await cp('content/referrals.yaml', referrals);
  fresh = await loadKnowledge(dir, referrals, INTENT_NAMES);
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

/** A snapshot whose first entry answers differently from the files: easy to recognise when it is (not) served. */
async function writeOddSnapshot(): Promise<void> {
  const hash = (await hashKnowledgeSources(dir, referrals, INTENT_NAMES))!;
  const [first, ...rest] = fresh.entries;
  await writeKnowledgeSnapshot(snapshotFile, hash, { ...fresh, entries: [{ ...first!, answer: 'từ bản chụp' }, ...rest] });
}

describe('the knowledge snapshot', () => {
  it('restores exactly what reading and validating the files gives', async () => {
    await writeKnowledgeSnapshot(snapshotFile, (await hashKnowledgeSources(dir, referrals, INTENT_NAMES))!, fresh);
    const { knowledge } = await loadKnowledgeFast(dir, referrals, INTENT_NAMES, snapshotFile);
    expect(knowledge).toEqual(fresh);
  });

  it('is served while the files are unchanged, and never once one changed', async () => {
    await writeOddSnapshot();
    expect((await loadKnowledgeFast(dir, referrals, INTENT_NAMES, snapshotFile)).knowledge.entries[0]!.answer).toBe('từ bản chụp');

    const file = join(dir, 'credit.yaml');
    const original = await readFile(file, 'utf8');
    await writeFile(file, `${original}\n# an edited comment changes no entry but is a change\n`);
    const { knowledge } = await loadKnowledgeFast(dir, referrals, INTENT_NAMES, snapshotFile);
    expect(knowledge.entries[0]!.answer).toBe(fresh.entries[0]!.answer);
    await writeFile(file, original);
  });

  it('does not hide a broken file: start-up still stops with its ContentError', async () => {
    await writeOddSnapshot();
    const file = join(dir, 'credit.yaml');
    const original = await readFile(file, 'utf8');
    await writeFile(file, original.replace('topic: credit', 'topic: weather'));
    const failure = await loadKnowledgeFast(dir, referrals, INTENT_NAMES, snapshotFile).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ContentError);
    expect((failure as ContentError).line).toMatch(/credit\.yaml: .*weather/);
    await writeFile(file, original);
  });

  it('counts an added file and another intent list as changes, and falls back when the snapshot is missing or garbled', async () => {
    const hash = await hashKnowledgeSources(dir, referrals, INTENT_NAMES);
    const added = join(dir, 'zz-extra.yml');
    await writeFile(added, '');
    expect(await hashKnowledgeSources(dir, referrals, INTENT_NAMES)).not.toBe(hash);
    await rm(added);
    expect(await hashKnowledgeSources(dir, referrals, INTENT_NAMES)).toBe(hash);
    expect(await hashKnowledgeSources(dir, referrals, [...INTENT_NAMES, 'weather'])).not.toBe(hash);

    expect((await loadKnowledgeFast(dir, referrals, INTENT_NAMES, join(root, 'missing.json'))).knowledge).toEqual(fresh);
    await writeFile(snapshotFile, '{"hash":');
    expect((await loadKnowledgeFast(dir, referrals, INTENT_NAMES, snapshotFile)).knowledge).toEqual(fresh);
  });
});
