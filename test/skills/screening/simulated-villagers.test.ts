/**
 * Hundreds of simulated villagers take the whole self-assessment through the real engine (in-process, the service's
 * own NLU and skills), typing as people in the villages do (see villagers.ts). Each must reach the category the
 * decree gives for its household, computed with the domain rules from the profile, never from the bot.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadPovertyRules } from '../../../src/content/standards.js';
import { standardOn } from '../../../src/domain/poverty/standards.js';
import type { Standard } from '../../../src/domain/poverty/types.js';
import type { Reply } from '../../../src/engine/types.js';
import { fold } from '../../../src/text/fold.js';
import { type ChatService, startChatService } from './chat.js';
import {
  answerTo,
  type CommuneNames,
  categoryOf,
  expectedCategory,
  misreadings,
  offTopic,
  opening,
  plainAnswer,
  type Question,
  questionOf,
  seeded,
  sizeWithIncome,
  understoodOf,
  type Villager,
  villagers,
} from './villagers.js';

/** Per standard: enough households for every category, size and phrasing to come up several times. */
const VILLAGERS_PER_STANDARD = 200;
/** More turns than the longest assessment (3 + 13 questions, a clarification each, an interruption) ever needs. */
const MAX_TURNS = 45;

async function communeNames(): Promise<CommuneNames> {
  const { communes } = JSON.parse(await readFile('content/communes.json', 'utf8')) as { communes: { name: string; type: string }[] };
  const names = (type: string) => communes.filter((c) => c.type === type).map((c) => fold(c.name)).slice(0, 40);
  return { rural: names('xa'), urban: names('phuong') };
}

interface Outcome {
  villager: Villager;
  expected: string;
  got: string | null;
  /** What the bot read wrong, even where the category came out right. */
  misread: string[];
  /** Answers after which the bot asked the same question again, or took them for something else. */
  notUnderstood: string[];
  /** Questions asked again (to make an answer clear, or not understood). */
  clarified: number;
  transcript: string[];
}

async function play(service: ChatService, v: Villager, communes: CommuneNames, tag: string): Promise<Outcome> {
  const random = seeded(v.id * 7919 + 17);
  const transcript: string[] = [];
  const say = async (text: string): Promise<Reply[]> => {
    const replies = await service.app.engine.handle({ channel: 'web', userId: `${tag}-${v.id}`, text });
    transcript.push(`> ${text}`, ...replies.map((r) => `< ${r.text.replace(/\n/g, ' ⏎ ').slice(0, 300)}`));
    return replies;
  };
  const expected = expectedCategory(v);
  const notUnderstood: string[] = [];
  let replies = await say(opening(v, random));
  let interrupted = !v.interrupts;
  let answered = null as { question: Question; text: string } | null;
  let incomeTold: string | null = null;
  let clarified = 0;
  for (let turn = 0; turn < MAX_TURNS; turn++) {
    const question = questionOf(replies);
    // The same question again, or a reply that asks nothing of the assessment: the answer was not taken as one.
    // A short question to make the answer clear ("Tính cả bố mẹ…") is not counted: that is what it should do.
    const askedAgain = answered !== null && JSON.stringify(question) === JSON.stringify(answered.question);
    if (askedAgain) clarified += 1;
    const missed = question.kind === 'resume' || /chua hieu|chua doc duoc|chua ro nha/.test(fold(replies.at(-1)?.text ?? ''));
    if (answered && (askedAgain || question.kind === 'resume') && missed) {
      notUnderstood.push(`${answered.question.kind}: ${answered.text}`);
    }
    answered = null;
    if (question.kind === 'result') {
      const understood = understoodOf(replies, v.standard);
      const misread = understood ? misreadings(v, understood) : ['no result button'];
      return { villager: v, expected, got: categoryOf(replies), misread, notUnderstood, clarified, transcript };
    }
    if (question.kind === 'unknown') break;
    if (!interrupted && (question.kind === 'indicator' || question.kind === 'income') && random() < 0.4) {
      interrupted = true;
      replies = await say(offTopic(random));
      continue;
    }
    // Now and then the size comes with the income: it must not be asked again.
    const story = question.kind === 'size' && v.income > 0 && random() < 0.2;
    if (question.kind === 'income' && incomeTold) notUnderstood.push(`income asked again after: ${incomeTold}`);
    const text = story
      ? sizeWithIncome(v, random)
      : ((askedAgain ? plainAnswer(v, question, random) : null) ?? answerTo(v, question, random, communes));
    if (story) incomeTold = text;
    if (question.kind !== 'resume') answered = { question, text };
    replies = await say(text);
  }
  return { villager: v, expected, got: null, misread: ['no result'], notUnderstood, clarified, transcript };
}

