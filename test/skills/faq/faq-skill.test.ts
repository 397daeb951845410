import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { webCapabilities } from '../../../src/channels/web/capabilities.js';
import { zaloCapabilities } from '../../../src/channels/zalo/capabilities.js';
import { ManualClock } from '../../../src/clock.js';
import { loadAnswerContent } from '../../../src/content/answer-content.js';
import { ANSWER_LIMITS, type Answer, type AnswerBook } from '../../../src/content/answers.js';
import { INTENT_NAMES } from '../../../src/content/intents-list.js';
import { ConversationEngine } from '../../../src/engine/engine.js';
import { SessionStore } from '../../../src/engine/session-store.js';
import type { Reply, Skill, TurnContext } from '../../../src/engine/types.js';
import type { Parser } from '../../../src/nlu/types.js';
import { createFaqSkill } from '../../../src/skills/faq/faq-skill.js';
import { renderAnswer, renderAnswerById } from '../../../src/skills/faq/render-answer.js';
import { distinctTitles, renderChoices, renderEntry, renderReferral } from '../../../src/skills/faq/render-entry.js';
import { KnowledgeFinder } from '../../../src/skills/knowledge/knowledge-finder.js';
import { removeDiacritics } from '../../../src/text/fold.js';

const CONTENT_DIR = join(import.meta.dirname, '../../../content');
/** Intents whose flows other skills run; the app gives the FAQ skill all the others. */
const OWNED_ELSEWHERE = new Set(['screening_start', 'subscribe', 'unsubscribe', 'announcements', 'privacy']);
const FAQ_INTENTS = INTENT_NAMES.filter((i) => !OWNED_ELSEWHERE.has(i));
const ZALO_MAX_TEXT = 2000;

let book: AnswerBook;
let skill: Skill;
let finder: KnowledgeFinder;

beforeAll(async () => {
  const content = await loadAnswerContent(CONTENT_DIR, INTENT_NAMES);
  book = content.cards;
  finder = new KnowledgeFinder(content.knowledge.entries, content.knowledge.referrals);
  skill = createFaqSkill({ answers: book, knowledge: finder, loanRates: content.loanRates, intents: FAQ_INTENTS });
});

/** The parts of a turn the FAQ skill reads. */
function turn(text: string, payload?: string): TurnContext {
  const now = new Date('2026-11-28T03:00:00Z');
  return {
    message: { channel: 'zalo', userId: 'u1', text, payload },
    text,
    answer: null,
    session: {
      key: 'zalo:u1',
      channel: 'zalo',
      userId: 'u1',
      flow: null,
      lastQuickReplies: [],
      lastIntent: null,
      startedAt: now.toISOString(),
      lastActiveAt: now.toISOString(),
    },
    now,
    today: '2026-11-28',
    capabilities: zaloCapabilities(false),
    nlu: () => ({ text, intent: { name: 'fallback', confidence: 0 }, ranking: [], entities: [] }),
  };
}

async function ask(intent: string, text: string, payload?: string): Promise<Reply> {
  const result = await skill.handleIntent(turn(text, payload), intent);
  expect(result.replies).toHaveLength(1);
  return result.replies[0]!;
}

const firstLine = (id: string) => book.get(id)!.text.split('\n')[0]!;

describe('topic cards', () => {
  it('gives the main answer for a topic and for a tapped menu button', async () => {
    expect((await ask('credit', 'cho tôi hỏi về vay vốn')).text.startsWith(firstLine('credit'))).toBe(true);
    // "1" typed on Zalo arrives as the payload of the first button: its text is not a question.
    expect((await ask('credit', 'sinh vien', 'intent:credit')).text.startsWith(firstLine('credit'))).toBe(true);
  });

  it('shows exactly the entry of an answer: button, and ignores unknown ids', async () => {
    const result = await skill.handlePayload!(turn('', 'answer:credit.interest_rate'), 'answer:credit.interest_rate');
    expect(result?.replies[0]?.text).toContain('7,488%');
    expect(await skill.handlePayload!(turn('', 'answer:credit.nope'), 'answer:credit.nope')).toBeNull();
  });

  it('names the content each reply renders: card, entry, choices, referral', async () => {
    expect((await ask('credit', 'vay vốn')).source).toEqual({ kind: 'card', ids: ['credit'] });
    const [rate, loan] = ['credit.interest_rate', 'credit.student_loan'].map((id) => finder.entry(id)!);
    expect(renderEntry(rate!, {}, [loan!]).source).toEqual({ kind: 'entry', ids: ['credit.interest_rate'] });
    expect(renderChoices([rate!, loan!]).source).toEqual({ kind: 'choices', ids: ['credit.interest_rate', 'credit.student_loan'] });
    const referral = finder.find('làm thẻ căn cước ở đâu', []);
    expect(referral.kind === 'referral' && renderReferral(referral.referral).source).toEqual({ kind: 'referral', ids: ['identity_card'] });
  });

  it('refuses at creation an intent that has no answer', () => {
    expect(() => createFaqSkill({ answers: book, knowledge: finder, loanRates: [], intents: ['weather'] })).toThrow(/No answer for intent "weather"/);
  });
});

