import { type Borrower, type LoanRates, monthlyInterest, ratesOn } from '../../domain/knowledge/interest.js';
import type { CitizenFacts, KnowledgeEntry, Referral } from '../../domain/knowledge/types.js';
import { variantFor } from '../../domain/knowledge/variants.js';
import type { QuickReply, Reply } from '../../engine/types.js';
import { ANSWER_PAYLOAD_PREFIX, intentPayload } from '../../payloads.js';
import { formatDong } from '../screening/format.js';
import { withFooter } from './render-answer.js';

/** Button titles: Zalo cuts them at 20 characters. */
const TITLE_LENGTH = 20;
const RELATED_BUTTONS = 2;
export const HANDOFF_BUTTON: QuickReply = { title: 'Gặp cán bộ', payload: intentPayload('human_handoff') };

/** "Lãi suất vay vốn ở Ngân hàng…" → "Lãi suất vay vốn ở…": a question cut at a word to fit a button. */
export function shortTitle(question: string, max = TITLE_LENGTH): string {
  const plain = question.replace(/[?.]+$/, '');
  if (plain.length <= max) return plain;
  const cut = plain.slice(0, max - 1);
  const space = cut.lastIndexOf(' ');
  return `${(space > max / 2 ? cut.slice(0, space) : cut).trimEnd()}…`;
}

/**
 * Button titles for several questions, told apart: two that would read alike once cut ("Trẻ mồ côi được…" twice)
 * start instead at the words where their questions differ ("…trợ cấp bao nhiêu", "…học miễn phí").
 */
export function distinctTitles(questions: readonly string[]): string[] {
  const titles = questions.map((q) => shortTitle(q));
  return titles.map((title, i) => {
    const twins = [...new Set(questions.filter((_, j) => titles[j] === title))];
    if (twins.length < 2) return title;
    const words = twins.map((q) => q.replace(/[?.]+$/, '').split(' '));
    let shared = 0;
    while (words.every((w) => w[shared] !== undefined && w[shared] === words[0]![shared])) shared++;
    return shortTitle(`…${questions[i]!.replace(/[?.]+$/, '').split(' ').slice(shared).join(' ')}`);
  });
}

export const entryButton = (entry: KnowledgeEntry, title = shortTitle(entry.question)): QuickReply => ({
  title,
  payload: ANSWER_PAYLOAD_PREFIX + entry.id,
});

/** One entry as a reply: the variant for what is known of the asker, its footer, and up to two related questions. */
export function renderEntry(
  entry: KnowledgeEntry,
  facts: CitizenFacts,
  related: readonly KnowledgeEntry[],
  lead?: string,
): Reply {
  const variant = variantFor(entry, facts);
  const text = withFooter(variant?.answer ?? entry.answer, {
    legalBasis: variant?.legalBasis ?? entry.legalBasis,
    asOf: entry.asOf,
    where: variant?.where ?? entry.where,
  });
  const shown = related.slice(0, RELATED_BUTTONS);
  const titles = distinctTitles(shown.map((r) => r.question));
  const quickReplies = shown.map((r, i) => entryButton(r, titles[i]));
  if (entry.handoff) quickReplies.unshift(HANDOFF_BUTTON);
  const reply: Reply = { text: lead ? `${lead}\n\n${text}` : text, source: { kind: 'entry', ids: [entry.id] } };
  if (quickReplies.length > 0) reply.quickReplies = quickReplies;
  return reply;
}

/** Where to go for an entry ("làm ở đâu" after its answer), and the questions it offers next. */
export function renderWhere(entry: KnowledgeEntry, where: string, related: readonly KnowledgeEntry[]): Reply {
  const shown = related.slice(0, RELATED_BUTTONS);
  const titles = distinctTitles(shown.map((r) => r.question));
  const reply: Reply = {
    text: `Về “${entry.question.replace(/[?.]+$/, '')}”, bạn hỏi và làm hồ sơ tại: ${where.replace(/[.]?$/, '.')}`,
    source: { kind: 'entry', ids: [entry.id] },
  };
  if (shown.length > 0) reply.quickReplies = shown.map((r, i) => entryButton(r, titles[i]));
  return reply;
}

/** "Ý bạn là…": the close candidates, numbered, each a button. */
export function renderChoices(entries: readonly KnowledgeEntry[]): Reply {
  return {
    text: ['Ý bạn là:', ...entries.map((e, i) => `${i + 1}. ${e.question}`), 'Bạn bấm hoặc nhắn số thứ tự nhé.'].join('\n'),
    quickReplies: entries.map((e, i) => entryButton(e, shortTitle(`${i + 1}. ${e.question}`))),
    source: { kind: 'choices', ids: entries.map((e) => e.id) },
  };
}

export function renderReferral(referral: Referral): Reply {
  return {
    text: `${referral.answer}\n\nNơi liên hệ: ${referral.office.replace(/[.]?$/, '.')}`,
    source: { kind: 'referral', ids: [referral.id] },
  };
}

const BORROWER_LABEL: Record<Borrower, string> = {
  poor: 'hộ nghèo',
  near_poor: 'hộ cận nghèo',
  newly_escaped: 'hộ mới thoát nghèo',
  student: 'học sinh, sinh viên',
  clean_water: 'vay nước sạch, vệ sinh',
};

/** Whose rate applies: a student, or the household's category; both main categories when nothing is known. */
function borrowersFor(facts: CitizenFacts): Borrower[] {
  if (facts.schoolLevel === 'university' || facts.schoolLevel === 'vocational') return ['student'];
  if (facts.category === 'poor' || facts.category === 'near_poor' || facts.category === 'newly_escaped') return [facts.category];
  return ['poor', 'near_poor'];
}

const percent = (value: number) => `${String(value).replace('.', ',')}%`;

/**
 * "vay 50tr thì mỗi tháng trả lãi bao nhiêu": the month's interest at the policy bank's rate for the asker, worked
 * out, or null when no rate is in force on `date`.
 */
export function interestLine(amount: number, facts: CitizenFacts, tables: readonly LoanRates[], date: string): string | null {
  const table = ratesOn(tables, date);
  if (!table) return null;
  const parts = borrowersFor(facts).flatMap((b) => {
    const rate = table.percentPerYear[b];
    if (rate === undefined) return [];
    return [`${BORROWER_LABEL[b]} (${percent(rate)}/năm): khoảng ${formatDong(monthlyInterest(amount, rate))} đồng/tháng`];
  });
  if (parts.length === 0) return null;
  return (
    `Vay ${formatDong(amount)} đồng, tiền lãi tháng đầu = số tiền vay × lãi suất năm ÷ 12: ${parts.join('; ')}. ` +
    'Trả bớt gốc thì tiền lãi các tháng sau giảm theo.'
  );
}
