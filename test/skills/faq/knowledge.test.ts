import { describe, expect, it } from 'vitest';
import { webCapabilities } from '../../../src/channels/web/capabilities.js';
import { zaloCapabilities } from '../../../src/channels/zalo/capabilities.js';
import { ManualClock } from '../../../src/clock.js';
import { AnswerBook } from '../../../src/content/answers.js';
import type { KnowledgeEntry, Referral } from '../../../src/domain/knowledge/types.js';
import { ConversationEngine } from '../../../src/engine/engine.js';
import { SessionStore } from '../../../src/engine/session-store.js';
import { readFacts } from '../../../src/nlu/facts.js';
import type { Parser } from '../../../src/nlu/types.js';
import { createFaqSkill } from '../../../src/skills/faq/faq-skill.js';
import { type AskedFor, KnowledgeFinder } from '../../../src/skills/knowledge/knowledge-finder.js';

const entry = (e: Partial<KnowledgeEntry> & Pick<KnowledgeEntry, 'id' | 'question' | 'paraphrases' | 'answer'>): KnowledgeEntry => ({
  topic: e.id.split('.')[0]!,
  variants: [],
  legalBasis: [{ document: 'Quyết định 2553/QĐ-TTg' }],
  asOf: '2026-12-06',
  where: 'Ngân hàng Chính sách xã hội',
  related: [],
  handoff: false,
  kind: 'policy',
  ...e,
});

const ENTRIES: KnowledgeEntry[] = [
  entry({
    id: 'credit.interest_rate',
    question: 'Lãi suất vay vốn Ngân hàng Chính sách xã hội là bao nhiêu?',
    paraphrases: ['lai suat vay ngan hang chinh sach bn', 'vay von lai bao nhieu phan tram', 'lãi vay hộ nghèo mấy phần trăm', 'vay nhcsxh lai suat the nao'],
    answer: 'Lãi suất từ 01/12/2025: hộ nghèo 6,24%/năm; hộ cận nghèo 7,488%/năm.',
    variants: [
      { when: { category: ['poor'] }, answer: 'Hộ nghèo vay với lãi suất 6,24%/năm từ 01/12/2025.' },
      { when: { category: ['near_poor'] }, answer: 'Hộ cận nghèo vay với lãi suất 7,488%/năm từ 01/12/2025.' },
    ],
  }),
  entry({
    id: 'credit.student_loan',
    question: 'Sinh viên được vay bao nhiêu mỗi tháng?',
    paraphrases: ['sinh vien vay duoc bao nhieu 1 thang', 'vay von sinh vien toi da bao nhieu', 'con di hoc dai hoc vay ngan hang duoc bao nhieu', 'hoc sinh sinh vien vay von muc bao nhieu'],
    answer: 'Học sinh, sinh viên được vay tối đa 4.000.000 đồng/tháng, lãi suất 6,24%/năm.',
  }),
  entry({
    id: 'entitlements_overview.electricity',
    question: 'Hộ nghèo có được hỗ trợ tiền điện không?',
    paraphrases: ['ho ngheo co duoc ho tro tien dien khong', 'tien dien ho ngheo duoc ho tro bao nhieu', 'ho tro tien dien cho ho ngheo', 'nha ngheo co dc giam tien dien k'],
    answer: 'Hộ nghèo được hỗ trợ tiền điện hằng tháng.',
  }),
  entry({
    id: 'employment.lost_papers',
    question: 'Trung tâm việc làm hủy hồ sơ của tôi thì khiếu nại ở đâu?',
    paraphrases: ['trung tam viec lam da huy ho so cua toi', 'ho so xin viec bi trung tam huy', 'khieu nai trung tam dich vu viec lam huy ho so', 'trung tam viec lam lam mat ho so cua em'],
    answer: 'Bạn có quyền khiếu nại việc trung tâm dịch vụ việc làm hủy hồ sơ.',
    handoff: true,
  }),
];
const REFERRALS: Referral[] = [
  {
    id: 'residence',
    request: 'Đăng ký thường trú, tách hộ',
    paraphrases: ['tach ho khau lam o dau', 'dang ky thuong tru o dau', 'lam tam tru cho con', 'muon tach ho rieng'],
    office: 'Công an xã/phường',
    answer: 'Việc đăng ký cư trú, tách hộ không thuộc chương trình giảm nghèo. Bạn liên hệ Công an xã/phường.',
    asOf: '2026-12-06',
  },
];
const CARDS = new AnswerBook(
  ['credit', 'fallback', 'help', 'entitlements_overview', 'employment', 'privacy'].map((id) => ({
    id,
    intent: id,
    kind: 'conversational' as const,
    text: `Thẻ chủ đề ${id}`,
    legalBasis: [],
    quickReplies: [],
  })),
);
const RATES = [{ effectiveFrom: '2025-12-01', legalBasis: 'QĐ 2553/QĐ-TTg', percentPerYear: { poor: 6.24, near_poor: 7.488, student: 6.24 } }];

