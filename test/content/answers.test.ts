import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadAnswerContent } from '../../src/content/answer-content.js';
import { loadAnswers } from '../../src/content/answers.js';
import { INTENT_NAMES } from '../../src/content/intents-list.js';
import { ContentError } from '../../src/errors.js';

const CONTENT_DIR = join(import.meta.dirname, '../../content/answers');

const tempDirs: string[] = [];
afterAll(() => Promise.all(tempDirs.map((dir) => rm(dir, { recursive: true, force: true }))));

/** A content directory in the OS temp dir holding exactly the given files. */
async function contentDir(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'answers-'));
  tempDirs.push(dir);
  for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), text, 'utf8');
  return dir;
}

const GREETING = `
intent: greeting
answers:
  - id: greeting
    kind: conversational
    text: "Xin chào! Bạn cần hỏi gì?"
    quickReplies:
      - { title: "Vay vốn", target: "intent:credit" }
      - { title: "Menu", target: "control:menu" }
`;

/** A valid credit file; tests break one thing in it at a time. */
const credit = (overrides: { mainText?: string; studentExtra?: string; studentBasis?: boolean; target?: string } = {}) => `
intent: credit
answers:
  - id: credit
    kind: policy
    text: "${overrides.mainText ?? 'Hộ nghèo vay tối đa 100 triệu đồng.'}"
    legalBasis:
      - { document: "QĐ 2553/QĐ-TTg", article: "Điều 1" }
    asOf: "2026-11-28"
    where: "Điểm giao dịch NHCSXH tại xã/phường"
    quickReplies:
      - { title: "Vay cho sinh viên", target: "${overrides.target ?? 'answer:credit.student'}" }
  - id: credit.student
    kind: policy
    text: "Sinh viên vay tối đa 4.000.000 đồng/tháng."
${overrides.studentBasis === false ? '' : '    legalBasis:\n      - { document: "QĐ 05/2022/QĐ-TTg" }\n'}    asOf: "2026-11-28"
    where: "Tổ tiết kiệm và vay vốn"
${overrides.studentExtra ?? ''}`;

const INTENTS = ['greeting', 'credit'] as const;

describe('loadAnswers on the real content', () => {
  it('loads every intent of INTENT_NAMES with a main answer, and every policy answer has its source and date', async () => {
    const book = (await loadAnswerContent(join(CONTENT_DIR, '..'), INTENT_NAMES)).cards;
    for (const intent of INTENT_NAMES) expect(book.main(intent).id).toBe(intent);
    for (const answer of [...book.all()].filter((a) => a.kind === 'policy')) {
      expect(answer.legalBasis.length, answer.id).toBeGreaterThan(0);
      expect(answer.asOf, answer.id).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(answer.where, answer.id).toBeTruthy();
    }
  });

  it('has knowledge entries where citizens need different facts, and the cards\' buttons reach them', async () => {
    const { knowledge } = await loadAnswerContent(join(CONTENT_DIR, '..'), INTENT_NAMES);
    const ids = new Set(knowledge.entries.map((e) => e.id));
    for (const id of ['credit.poor', 'credit.near_poor', 'credit.newly_escaped', 'credit.student', 'credit.job_creation', 'health_insurance.poor', 'health_insurance.near_poor', 'review_process.monthly', 'review_process.form', 'review_process.appeal', 'review_process.exit']) {
      expect(ids.has(id), id).toBe(true);
    }
    expect(knowledge.entries.length).toBeGreaterThanOrEqual(300);
  });
});

