/**
 * Facts a citizen gives about themselves in passing: "nhà e 4 người thu nhập 5tr", "tôi là hộ cận nghèo", "con tôi
 * học đại học", "bé 3 tuổi", "tôi bị khuyết tật". They pick the variant of an answer and pre-fill the
 * self-assessment; nothing here asks for them.
 */
import type { CitizenFacts, HouseholdCategory, SchoolLevel } from '../domain/knowledge/types.js';
import { Memo } from '../memo.js';
import { fold } from '../text/fold.js';
import { tokenize } from '../text/tokenize.js';
import { findAreas } from './entities/area.js';
import { findCounts } from './entities/count.js';
import { addedUp, incomeBasis } from './entities/income.js';
import { findMoney } from './entities/money.js';
import { normalizeTokens } from './lexicon.js';

export interface MessageFacts {
  facts: CitizenFacts;
  /**
   * An amount the citizen wants to borrow or owes, when the message asks about its interest or repayment ("vay 50tr
   * thì lãi bao nhiêu"), đồng. A loan amount told for another reason ("trước đây được vay 1,5 triệu/tháng, nay
   * được vay bao nhiêu?") is not one to work the interest out on.
   */
  loanAmount?: number;
  /** The message asks whether the household is in a category ("có phải hộ nghèo không", "có được xét hộ nghèo"). */
  asksCategory: boolean;
  /** The household category is said of the asker's own household ("nhà tôi là hộ cận nghèo"), not just asked about. */
  ownCategory: boolean;
  /** The one household category the message names, told or asked about ("hộ cận nghèo vay được bao nhiêu"). */
  namedCategory?: HouseholdCategory;
  /**
   * The message names amounts and no word says what any of them is ("tầm 4tr", "khoảng 4 triệu/tháng"): neither
   * income nor a loan, a support or a cost. Nothing is read from them here; a question whose only amount is the
   * household's income (the self-assessment's) may take them as that.
   */
  unnamedAmounts: boolean;
}

/** Folded word sequences, longest first within each list. */
const CATEGORY_PHRASES: [string, HouseholdCategory][] = [
  ['khong thuoc ho ngheo', 'not_poor'],
  ['khong phai ho ngheo', 'not_poor'],
  ['khong thuoc dien ho ngheo', 'not_poor'],
  ['khong phai la ho ngheo', 'not_poor'],
  ['ho moi thoat ngheo', 'newly_escaped'],
  ['moi thoat ngheo', 'newly_escaped'],
  ['vua thoat ngheo', 'newly_escaped'],
  ['da thoat ngheo', 'newly_escaped'],
  ['thoat ngheo', 'newly_escaped'],
  ['thoat can ngheo', 'newly_escaped'],
  ['muc song trung binh', 'average_living'],
  ['ho can ngheo', 'near_poor'],
  ['can ngheo', 'near_poor'],
  ['ho ngheo', 'poor'],
  ['dien ngheo', 'poor'],
  ['so ngheo', 'poor'],
];

/** Right before a category, these make it the question ("có phải hộ nghèo không"), not a fact. */
const ASKING = [
  'co phai', 'co phai la', 'co thuoc', 'co duoc la', 'co duoc xet', 'co duoc cong nhan', 'duoc xet', 'co la', 'xet', 'duoc vao',
  'vao dien', 'cong nhan', 'duoc cong nhan', 'xet cong nhan', 'xet vao', 'xep', 'xep la', 'xep vao', 'xet la', 'duoc xet la',
].map((m) => m.split(' '));
/** Words that say an amount is income, or a loan. */
const INCOME_CUES = [
  'thu nhap', 'luong', 'kiem', 'kiem duoc', 'lam ra', 'thu', 'lai duoc', 'tong thu', 'binh quan', 'thang duoc', 'thang co',
  'nam duoc', 'lam duoc', 'lam thue duoc', 'ban duoc', 'thu duoc', 'nguoi duoc',
];
const LOAN_CUES = ['vay', 'muon', 'no', 'khoan vay'];
/**
 * Nearer than an income cue, these make an amount a support or a cost: "mỗi người được hỗ trợ 500k", "mua bảo hiểm
 * mỗi người 1tr2", "chi tiêu hết 5tr".
 */