describe('rendering', () => {
  it('adds the legal basis with its as-of date and where to go', async () => {
    const reply = await ask('credit', '');
    expect(reply.text).toContain('\n\nCăn cứ: QĐ 2553/QĐ-TTg ngày 21/11/2025, Điều 1;');
    expect(reply.text).toMatch(/\(cập nhật 28\/11\/2026\)\.\nNơi liên hệ: Điểm giao dịch NHCSXH tại xã\/phường[^\n]*\.$/);
  });

  it('maps quick-reply targets to payloads', async () => {
    const reply = await ask('credit', '');
    const payloads = reply.quickReplies!.map((q) => q.payload);
    expect(payloads).toContain('answer:credit.student');
    expect(payloads).toContain('intent:screening_start');
    expect((await ask('thanks_goodbye', '')).quickReplies).toContainEqual({ title: 'Menu chính', payload: 'control:menu' });
  });

  it('gives the main menu as at most 10 buttons with the main topics', async () => {
    const menu = await ask('help', '');
    expect(menu.quickReplies!.length).toBeLessThanOrEqual(10);
    expect(menu.quickReplies!.map((q) => q.title)).toEqual(
      expect.arrayContaining(['Tự đánh giá hộ nghèo', 'Vay vốn', 'BHYT', 'Học phí', 'Nhà ở', 'Việc làm & học nghề', 'Thông báo của xã', 'Gặp cán bộ']),
    );
  });

  it('fallback says what the bot knows, shows topics and how to reach a person', async () => {
    const reply = await ask('fallback', 'thời tiết mai thế nào');
    expect(reply.text).toContain('Chương trình giảm nghèo bền vững');
    expect(reply.text).toContain('chuyển câu hỏi này cho cán bộ xã/phường');
    // "Gặp cán bộ" first, so it is not behind "Khác" when the buttons are cut to four.
    expect(reply.quickReplies![0]!.payload).toBe('intent:human_handoff');
    expect(reply.quickReplies!.map((q) => q.payload)).toContain('intent:help');
  });

  it('tells apart two related questions whose buttons would read alike once cut', () => {
    const titles = distinctTitles(['Trẻ mồ côi được trợ cấp bao nhiêu?', 'Trẻ mồ côi được học miễn phí không?', 'Vay vốn sinh viên ở đâu?']);
    expect(titles).toEqual(['…trợ cấp bao nhiêu', '…học miễn phí không', 'Vay vốn sinh viên…']);
    for (const t of titles) expect(t.length).toBeLessThanOrEqual(20);
  });

  it('lets other skills render an intro by id', () => {
    expect(renderAnswerById(book, 'screening_start').text).toContain('Giấy đề nghị rà soát');
    expect(() => renderAnswerById(book, 'nope')).toThrow(/No answer with id "nope"/);
  });

  it('keeps every rendered answer under 2,000 characters, in Vietnamese with diacritics', () => {
    for (const answer of book.all()) {
      const reply = renderAnswer(answer);
      expect(reply.text.length, answer.id).toBeLessThanOrEqual(ZALO_MAX_TEXT);
      expect(removeDiacritics(reply.text), answer.id).not.toBe(reply.text);
      if (answer.kind === 'policy') expect(reply.text, answer.id).toMatch(/\nCăn cứ: .+ \(cập nhật \d\d\/\d\d\/\d{4}\)\./);
      for (const q of reply.quickReplies ?? []) expect(q.title.length, `${answer.id}: ${q.title}`).toBeLessThanOrEqual(20);
    }
  });

  it('stays under 2,000 characters even when every field is at its limit', () => {
    const longest: Answer = {
      id: 'credit',
      intent: 'credit',
      kind: 'policy',
      text: 'ơ'.repeat(ANSWER_LIMITS.text),
      legalBasis: Array.from({ length: ANSWER_LIMITS.legalReferences }, () => ({
        document: 'đ'.repeat(ANSWER_LIMITS.legalDocument),
        article: 'Đ'.repeat(ANSWER_LIMITS.legalArticle),
      })),
      asOf: '2026-11-28',
      where: 'ư'.repeat(ANSWER_LIMITS.where),
      quickReplies: [],
    };
    expect(renderAnswer(longest).text.length).toBeLessThanOrEqual(ZALO_MAX_TEXT);
  });
});