describe('loadAnswers on broken content', () => {
  it('loads a valid directory', async () => {
    const book = await loadAnswers(await contentDir({ 'greeting.yaml': GREETING, 'credit.yaml': credit() }), INTENTS);
    expect(book.main('credit').kind).toBe('policy');
    expect(book.get('credit.student')?.intent).toBe('credit');
  });

  it('accepts a button to a knowledge entry it is told of', async () => {
    const dir = await contentDir({ 'greeting.yaml': GREETING, 'credit.yaml': credit({ target: 'answer:credit.rates' }) });
    await expect(loadAnswers(dir, INTENTS, new Set(['credit.rates']))).resolves.toBeDefined();
  });

  it('names the file, the answer and the target of a quick reply that points nowhere', async () => {
    const dir = await contentDir({ 'greeting.yaml': GREETING, 'credit.yaml': credit({ target: 'answer:credit.teacher' }) });
    await expect(loadAnswers(dir, INTENTS)).rejects.toThrow(
      /credit\.yaml: answers\[0\] \(credit\): quickReplies\[0\] "Vay cho sinh viên": target "answer:credit\.teacher": no answer or knowledge entry has the id "credit\.teacher"/,
    );
  });

  it('rejects a quick reply to an unknown intent or control word', async () => {
    const intentDir = await contentDir({ 'greeting.yaml': GREETING, 'credit.yaml': credit({ target: 'intent:weather' }) });
    await expect(loadAnswers(intentDir, INTENTS)).rejects.toThrow(/target "intent:weather": "weather" is not a known intent/);
    const controlDir = await contentDir({ 'greeting.yaml': GREETING, 'credit.yaml': credit({ target: 'control:reboot' }) });
    await expect(loadAnswers(controlDir, INTENTS)).rejects.toThrow(/target "control:reboot": "reboot" is not one of menu/);
  });

  it('requires a legal basis on a policy answer', async () => {
    const dir = await contentDir({ 'greeting.yaml': GREETING, 'credit.yaml': credit({ studentBasis: false }) });
    await expect(loadAnswers(dir, INTENTS)).rejects.toThrow(
      'credit.yaml: answers[1] (credit.student): legalBasis is required for a policy answer',
    );
  });

  it('names the intent whose file is missing', async () => {
    const dir = await contentDir({ 'greeting.yaml': GREETING });
    await expect(loadAnswers(dir, INTENTS)).rejects.toThrow(/no answers for intent "credit" \(expected .*credit\.yaml\)/);
  });

  it('rejects a text over 600 characters, saying how long it is', async () => {
    const dir = await contentDir({ 'greeting.yaml': GREETING, 'credit.yaml': credit({ mainText: 'Hộ nghèo '.repeat(67) }) });
    await expect(loadAnswers(dir, INTENTS)).rejects.toThrow(
      /credit\.yaml: answers\[0\] \(credit\): text is 602 characters long; the limit is 600/,
    );
  });

  it('rejects citizen-facing text written without diacritics', async () => {
    const dir = await contentDir({ 'greeting.yaml': GREETING, 'credit.yaml': credit({ mainText: 'Ho ngheo vay toi da 100 trieu dong.' }) });
    await expect(loadAnswers(dir, INTENTS)).rejects.toThrow(/answers\[0\] \(credit\): text has no Vietnamese diacritics/);
  });

  it('rejects duplicate ids, sub-answer ids outside their intent and a main answer with keywords', async () => {
    const extra = `  - id: credit.student
    kind: conversational
    text: "Trùng mã."
  - id: housing.loan
    kind: conversational
    text: "Sai tệp."
`;
    const dir = await contentDir({ 'greeting.yaml': GREETING, 'credit.yaml': credit({ studentExtra: extra }) });
    const error = await loadAnswers(dir, INTENTS).catch((e: Error) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(/answers\[2\] \(credit\.student\): id "credit\.student" is already used/);
    expect((error as Error).message).toMatch(/answers\[3\] \(housing\.loan\): id must be "credit" or start with "credit\."/);
  });

  it('rejects a file named after another intent, an unknown intent and invalid YAML', async () => {
    const misnamed = await contentDir({ 'greeting.yaml': GREETING, 'loans.yaml': credit() });
    await expect(loadAnswers(misnamed, INTENTS)).rejects.toThrow(/loans\.yaml: the file for intent "credit" must be named credit\.yaml/);

    const unknown = await contentDir({ 'greeting.yaml': GREETING, 'credit.yaml': credit(), 'weather.yaml': GREETING.replaceAll('greeting', 'weather') });
    await expect(loadAnswers(unknown, INTENTS)).rejects.toThrow(/weather\.yaml: intent "weather" is not in the list of intents/);

    const broken = await contentDir({ 'greeting.yaml': GREETING, 'credit.yaml': 'intent: credit\nanswers: [\n' });
    await expect(loadAnswers(broken, INTENTS)).rejects.toThrow(/credit\.yaml: line \d+, column \d+: not valid YAML/);
  });

  it('reports every problem at once, field by field', async () => {
    const bad = `
intent: credit
answers:
  - id: credit
    kind: rumour
    text: ""
    asOf: "2026-02-30"
    colour: red
`;
    const error = (await loadAnswers(await contentDir({ 'greeting.yaml': GREETING, 'credit.yaml': bad }), INTENTS).catch(
      (e: Error) => e,
    )) as Error;
    expect(error).toBeInstanceOf(ContentError);
    expect((error as ContentError).problems).toHaveLength(5);
    expect(error.message).toContain('answers[0] (credit): kind must be one of "policy", "conversational"');
    expect(error.message).toContain('answers[0] (credit): text must not be empty');
    expect(error.message).toContain('answers[0] (credit): asOf is not a real calendar date');
    expect(error.message).toContain('answers[0] (credit): has unknown field(s): colour');
  });
});