const NOT_INCOME_CUES = ['ho tro', 'hoc phi', 'bao hiem', 'mua', 'chi tieu', 'chi phi', 'tieu'];
/** "lãi", "trả", "góp": the message asks what a loan costs or how it is paid back. */
const REPAYMENT_WORDS = new Set(['lai', 'tra', 'gop']);
/** Typed with these accents the words are something else: "lại" (again), "trà" (tea). */
const NOT_REPAYMENT = new Set(['lai5', 'tra2']);

/** Words that make a category the asker's own: "nhà tôi", "hộ em", "gia đình mình", "tôi là/thuộc"… */
const OWN_MARKERS = [
  'nha toi', 'nha em', 'nha minh', 'nha chau', 'nha tui', 'ho toi', 'ho em', 'ho minh', 'gia dinh toi', 'gia dinh em',
  'gia dinh minh', 'gia dinh chau', 'toi la', 'em la', 'minh la', 'toi thuoc', 'em thuoc', 'minh thuoc', 'nha',
].map((m) => m.split(' '));

const SCHOOL_PHRASES: [string, SchoolLevel][] = [
  ['mau giao', 'preschool'],
  ['mam non', 'preschool'],
  ['nha tre', 'preschool'],
  ['tieu hoc', 'primary'],
  ['cap mot', 'primary'],
  ['trung hoc co so', 'lower_secondary'],
  ['cap hai', 'lower_secondary'],
  ['trung hoc pho thong', 'upper_secondary'],
  ['cap ba', 'upper_secondary'],
  ['hoc nghe', 'vocational'],
  ['trung cap', 'vocational'],
  ['cao dang', 'university'],
  ['dai hoc', 'university'],
  ['sinh vien', 'university'],
];

const DISABILITY = ['khuyet tat', 'tan tat', 'tan phe', 'bai liet', 'mu loa', 'thieu nang'];
const PREGNANCY = ['mang thai', 'co bau', 'co thai', 'dang bau', 'bau bi', 'mang bau'];
const ETHNIC = ['dan toc thieu so', 'nguoi dan toc', 'dong bao dan toc', 'dtts'];
const NEWBORN = ['moi sinh', 'so sinh', 'vua sinh', 'ms sinh', 'moi de', 'vua de', 'sap sinh'];

/** "cấp 1/2/3", "lớp 7": school levels written with a number. */
const LEVEL_BY_GRADE = (grade: number): SchoolLevel | undefined =>
  grade >= 1 && grade <= 5 ? 'primary' : grade <= 9 ? 'lower_secondary' : grade <= 12 ? 'upper_secondary' : undefined;

interface Words {
  forms: string[];
  /** For each form, the index of its token (to read numbers next to words). */
  tokens: number[];
}

function findPhrase(words: Words, phrase: string[]): number {
  const { forms } = words;
  for (let i = 0; i + phrase.length <= forms.length; i++) if (phrase.every((w, j) => forms[i + j] === w)) return i;
  return -1;
}
const has = (words: Words, phrases: readonly string[]) => phrases.some((p) => findPhrase(words, p.split(' ')) >= 0);

/**
 * The one household category the message names, where it first names it, and whether any mention is asked about:
 * "nghe nói hộ nghèo được hỗ trợ nhiều, nhà tôi có được xét hộ nghèo không" asks, though its first mention does not.
 */