let service2026: ChatService;
let service2027: ChatService;
let communes: CommuneNames;
beforeAll(async () => {
  [service2026, service2027, communes] = await Promise.all([
    startChatService('2026-12-06T03:00:00Z'),
    startChatService('2027-03-01T03:00:00Z'),
    communeNames(),
  ]);
});
afterAll(() => Promise.all([service2026.close(), service2027.close()]));

async function standardFor(date: string): Promise<Standard> {
  const rules = await loadPovertyRules('content/standards');
  return standardOn(rules.standards, date)!;
}

describe.each([
  { date: '2026-12-06', service: () => service2026, seed: 2026 },
  { date: '2027-03-01', service: () => service2027, seed: 2027 },
])('simulated villagers, standard in force on $date', ({ date, service, seed }) => {
  it(`${VILLAGERS_PER_STANDARD} villagers each reach the category the decree gives`, async () => {
    const standard = await standardFor(date);
    const people = villagers(standard, VILLAGERS_PER_STANDARD, seed);
    const outcomes: Outcome[] = [];
    for (const v of people) outcomes.push(await play(service(), v, communes, `villager-${date}`));
    const wrong = outcomes.filter((o) => o.got !== o.expected);
    const counts = new Map<string, number>();
    for (const o of outcomes) counts.set(o.expected, (counts.get(o.expected) ?? 0) + 1);
    const byCategory = [...counts].map(([c, n]) => `${c} ${n}`).join(', ');
    const misread = outcomes.filter((o) => o.misread.length > 0);
    const notUnderstood = outcomes.flatMap((o) => o.notUnderstood);
    const answers = outcomes.reduce((n, o) => n + o.transcript.filter((l) => l.startsWith('> ')).length, 0);
    console.log(
      `${standard.id}: ${outcomes.length - wrong.length}/${outcomes.length} right (${byCategory}); ` +
        `${outcomes.length - misread.length} read without a mistake; ${notUnderstood.length} of ${answers} messages not taken as the answer; ` +
        `${outcomes.reduce((n, o) => n + o.clarified, 0)} questions asked again`,
    );
    if (process.env.VILLAGERS_REPORT) await writeFile(`${process.env.VILLAGERS_REPORT}-${date}-not-understood.txt`, notUnderstood.join('\n'));
    const describe = (o: Outcome) => {
      const { id, area, size, income, deprived } = o.villager;
      const head = `#${id} ${area} ${size} people ${income} đ [${[...deprived].join(', ')}]: expected ${o.expected}, got ${o.got}; misread: ${o.misread.join(', ')}`;
      return [head, ...o.transcript].join('\n');
    };
    const described = wrong.map(describe);
    // VILLAGERS_REPORT=<file> keeps every failure's transcript, to study them all.
    if (process.env.VILLAGERS_REPORT) {
      await writeFile(`${process.env.VILLAGERS_REPORT}-${date}.txt`, misread.map(describe).join('\n\n'));
    }
    const shown = described.slice(0, 8);
    expect(wrong.length, shown.join('\n\n')).toBe(0);
  });
});
