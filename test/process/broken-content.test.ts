import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnService, waitForExit } from '../support/service-process.js';

/**
 * Every kind of content and training file, broken in a temporary copy: the built service (dist/main.js) must stop
 * with one line naming the file, the place in it and the problem, no stack trace, and exit code 78 (as for a wrong
 * configuration).
 */
let scratch: string;

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'broken-content-'));
});
afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

async function startWith(name: string, file: string, change: (text: string) => string): Promise<{ code: number | null; stderr: string }> {
  const root = join(scratch, name);
  await cp('content', join(root, 'content'), { recursive: true });
  await cp('intents', join(root, 'intents'), { recursive: true });
  const path = join(root, file);
  await writeFile(path, change(await readFile(path, 'utf8')));
  const { child, stderr } = await spawnService({
    PORT: '0',
    DATA_DIR: join(root, 'data'),
    CONTENT_DIR: join(root, 'content'),
    INTENTS_DIR: join(root, 'intents'),
  });
  const code = await waitForExit(child);
  return { code, stderr: stderr() };
}

describe('a broken content or training file stops start-up with one line', () => {
  it.each([
    {
      kind: 'answers',
      file: 'content/answers/credit.yaml',
      change: (t: string) => t.replace('kind: policy', 'kind: rumour'),
      line: /content\/answers\/credit\.yaml: answers\[0\] \(credit\): kind must be one of "policy", "conversational"/,
    },
    {
      kind: 'standards',
      file: 'content/standards/guidance.yaml',
      change: () => 'disclaimer: [unclosed\n',
      line: /content\/standards\/guidance\.yaml: line \d+, column \d+: not valid YAML/,
    },
    {
      kind: 'communes',
      file: 'content/communes.json',
      change: (t: string) => t.replace('"portion": "full"', '"portion": "most"'),
      line: /content\/communes\.json: communes\.\d+\.formerNames\.\d+\.portion: /,
    },
    {
      kind: 'knowledge',
      file: 'content/knowledge/credit.yaml',
      change: (t: string) => t.replace('topic: credit', 'topic: weather'),
      line: /content\/knowledge\/credit\.yaml: entries\[0\] \(credit\.[a-z_]+\): topic "weather" is not one of the intents/,
    },
    {
      kind: 'referrals',
      file: 'content/referrals.yaml',
      change: (t: string) => t.replace(/office: .*/, 'office: ""'),
      line: /content\/referrals\.yaml: referrals\[0\] \([a-z_]+\): office must not be empty/,
    },
    {
      kind: 'loan rates',
      file: 'content/loan-rates.yaml',
      change: (t: string) => t.replace('poor: 6.24', 'poor: sáu'),
      line: /content\/loan-rates\.yaml: rates\.0\.percentPerYear\.poor: must be number/,
    },
    {
      kind: 'intents (training data)',
      file: 'intents/greeting.yaml',
      change: (t: string) => t.replace(/examples:[\s\S]*/, 'examples: []\n'),
      line: /intents\/greeting\.yaml: examples: /,
    },
  ])('$kind', async ({ kind, file, change, line }) => {
    const { code, stderr } = await startWith(kind.split(' ')[0]!, file, change);
    expect(code).toBe(78);
    const lines = stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(line);
    expect(lines[0]).not.toMatch(/\bat .+:\d+:\d+/);
  });
});