function categoryOf(words: Words): { category?: HouseholdCategory; at: number; asked: boolean } {
  const found = mentionsOf(words.forms);
  // "hộ nghèo và cận nghèo": a question about both names no category of the asker's, but may still ask which it is in
  // ("có được xếp là hộ nghèo hoặc cận nghèo không").
  if (found.size !== 1) return { at: -1, asked: [...found.values()].flat().some((i) => askedAt(words, i)) };
  const [category, at] = [...found][0]!;
  return { category, at: at[0]!, asked: at.some((i) => askedAt(words, i)) };
}

/** Each household category the folded words name, with where (a longer phrase takes its words from a shorter one). */
function mentionsOf(forms: readonly string[]): Map<HouseholdCategory, number[]> {
  const found = new Map<HouseholdCategory, number[]>();
  const taken = new Set<number>();
  for (const [phrase, category] of CATEGORY_PHRASES) {
    const parts = phrase.split(' ');
    for (let i = 0; i + parts.length <= forms.length; i++) {
      if (!parts.every((w, j) => forms[i + j] === w)) continue;
      if (parts.some((_, j) => taken.has(i + j))) continue;
      for (let j = 0; j < parts.length; j++) taken.add(i + j);
      found.set(category, [...(found.get(category) ?? []), i]);
    }
  }
  return found;
}

/**
 * Every household category a text of our own names ("hộ nghèo, cận nghèo" names two), first named first: read on its
 * folded words, as the knowledge base is written in full (no teencode to expand), at a fraction of a parse's cost.
 */
export function categoriesNamed(text: string): HouseholdCategory[] {
  const named = mentionsOf(fold(text).split(/[^a-z0-9]+/).filter(Boolean));
  return [...named].sort((a, b) => a[1][0]! - b[1][0]!).map(([category]) => category);
}

/**
 * Whether the words right before position `at` ask about a category there ("có phải hộ nghèo"), not tell of it
 * ("đã được xét hộ nghèo") nor set it as a condition ("nếu được xét hộ nghèo thì…").
 */
function askedAt(words: Words, at: number): boolean {
  const before = words.forms.slice(Math.max(0, at - 7), at);
  const marker = ASKING.find((m) => m.every((w, j) => before[before.length - m.length + j] === w));
  if (marker === undefined || ALREADY.has(before[before.length - marker.length - 1] ?? '')) return false;
  return !before.slice(-marker.length - 2).includes('neu');
}
const ALREADY = new Set(['da', 'dang', 'vua', 'moi']);

/** Messages repeat; what they say does not change. Callers must not modify what is returned. */
const READINGS = new Memo<MessageFacts>(2048);

/** Reads the facts of one message (NFC text). */
export function readFacts(text: string): MessageFacts {
  return READINGS.get(text, readOnce);
}