/** A classifier that only knows a few words, so the tests show what retrieval adds to it. */
const parser: Parser = {
  parse: (text) => {
    const name = /huy/.test(text) ? 'privacy' : /vay|lai/.test(text) ? 'credit' : 'fallback';
    const confidence = name === 'privacy' ? 0.8 : 0.6;
    return { text, intent: { name, confidence }, ranking: [{ name, confidence }], entities: [] };
  },
};

function service() {
  const clock = new ManualClock('2026-12-06T03:00:00Z');
  const privacy = { name: 'privacy', intents: ['privacy'], handleIntent: () => ({ replies: [{ text: 'PRIVACY' }] }) };
  const engine = new ConversationEngine({
    parser,
    skills: [
      createFaqSkill({ answers: CARDS, knowledge: new KnowledgeFinder(ENTRIES, REFERRALS), loanRates: RATES, intents: ['credit', 'fallback', 'help', 'entitlements_overview', 'employment'] }),
      privacy,
    ],
    sessions: new SessionStore({ repo: { loadAll: async () => [], replaceAll: async () => {} }, clock, idleMinutes: 30 }),
    clock,
    capabilities: { web: webCapabilities, zalo: zaloCapabilities(false) },
  });
  const say = async (text: string, userId = 'u1') => (await engine.handle({ channel: 'web', userId, text })).map((r) => r.text).join('\n---\n');
  return { engine, say };
}