describe('content is right for today (28/11/2026)', () => {
  /** What the citizen reads as advice (document numbers such as TT 07/2021/TT-BLĐTBXH keep their old names). */
  const allText = () => [
    ...[...book.all()].map((a) => ({ id: a.id, text: `${a.text}\n${a.where ?? ''}` })),
    ...[...finder.entries].map((e) => ({ id: e.id, text: [e.answer, ...e.variants.map((v) => v.answer), e.where ?? ''].join('\n') })),
  ];

  it('sends no one to a district office or a former ministry', () => {
    for (const { id, text } of allText()) {
      // Named only to say they no longer exist.
      if (/Sở Lao động|Bộ Lao động|LĐ-TB&XH|LĐTBXH/.test(text)) expect(text, id).toMatch(/không còn/);
      // The word "huyện" ("chuyện" contains it) only as history: the district level no longer exists, hospitals that used to be district level.
      if (/(?<!\p{L})huyện(?!\p{L})/u.test(text)) expect(text, id).toMatch(/không còn|trước đây|từng|là tuyến huyện|huyện cũ|bỏ cấp huyện|2021–2025/);
    }
  });

  it('quotes current rates and no unconfirmed amounts or invented phone numbers', () => {
    const texts = allText().map((t) => t.text).join('\n');
    expect(texts).toContain('6,24%/năm');
    // An old rate only beside the new one ("từ 6,6% xuống 6,24%/năm").
    for (const { id, text } of allText()) if (/6,6%|8,25%/.test(text)) expect(text, id).toMatch(/xuống 6,24%/);
    expect(texts).not.toMatch(/150\.000 đ/);
    expect(texts).not.toMatch(/\b(0\d{9}|1900\s?\d{4}|1800\s?\d{4})\b/);
    expect(finder.entry('health_insurance.near_poor')!.answer).toContain('100%');
  });
});

/** The FAQ skill in an engine whose classifier reads each text as `intentOf` says, with this confidence. */
/** The engine with the FAQ skill alone, or beside the other skills' stubs when it gets the app's intents only. */
function engineWith(intentOf: (text: string) => string, confidence: number, { asInTheApp = false } = {}): ConversationEngine {
  const clock = new ManualClock('2026-11-28T03:00:00Z');
  const parser: Parser = {
    parse: (text) => {
      const name = intentOf(text);
      return { text, intent: { name, confidence }, ranking: [{ name, confidence }], entities: [] };
    },
  };
  return new ConversationEngine({
    parser,
    skills: asInTheApp
      ? [
          createFaqSkill({ answers: book, knowledge: finder, loanRates: [], intents: FAQ_INTENTS }),
          { name: 'others', intents: [...OWNED_ELSEWHERE], handleIntent: (_, intent) => ({ replies: [{ text: `[${intent}]` }] }) },
        ]
      : [createFaqSkill({ answers: book, knowledge: finder, loanRates: [], intents: INTENT_NAMES })],
    sessions: new SessionStore({ repo: { loadAll: async () => [], replaceAll: async () => {} }, clock, idleMinutes: 30 }),
    clock,
    capabilities: { web: webCapabilities, zalo: zaloCapabilities(false) },
  });
}

describe('inside the engine', () => {
  it('answers a typed question, a tapped answer button and the menu word', async () => {
    const engine = engineWith((text) => (/vay/.test(text) ? 'credit' : 'fallback'), 1);

    const [typed] = await engine.handle({ channel: 'zalo', userId: 'u1', text: 'sinh vien vay dc bn' });
    expect(typed?.text).toMatch(/4 triệu|4\.000\.000/);

    const [menu] = await engine.handle({ channel: 'zalo', userId: 'u1', text: 'menu' });
    expect(menu?.text).toBe(book.main('help').text);

    // On Zalo without buttons the citizen answers the numbered menu: "3" is "Vay vốn".
    const [chosen] = await engine.handle({ channel: 'zalo', userId: 'u1', text: '3' });
    expect(chosen?.text.startsWith(firstLine('credit'))).toBe(true);

    const [tapped] = await engine.handle({ channel: 'web', userId: 'w1', payload: 'answer:housing.disaster' });
    expect(tapped?.text).toContain(finder.entry('housing.disaster')!.answer.split('\n')[0]!);
  });

  it("keeps the household's case told right after an answer for that answer, however surely the classifier reads the self-assessment", async () => {
    const engine = engineWith((text) => (/ho can ngheo/.test(removeDiacritics(text)) ? 'screening_start' : 'education'), 0.9, { asInTheApp: true });
    await engine.handle({ channel: 'web', userId: 'w1', text: 'học phí cấp 3' });
    const [told] = await engine.handle({ channel: 'web', userId: 'w1', text: 'nhà e hộ cận nghèo' });
    expect(told?.text).not.toBe('[screening_start]');
    expect(told?.text).toContain('cận nghèo');
    // Said first, it is still the self-assessment's.
    const [first] = await engine.handle({ channel: 'web', userId: 'w2', text: 'nhà e hộ cận nghèo' });
    expect(first?.text).toBe('[screening_start]');
  });

  it('tells a whole question for another office that nothing fits where to ask, and a short unknown one to rephrase', async () => {
    const engine = engineWith(() => 'fallback', 0.9);
    const long = 'Xin hỏi giá vé xe khách từ Hải Phòng lên Hà Nội hiện nay là bao nhiêu và bến xe nào có chuyến sớm nhất?';
    const [outside] = await engine.handle({ channel: 'web', userId: 'w1', text: long });
    expect(outside?.text).toBe(book.get('fallback.outside')!.text);
    expect(outside?.text).toContain('Bộ phận một cửa');
    expect(outside?.quickReplies?.[0]?.payload).toBe('intent:human_handoff');

    const [short] = await engine.handle({ channel: 'web', userId: 'w2', text: 'vé xe khách' });
    expect(short?.text).toBe(book.main('fallback').text);
  });
});