function readOnce(text: string): MessageFacts {
  const normalized = text.normalize('NFC');
  const tokens = tokenize(normalized);
  const normalizedWords = normalizeTokens(tokens);
  const words: Words = { forms: normalizedWords.map((w) => w.form), tokens: [] };
  // Expansions of one typed token ("sv" → "sinh viên") share its start: one lookup per word, not a scan of the tokens.
  const tokenAt = new Map(tokens.map((t, i) => [t.start, i]));
  for (const w of normalizedWords) words.tokens.push(tokenAt.get(w.start) ?? -1);
  const facts: CitizenFacts = {};

  const { category, at, asked: asksCategory } = categoryOf(words);
  let ownCategory = false;
  if (category) {
    const before = words.forms.slice(Math.max(0, at - 6), at);
    if (!asksCategory) {
      facts.category = category;
      ownCategory = OWN_MARKERS.some((m) => before.some((_, i) => m.every((w, j) => before[i + j] === w)));
    }
  }

  const size = countedSize(normalized, tokens) ?? membersOf(words, tokens);
  if (typeof size === 'number') facts.householdSize = size;
  let loanAmount: number | undefined;
  const incomes: { start: number; value: number }[] = [];
  let amounts = 0;
  let unnamed = 0;
  for (const money of findMoney(normalized, tokens)) {
    const cue = cueBefore(normalizedWords, money.start);
    amounts += 1;
    if (cue === null) unnamed += 1;
    if (cue === 'loan') loanAmount ??= money.value as number;
    if (cue === 'income') incomes.push({ start: money.start, value: money.value as number });
  }
  const basis = incomeBasis(normalized);
  // "phụ hồ 200k 1 ngày" is no month's income until the days worked are known: the self-assessment asks them.
  if (incomes.length > 0 && !basis.perDay) {
    // "chồng làm được 5tr, em làm được 2tr": the household's income is both.
    const amount = addedUp(incomes, normalized);
    const monthly = basis.perYear ? Math.round(amount / 12) : amount;
    if (basis.perPerson && !facts.householdSize) facts.incomePerPerson = monthly;
    else facts.monthlyIncome = basis.perPerson ? monthly * facts.householdSize! : monthly;
  }
  const area = findAreas(normalized, tokens, new Set()).find((e) => !e.inferred)?.value;
  if (area === 'rural' || area === 'urban') facts.area = area;

  const age = ageOf(words, tokens);
  if (age !== undefined) facts.age = age;
  const level = schoolLevelOf(words, tokens);
  if (level) facts.schoolLevel = level;
  if (has(words, DISABILITY)) facts.disability = true;
  if (has(words, PREGNANCY)) facts.pregnant = true;
  if (has(words, ETHNIC)) facts.ethnicMinority = true;
  const read: MessageFacts = { facts, ownCategory, asksCategory, unnamedAmounts: amounts > 0 && unnamed === amounts };
  if (category) read.namedCategory = category;
  if (loanAmount !== undefined && normalizedWords.some((w) => REPAYMENT_WORDS.has(w.form) && !NOT_REPAYMENT.has(w.typed ?? ''))) {
    read.loanAmount = loanAmount;
  }
  return read;
}

/**
 * Whether the words just before an amount (up to eight) say it is income, a loan or something else (a support, a
 * cost); the nearest cue wins. Null when none says.
 */
function cueBefore(words: readonly { form: string; end: number }[], start: number): 'income' | 'loan' | 'other' | null {
  const before = words.filter((w) => w.end <= start).map((w) => w.form).slice(-8);
  for (let end = before.length; end > 0; end--) {
    const tail = (cue: string) => cue.split(' ').every((w, j, all) => before[end - all.length + j] === w);
    if (NOT_INCOME_CUES.some(tail)) return 'other';
    if (INCOME_CUES.some(tail)) return 'income';
    if (LOAN_CUES.some(tail)) return 'loan';
  }
  return null;
}

function numberBefore(words: Words, tokens: ReturnType<typeof tokenize>, i: number): number | undefined {
  const token = tokens[words.tokens[i - 1] ?? -1];
  return token?.isNumber ? Number(token.text.replace(/[.,]/g, '')) : undefined;
}

/**
 * The household size the counted people of the message make: "nhà 5 người" (5), or groups told one after another,
 * each with what they are, "1 người lớn tuổi và 5 người con" (6) — not "5 người, 2 người đi làm" (a total, then some
 * of them) nor "… Trong đó 3 người có gia đình riêng".
 */
function countedSize(text: string, tokens: ReturnType<typeof tokenize>): number | undefined {
  const counts = findCounts(text, tokens);
  const first = counts[0];
  if (!first) return undefined;
  let size = first.value as number;
  for (let k = 1; k < counts.length; k++) {
    const between = text.slice(counts[k - 1]!.end, counts[k]!.start);
    const words = tokenize(between).map((t) => t.folded);
    const joined = words.length >= 2 && words.length <= MAX_GROUP_WORDS && JOINING.has(words.at(-1)!);
    if (!joined || words.some((w) => SUBSET_WORDS.has(w))) break;
    size += counts[k]!.value as number;
  }
  return size;
}
const JOINING = new Set(['va', 'voi', 'cung']);
const SUBSET_WORDS = new Set(['trong', 'gom', 'con', 'lai']);
/** Words that may tell what one group is ("lớn tuổi", "đang đi học") before "và" the next. */
const MAX_GROUP_WORDS = 5;