describe('answering from the knowledge base', () => {
  it('finds the entry a question asks for, even when the classifier knows nothing of it', async () => {
    const { say } = service();
    expect(await say('ho ngheo dc ho tro tien dien ko')).toContain('hỗ trợ tiền điện hằng tháng');
    expect(await say('sv vay dc bn 1 thang')).toContain('4.000.000 đồng/tháng');
  });

  it('gives the topic card when no entry fits', async () => {
    const { say } = service();
    expect(await say('cho hoi ve vay von')).toBe('Thẻ chủ đề credit');
  });

  it('picks the variant for the category the citizen states, and keeps it for later questions', async () => {
    const { say } = service();
    expect(await say('nhà tôi là hộ cận nghèo, lãi suất vay vốn bao nhiêu')).toContain('7,488%');
    expect(await say('lai suat vay ngan hang chinh sach bn')).toContain('Hộ cận nghèo vay với lãi suất 7,488%');
  });

  it('answers a follow-up for another case with the same question', async () => {
    const { say } = service();
    expect(await say('hộ nghèo vay lãi suất bao nhiêu')).toContain('Hộ nghèo vay với lãi suất 6,24%');
    expect(await say('con ho can ngheo thi sao')).toContain('Hộ cận nghèo vay với lãi suất 7,488%');
  });

  it('works out the interest of a loan at the asker\'s rate', async () => {
    const { say } = service();
    const reply = await say('vay 50tr thi moi thang tra lai bn');
    expect(reply).toContain('260.000 đồng/tháng');
    expect(reply).toContain('312.000 đồng/tháng');
    const poor = service();
    await poor.say('nha em la ho ngheo');
    const own = await poor.say('vay 50 triệu thì mỗi tháng trả lãi bao nhiêu');
    expect(own).toContain('260.000 đồng/tháng');
    expect(own).not.toContain('312.000');
  });

  it('answers two distinct questions of one message', async () => {
    const { say } = service();
    const reply = await say('Cho tôi hỏi hộ nghèo có được hỗ trợ tiền điện không? Và sinh viên vay được bao nhiêu một tháng?');
    expect(reply).toContain('tiền điện');
    expect(reply).toContain('4.000.000');
  });

  it('of two answers, gives first the one that fits the whole message', () => {
    const finder = new KnowledgeFinder(ENTRIES, REFERRALS);
    const finding = finder.find('Sinh viên vay được bao nhiêu? Hộ nghèo có được hỗ trợ tiền điện không, tiền điện hộ nghèo được giảm bao nhiêu?', [
      { name: 'credit', confidence: 0.5 },
      { name: 'entitlements_overview', confidence: 0.5 },
    ]);
    expect(finding.kind === 'entries' && finding.entries.map((e) => e.id)).toEqual(['entitlements_overview.electricity', 'credit.student_loan']);
  });

  it("classifies a story's question sentences apart when the whole story reads as outside the programme", () => {
    // A story of a death and a name reads as another office's business as a whole; its question is about the allowance.
    const story =
      'Anh trai tôi mất năm ngoái trong một tai nạn giao thông trên quốc lộ, chị dâu tôi đi lấy chồng khác ở xa, để lại cháu Nguyễn Văn An cho ông bà nội đã già yếu nuôi. Hộ nghèo có được hỗ trợ tiền điện không?';
    const ranking = [
      { name: 'fallback', confidence: 0.95 },
      { name: 'entitlements_overview', confidence: 0.02 },
    ];
    const questionOnly = (text: string) =>
      text.includes('Anh trai') ? ranking : [{ name: 'entitlements_overview', confidence: 0.7 }, { name: 'fallback', confidence: 0.3 }];
    const idOf = (finder: KnowledgeFinder) => {
      const finding = finder.find(story, ranking);
      return finding.kind === 'entries' ? finding.entries[0]!.id : finding.kind;
    };
    expect(idOf(new KnowledgeFinder(ENTRIES, REFERRALS, { classify: questionOnly }))).toBe('entitlements_overview.electricity');
    expect(idOf(new KnowledgeFinder(ENTRIES, REFERRALS))).toBe('none');
  });

  // Two entries alone score low: the least score is lowered for them.
  const firstOfTwo = (entries: KnowledgeEntry[], topic: string, text: string, asked: AskedFor) => {
    const finding = new KnowledgeFinder(entries, [], { minScore: 1 }).find(text, [{ name: topic, confidence: 0.9 }], undefined, asked);
    return finding.kind === 'entries' && finding.entries[0]!.id;
  };

  it('weighs an entry about another school level than the message names less', () => {
    const afterGrade9 = entry({
      id: 'education.vocational_after_thcs',
      question: 'Học xong lớp 9 đi học trung cấp có được miễn học phí không?',
      paraphrases: ['hoc lop 9 xong di trung cap co mien hoc phi ko', 'hoc trung cap co dc mien hoc phi k', 'trung cap nghe mien hoc phi', 'tot nghiep lop 9 hoc trung cap co phai dong hoc phi'],
      answer: 'Người tốt nghiệp THCS học tiếp trung cấp được miễn học phí.',
    });
    const publicSchool = entry({
      id: 'education.tuition',
      question: 'Học sinh trường công có phải đóng học phí không?',
      paraphrases: ['con e hoc truong cong co dc mien hoc phi ko', 'hoc sinh dong hoc phi bao nhieu', 'mien hoc phi truong cong lap', 'hoc phi truong cong nam nay'],
      answer: 'Học sinh phổ thông trường công lập được miễn học phí.',
    });
    expect(firstOfTwo([afterGrade9, publicSchool], 'education', 'con e hoc lop 3 co dc mien hoc phi ko', { schoolLevel: 'primary' })).toBe('education.tuition');
  });

  it("lifts the entry about young children when the message gives a young child's age, and only then", () => {
    const entries = [
      entry({
        id: 'health_insurance.children_under_6',
        question: 'Trẻ em dưới 6 tuổi có được cấp thẻ bảo hiểm y tế miễn phí không?',
        paraphrases: ['tre duoi 6 tuoi co the bhyt mien phi ko', 'be di kham bhyt tra bao nhieu', 'con nho co phai mua bhyt khong', 'the bhyt tre em lam o dau'],
        answer: 'Trẻ em dưới 6 tuổi được Nhà nước đóng BHYT và được trả 100%.',
      }),
      entry({
        id: 'health_insurance.inpatient',
        question: 'Nằm viện thì bảo hiểm y tế trả bao nhiêu?',
        paraphrases: ['nam vien bhyt tra bao nhieu', 'di vien bhyt chi tra may phan tram', 'nam vien co mat tien khong', 'bhyt tra tien nam vien the nao'],
        answer: 'Quỹ trả theo mức hưởng trên thẻ: 80%, 95% hoặc 100%.',
      }),
    ];
    const found = (text: string) => firstOfTwo(entries, 'health_insurance', text, { age: readFacts(text).facts.age });
    expect(found('be 2 tuoi di kham nam vien bhyt tra bao nhieu')).toBe('health_insurance.children_under_6');
    expect(found('be 8 tuoi di kham nam vien bhyt tra bao nhieu')).toBe('health_insurance.inpatient');
    expect(found('be di kham nam vien bhyt tra bao nhieu')).toBe('health_insurance.inpatient');
  });

  it('weighs an entry about one household category against a question about another', () => {
    const poor = entry({
      id: 'credit.poor',
      question: 'Hộ nghèo được vay vốn làm ăn bao nhiêu?',
      paraphrases: ['ho ngheo vay von lam an duoc bao nhieu', 'ho ngheo vay von san xuat kinh doanh', 'nha ngheo vay von lam an', 'vay von lam an toi da bao nhieu'],
      answer: 'Hộ nghèo vay tối đa 100 triệu đồng, lãi suất 6,24%/năm.',
    });
    const nearPoor = entry({
      id: 'credit.near_poor',
      question: 'Hộ cận nghèo được vay bao nhiêu?',
      paraphrases: ['ho can ngheo vay duoc bao nhieu', 'can ngheo co duoc vay khong', 'can ngheo vay nhcsxh', 'hộ cận nghèo vay ngân hàng chính sách'],
      answer: 'Hộ cận nghèo vay tối đa 100 triệu đồng, lãi suất 7,488%/năm.',
    });
    const finder = new KnowledgeFinder([poor, nearPoor], []);
    const credit = [{ name: 'credit', confidence: 0.9 }];
    const first = (text: string) => {
      const finding = finder.find(text, credit, undefined, { category: readFacts(text).namedCategory });
      return finding.kind === 'entries' ? finding.entries[0]!.id : finding.kind;
    };
    // The poor households' entry shares more words ("vay vốn làm ăn") with the question; the category decides.
    expect(first('ho can ngheo vay von lam an dc bao nhieu')).toBe('credit.near_poor');
    expect(first('ho ngheo vay von lam an dc bao nhieu')).toBe('credit.poor');
    // An entry whose answer covers the category asked about is not weighed against it.
    const both = entry({ ...poor, answer: 'Hộ nghèo và hộ cận nghèo vay tối đa 100 triệu đồng.' });
    const finding = new KnowledgeFinder([both, nearPoor], []).find('ho can ngheo vay von lam an dc bao nhieu', credit, undefined, { category: 'near_poor' });
    expect(finding.kind === 'entries' && finding.entries[0]!.id).toBe('credit.poor');
    // The category asked for is the message's or the asker's told earlier: the same words without it are read anew.
    const fresh = new KnowledgeFinder([poor, nearPoor], []);
    const idOf = (category?: 'near_poor') => {
      const f = fresh.find('ho can ngheo vay von lam an dc bao nhieu', credit, undefined, { category });
      return f.kind === 'entries' ? f.entries[0]!.id : f.kind;
    };
    expect(idOf('near_poor')).toBe('credit.near_poor');
    expect(idOf()).toBe('credit.poor');
  });

  it('lifts the entry for the category the question names above generic ones that share more of its words', () => {
    const elderly = entry({
      id: 'health_insurance.elderly',
      question: 'Người cao tuổi có được cấp thẻ bảo hiểm y tế miễn phí không?',
      paraphrases: ['nguoi gia co duoc bhyt mien phi khong', 'ong ba tren 80 tuoi co the bhyt mien phi ko', 'người cao tuổi được cấp bhyt miễn phí', 'bhyt mien phi cho nguoi gia'],
      answer: 'Người cao tuổi hưởng trợ cấp xã hội được Nhà nước đóng BHYT.',
    });
    const nearPoor = entry({
      id: 'health_insurance.near_poor',
      question: 'Người thuộc hộ cận nghèo được hỗ trợ bảo hiểm y tế như thế nào?',
      paraphrases: [
        'hộ cận nghèo được hỗ trợ mua bảo hiểm y tế bao nhiêu',
        'ho can ngheo co dc ho tro bhyt ko',
        'nha e la ho can ngheo, 5 ng, muon biet mua the kham benh dc nha nuoc cho bao nhieu va di kham dc huong bao nhieu',
        'nhà cận nghèo thì thẻ bhyt có phải tự bỏ tiền ra mua không',
      ],
      answer: 'Người thuộc hộ cận nghèo được hỗ trợ ít nhất 70% tiền đóng BHYT.',
    });
    const text = 'can ngheo co dc bhyt mien phi ko';
    const finding = new KnowledgeFinder([elderly, nearPoor], []).find(text, [{ name: 'health_insurance', confidence: 0.9 }], undefined, { category: readFacts(text).namedCategory });
    expect(finding.kind === 'entries' && finding.entries[0]!.id).toBe('health_insurance.near_poor');
  });

  it('does not let the story decide: the question sentence does', async () => {
    const { say } = service();
    const reply = await say(
      'Thưa ban biên tập, nhà tôi có 4 người, năm ngoái vay ngân hàng làm chuồng trại, lãi suất cao quá. Xin hỏi hộ nghèo có được hỗ trợ tiền điện không? Xin cảm ơn.',
    );
    expect(reply).toContain('tiền điện');
  });

  it('answers a long story the classifier reads as outside the programme while it still gives the topic a chance', () => {
    const finder = new KnowledgeFinder(ENTRIES, REFERRALS);
    const story = 'Tôi là Trần Văn Bình, thôn Đông Xuyên, Quảng Trị, làm thuê xưởng mộc gần chợ Rạng, có được hỗ trợ tiền điện không?';
    const plausible = finder.find(story, [{ name: 'fallback', confidence: 0.85 }, { name: 'entitlements_overview', confidence: 0.14 }]);
    expect(plausible.kind === 'entries' && plausible.entries[0]!.id).toBe('entitlements_overview.electricity');
    const unlikely = new KnowledgeFinder(ENTRIES, REFERRALS).find(story, [{ name: 'fallback', confidence: 0.98 }, { name: 'credit', confidence: 0.01 }]);
    expect(unlikely.kind).toBe('none');
  });

  it('answers the entry that fits the words better than a referral ahead only for the classifier\'s "outside"', () => {
    const finder = new KnowledgeFinder(ENTRIES, REFERRALS);
    const finding = finder.find('Nhà tôi ở tạm trú, chưa đăng ký thường trú, hộ nghèo có được hỗ trợ tiền điện không', [
      { name: 'fallback', confidence: 0.6 },
      { name: 'entitlements_overview', confidence: 0.05 },
    ]);
    expect(finding.kind === 'entries' && finding.entries[0]!.id).toBe('entitlements_overview.electricity');
  });

  it('sends a request for another office there, honestly', async () => {
    const { say } = service();
    expect(await say('muon tach ho khau thi lam o dau')).toContain('không thuộc chương trình giảm nghèo');
  });

  it('sends a long request the classifier sees outside the programme to the office that handles it', () => {
    const finder = new KnowledgeFinder(ENTRIES, REFERRALS);
    const outside = [{ name: 'fallback', confidence: 0.95 }];
    // Most of its words are in no entry or referral: an entry would need to fit all of them, a referral need not.
    const text = 'Vợ chồng tôi mới cưới, đang ở chung với bố mẹ chồng, nay muốn tách hộ khẩu riêng thì cần chuẩn bị giấy tờ gì?';
    const finding = finder.find(text, outside);
    expect(finding.kind === 'referral' && finding.referral.id).toBe('residence');
    expect(finder.find('thời tiết hôm nay thế nào', outside).kind).toBe('none');
  });

  it('reads "hủy hồ sơ" in a complaint as the complaint, not as a privacy request, and offers an officer', async () => {
    const { engine } = service();
    const [reply] = await engine.handle({ channel: 'web', userId: 'u9', text: 'trung tam dich vu viec lam da huy ho so cua toi, toi muon khieu nai' });
    expect(reply!.text).toContain('khiếu nại');
    expect(reply!.quickReplies?.map((q) => q.title)).toContain('Gặp cán bộ');
  });
});
