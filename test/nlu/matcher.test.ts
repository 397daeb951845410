import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCommunes } from '../../src/content/communes.js';
import { loadTrainingData } from '../../src/content/training-data.js';
import type { CommuneDirectory } from '../../src/domain/communes.js';
import { loadMatcher, type Matcher } from '../../src/nlu/matcher.js';

const root = join(import.meta.dirname, '../..');
let communes: CommuneDirectory;
let matcher: Matcher;
let scratch: string;

beforeAll(async () => {
  communes = await loadCommunes(join(root, 'content'));
  matcher = await loadMatcher({ intentsDir: join(root, 'intents'), communes });
  scratch = await mkdtemp(join(tmpdir(), 'intents-'));
});
afterAll(() => rm(scratch, { recursive: true, force: true }));

describe('intents of realistic messages', () => {
  it.each([
    ['ho ngheo vay dc bn', 'credit'],
    ['hộ nghèo vay vốn ngân hàng chính sách được bao nhiêu', 'credit'],
    ['the bhyt ho can ngheo dc ho tro may phan tram', 'health_insurance'],
    ['con e hoc lop 5 nha ngheo co dc mien hp ko', 'education'],
    ['xin chaof', 'greeting'],
    ['camr onw nhieu nhe', 'thanks_goodbye'],
    ['nha e 4 nguoi thu nhap 5tr thi co phai ho can ngheo k', 'screening_start'],
    ['di xkld han quoc can dieu kien gi', 'labour_export'],
    ['cho toi noi chuyen voi can bo xa', 'human_handoff'],
    ['gia vang hom nay bao nhieu', 'fallback'],
    ['ket qua xo so mien bac', 'fallback'],
    ['asdfgh', 'fallback'],
    ['??', 'fallback'],
  ])('%s → %s', (text, intent) => {
    expect(matcher.parse(text).intent.name).toBe(intent);
  });
});

describe('parse result', () => {
  it('gives the intent, a top-5 ranking of probabilities and the entities with offsets', () => {
    const text = 'nhà em 4 người ở xã Thanh Hà, thu nhập 2tr5 một tháng, có phải hộ nghèo không';
    const result = matcher.parse(text);
    expect(result.text).toBe(text);
    expect(result.ranking).toHaveLength(5);
    expect(result.ranking[0]!.name).toBe(result.intent.name);
    for (let i = 1; i < 5; i++) expect(result.ranking[i]!.confidence).toBeLessThanOrEqual(result.ranking[i - 1]!.confidence);
    expect(result.ranking.every((r) => r.confidence > 0 && r.confidence < 1)).toBe(true);
    const thanhHa = communes.search('Thanh Hà')[0]!.commune.id;
    expect(result.entities.map(({ entity, value, text: span }) => ({ entity, value, span }))).toEqual([
      { entity: 'count', value: 4, span: '4 người' },
      { entity: 'area', value: 'rural', span: 'xã' },
      { entity: 'commune', value: thanhHa, span: 'xã Thanh Hà' },
      { entity: 'money', value: 2_500_000, span: '2tr5' },
    ]);
    for (const e of result.entities) expect(text.slice(e.start, e.end)).toBe(e.text);
  });

  it('answers the same for NFD input (offsets refer to the NFC text it returns)', () => {
    const nfd = 'hộ nghèo vay 50 triệu'.normalize('NFD');
    const result = matcher.parse(nfd);
    expect(result.text).toBe(nfd.normalize('NFC'));
    expect(result.intent.name).toBe(matcher.parse(nfd.normalize('NFC')).intent.name);
    const [money] = result.entities;
    expect(result.text.slice(money!.start, money!.end)).toBe('50 triệu');
  });

  it('repairs typos and run-together words against the training vocabulary', () => {
    expect(matcher.parse('vay voons uu dai ho ngeo').intent.name).toBe('credit');
    expect(matcher.parse('hongheo vay von').intent.name).toBe('credit');
  });
});

describe('training data', () => {
  const intentsDir = async (name: string, files: Record<string, string>) => {
    const dir = join(scratch, name);
    await mkdir(dir, { recursive: true });
    for (const [file, text] of Object.entries(files)) await writeFile(join(dir, file), text);
    return dir;
  };

  it('loads every example of intents/', async () => {
    const examples = await loadTrainingData(join(root, 'intents'));
    expect(examples.length).toBeGreaterThan(800);
    expect(new Set(examples.map((e) => e.intent)).has('fallback')).toBe(true);
  });

  it('stops on a file of the wrong shape, naming the file and the field', async () => {
    const dir = await intentsDir('bad-shape', { 'greeting.yaml': 'intent: greeting\ndescription: hi\nexamples: "xin chao"\n' });
    await expect(loadTrainingData(dir)).rejects.toThrow(/greeting\.yaml: examples:/);
  });

  it('stops on an unknown intent', async () => {
    const dir = await intentsDir('unknown', { 'weather.yaml': 'intent: weather\ndescription: x\nexamples: ["mua khong"]\n' });
    await expect(loadTrainingData(dir)).rejects.toThrow(/weather\.yaml: intent:/);
  });

  it('stops on a file named after another intent, on YAML it cannot read, and on missing intents', async () => {
    const misnamed = await intentsDir('misnamed', { 'help.yaml': 'intent: greeting\ndescription: x\nexamples: ["chao"]\n' });
    await expect(loadTrainingData(misnamed)).rejects.toThrow(/help\.yaml: intent: holds intent "greeting"/);
    const broken = await intentsDir('broken', { 'greeting.yaml': 'intent: [greeting\n' });
    await expect(loadTrainingData(broken)).rejects.toThrow(/greeting\.yaml: line 2, column 1: not valid YAML/);
    const partial = await intentsDir('partial', { 'greeting.yaml': 'intent: greeting\ndescription: x\nexamples: ["chao"]\n' });
    await expect(loadTrainingData(partial)).rejects.toThrow(/no training file for intent\(s\): .*fallback/);
  });

  it('stops when one sentence is given to two intents', async () => {
    const dir = await intentsDir('conflict', {
      'greeting.yaml': 'intent: greeting\ndescription: x\nexamples: ["xin chào"]\n',
      'help.yaml': 'intent: help\ndescription: x\nexamples: ["Xin chao"]\n',
    });
    const error = await loadTrainingData(dir).catch((e: Error) => e);
    expect(error).toMatchObject({ name: 'ContentError' });
    expect((error as Error).message).toMatch(/help\.yaml: examples\.0: "Xin chao" is also an example of "greeting"/);
  });
});