/** Words for the asker's children or grandchildren, counted after a number ("3 đứa con", "2 cháu"). */
const CHILD_WORDS = new Set(['con', 'chau']);
const SPEAKER_WORDS = new Set(['toi', 'em', 'minh', 'tui']);
const AND_WORDS = new Set(['va', 'voi', 'cung', 'nuoi']);

/**
 * A household told by its members rather than its size: "vợ chồng em nuôi 2 con nhỏ" (4), "gồm tôi và 3 đứa con"
 * (4). Only the plain shapes: a couple or the asker, and a number of children.
 */
function membersOf(words: Words, tokens: ReturnType<typeof tokenize>): number | undefined {
  const { forms } = words;
  let children: number | undefined;
  let childAt = -1;
  for (let i = 1; i < forms.length && children === undefined; i++) {
    if (!CHILD_WORDS.has(forms[i]!)) continue;
    const counted = forms[i - 1] === 'dua' ? i - 1 : i;
    const n = numberBefore(words, tokens, counted);
    if (n !== undefined && n >= 1 && n <= MAX_CHILDREN) [children, childAt] = [n, counted - 1];
  }
  if (children === undefined) return undefined;
  if (findPhrase(words, ['vo', 'chong']) >= 0) return children + 2;
  // "tôi và 3 đứa con", "mình với 2 con": the asker alone with the children.
  const before = forms.slice(Math.max(0, childAt - 3), childAt);
  const alone = before.some((w, i) => SPEAKER_WORDS.has(w) && AND_WORDS.has(before[i + 1] ?? ''));
  return alone ? children + 1 : undefined;
}
const MAX_CHILDREN = 15;

function ageOf(words: Words, tokens: ReturnType<typeof tokenize>): number | undefined {
  if (has(words, NEWBORN) || findPhrase(words, ['thang', 'tuoi']) >= 0) return 0;
  const under = findPhrase(words, ['duoi']);
  for (let i = 1; i < words.forms.length; i++) {
    if (words.forms[i] !== 'tuoi') continue;
    const n = numberBefore(words, tokens, i);
    if (n === undefined || n > 120) continue;
    // "trẻ dưới 6 tuổi": the question is about any age below that.
    return under >= 0 && under === i - 2 ? Math.max(0, n - 1) : n;
  }
  return undefined;
}

const FINISHED = new Set(['xong', 'het', 'nghiep']);

function schoolLevelOf(words: Words, tokens: ReturnType<typeof tokenize>): SchoolLevel | undefined {
  for (const [phrase, level] of SCHOOL_PHRASES) if (findPhrase(words, phrase.split(' ')) >= 0) return level;
  for (let i = 0; i + 1 < words.forms.length; i++) {
    const grade = words.forms[i + 1] === '#' ? Number(tokens[words.tokens[i + 1]!]?.text) : undefined;
    if (grade === undefined || Number.isNaN(grade)) continue;
    if (words.forms[i] === 'cap' && grade >= 1 && grade <= 3) return (['primary', 'lower_secondary', 'upper_secondary'] as const)[grade - 1];
    // "học xong lớp 9", "hết lớp 12", "tốt nghiệp lớp 9": a grade finished is no level being studied.
    if (words.forms[i] === 'lop' && !FINISHED.has(words.forms[i - 1] ?? '')) return LEVEL_BY_GRADE(grade);
  }
  return undefined;
}

/** Facts of this message over those known from before: what the citizen says now wins. */
export function mergeFacts(known: CitizenFacts, now: CitizenFacts): CitizenFacts {
  return { ...known, ...now };
}
