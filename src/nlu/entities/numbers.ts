/**
 * Vietnamese number phrases, written in digits, in words (with or without diacritics) or mixed, the way people
 * state incomes: "5", "4.500.000", "1,2", "hai mươi lăm", "mot trieu hai" (1.2 million), "2tr5" (2.5 million),
 * "3 triệu rưỡi" (3.5 million), "1 triệu 2 trăm" (1.2 million: the thousands are implied), "một trăm linh năm".
 */
import type { Token } from '../../text/tokenize.js';

/** A number read from tokens[start..end). */
export interface NumberReading {
  value: number;
  start: number;
  end: number;
  /** Scales the phrase used (1,000, 1,000,000…), so callers can tell "5 triệu" from a bare "5". */
  scales: number[];
  /** The phrase is one word that is also an ordinary word ("năm" = five or year, "ba" = three or father). */
  ambiguousWord: boolean;
}

type Kind = 'digit' | 'tens' | 'hundred' | 'scale' | 'half' | 'zeroFiller';

interface NumberWord {
  kind: Kind;
  value: number;
  /** Spellings with diacritics; a token typed with other diacritics is a different word ("bà" is not "ba"). */
  accented: string[];
  /** Only read as a number after "mươi" or a scale ("tư" in "hai mươi tư", "mốt" in "triệu mốt"). */
  onlyAfterUnit?: boolean;
  /** Only read as a scale right after a number ("5 củ", "800k"): alone it is an ordinary word. */
  onlyAfterNumber?: boolean;
  /** An ordinary word too; a lone occurrence is not taken for a number. */
  ambiguous?: boolean;
}

const WORDS = new Map<string, NumberWord>(
  Object.entries({
  khong: { kind: 'digit', value: 0, accented: ['không'], onlyAfterUnit: true },
  mot: { kind: 'digit', value: 1, accented: ['một', 'mốt'] },
  hai: { kind: 'digit', value: 2, accented: ['hai'], ambiguous: true },
  ba: { kind: 'digit', value: 3, accented: ['ba'], ambiguous: true },
  bon: { kind: 'digit', value: 4, accented: ['bốn'], ambiguous: true },
  tu: { kind: 'digit', value: 4, accented: ['tư'], onlyAfterUnit: true },
  nam: { kind: 'digit', value: 5, accented: ['năm'], ambiguous: true },
  lam: { kind: 'digit', value: 5, accented: ['lăm'], onlyAfterUnit: true },
  nham: { kind: 'digit', value: 5, accented: ['nhăm'], onlyAfterUnit: true },
  sau: { kind: 'digit', value: 6, accented: ['sáu'], ambiguous: true },
  bay: { kind: 'digit', value: 7, accented: ['bảy', 'bẩy'], ambiguous: true },
  tam: { kind: 'digit', value: 8, accented: ['tám'], ambiguous: true },
  chin: { kind: 'digit', value: 9, accented: ['chín'], ambiguous: true },
  muoi: { kind: 'tens', value: 10, accented: ['mười', 'mươi'] },
  tram: { kind: 'hundred', value: 100, accented: ['trăm'] },
  nghin: { kind: 'scale', value: 1e3, accented: ['nghìn'] },
  ngan: { kind: 'scale', value: 1e3, accented: ['ngàn'] },
  k: { kind: 'scale', value: 1e3, accented: [], onlyAfterNumber: true },
  trieu: { kind: 'scale', value: 1e6, accented: ['triệu'] },
  tr: { kind: 'scale', value: 1e6, accented: [], onlyAfterNumber: true },
  cu: { kind: 'scale', value: 1e6, accented: ['củ'], onlyAfterNumber: true },
  ty: { kind: 'scale', value: 1e9, accented: ['tỷ', 'tỉ'] },
  ti: { kind: 'scale', value: 1e9, accented: ['tỉ', 'tỷ'], onlyAfterNumber: true },
  ruoi: { kind: 'half', value: 0.5, accented: ['rưỡi'] },
  linh: { kind: 'zeroFiller', value: 0, accented: ['linh'] },
  le: { kind: 'zeroFiller', value: 0, accented: ['lẻ'] },
  } satisfies Record<string, NumberWord>),
);

/**
 * Counted things: a number just before one of them is a count of its own, not the tail of the amount before it
 * ("2 triệu 1 tháng" is two million a month, "một triệu, hai người" a million and two people).
 */
const COUNTED_NOUNS = new Set([
  'nguoi', 'khau', 'nhan', 'thanh', 'mieng', 'dua', 'con', 'chau', 'thang', 'nam', 'ngay', 'tuan', 'tuoi', 'lan', 'gio', 'buoi',
]);

function numberWord(token: Token): NumberWord | undefined {
  if (token.isNumber) return undefined;
  const word = WORDS.get(token.folded);
  if (!word) return undefined;
  // Typed with diacritics: they must be the number's ("năm" yes, "nấm" no). Typed without: accept.
  if (token.text !== token.folded && !word.accented.includes(token.text)) return undefined;
  return word;
}

/** Whether any token could start or be part of a number phrase (most messages have none: the readers are skipped). */
export function mentionsNumber(tokens: readonly Token[]): boolean {
  return tokens.some((t) => t.isNumber || WORDS.has(t.folded));
}

/** "4.500.000" → 4500000, "1,2" → 1.2, "2,500" → 2500 (groups of exactly three digits are thousands). */
function parseNumeral(text: string): number {
  const groups = text.split(/[.,]/);
  if (groups.length > 1 && groups.slice(1).every((g) => g.length === 3)) return Number(groups.join(''));
  if (groups.length === 2) return Number(`${groups[0]}.${groups[1]}`);
  return Number(groups.join(''));
}

function integerDigits(value: number): number {
  return Math.max(1, Math.floor(Math.log10(Math.max(1, Math.floor(value)))) + 1);
}

/** Punctuation between two tokens of `text`: "30tr, lam thue" is thirty million, then "làm thuê", not 30.5 million. */
const PUNCTUATION = /[,;.!?:()\n]/;

/**
 * Reads the longest number phrase starting at tokens[start], or null when none starts there. With `text` (the text
 * the tokens were read from), a phrase stops at punctuation.
 * Arithmetic follows speech: `total` holds what is complete at a scale ≥ 1,000, `group` the part below 1,000.
 */
export function readNumber(tokens: readonly Token[], start: number, text?: string): NumberReading | null {
  const first = tokens[start];
  if (!first) return null;
  const firstWord = numberWord(first);
  const startsNumber = first.isNumber || (firstWord !== undefined && ['digit', 'tens'].includes(firstWord.kind) && !firstWord.onlyAfterUnit);
  if (!startsNumber) return null;

  let total = 0;
  let group = 0;
  let pending: { value: number; digits: number } | null = null;
  /** The last scale word: the unit a trailing "hai" or "5" is a tenth of ("triệu hai", "2tr5"). */
  let lastUnit = 0;
  let smallestScale = 0;
  let afterTensOrFiller = false;
  let closed = false;
  const scales: number[] = [];
  let end = start;

  const flushPending = () => {
    if (!pending) return;
    if (afterTensOrFiller || lastUnit === 0) group += pending.value;
    else if (lastUnit === 100) group += (pending.value * 100) / 10 ** pending.digits;
    else total += (pending.value * lastUnit) / 10 ** pending.digits;
    pending = null;
  };

  for (let i = start; i < tokens.length; i++) {
    const token = tokens[i]!;
    const previous = tokens[i - 1];
    const word = numberWord(token);
    const countsSomethingElse = i > start && COUNTED_NOUNS.has(tokens[i + 1]?.folded ?? '');
    if (closed && !(word?.kind === 'scale')) break;
    if (text !== undefined && i > start && PUNCTUATION.test(text.slice(previous!.end, token.start))) break;
    if (token.isNumber) {
      if (pending || countsSomethingElse || (i > start && !token.glued && lastUnit === 0 && !afterTensOrFiller)) break;
      // A numeral after a scale is a trailing part ("5 triệu 2", "2tr5") unless a scale of its own follows.
      pending = { value: parseNumeral(token.text), digits: integerDigits(parseNumeral(token.text)) };
      afterTensOrFiller = false;
    } else if (!word) {
      break;
    } else if (word.onlyAfterNumber && !(previous?.isNumber || ['digit', 'tens', 'hundred'].includes(numberWord(previous!)?.kind ?? ''))) {
      break;
    } else if (word.kind === 'digit') {
      if (pending) break;
      if (word.onlyAfterUnit && lastUnit === 0 && !afterTensOrFiller) break;
      if (countsSomethingElse && !afterTensOrFiller) break;
      pending = { value: word.value, digits: 1 };
    } else if (word.kind === 'tens') {
      group += (pending?.value ?? 1) * 10;
      pending = null;
      afterTensOrFiller = true;
    } else if (word.kind === 'hundred') {
      group += (pending?.value ?? 1) * 100;
      pending = null;
      lastUnit = 100;
      afterTensOrFiller = false;
    } else if (word.kind === 'scale') {
      if (smallestScale !== 0 && word.value >= smallestScale) break;
      if (pending) {
        group += pending.value;
        pending = null;
      }
      total += (group || 1) * word.value;
      group = 0;
      lastUnit = word.value;
      smallestScale = word.value;
      scales.push(word.value);
      afterTensOrFiller = false;
    } else if (word.kind === 'half') {
      if (lastUnit === 0 || pending) break;
      if (lastUnit === 100) group += 50;
      else total += lastUnit / 2;
      // Only a scale may follow a half: "trăm rưỡi nghìn" yes, "triệu rưỡi một tháng" no.
      closed = true;
    } else {
      if (pending || lastUnit === 0) break;
      afterTensOrFiller = true;
    }
    end = i + 1;
  }
  if (end === start) return null;
  flushPending();

  // "1 triệu 2 trăm": below a million, a group without its scale counts in thousands.
  if (group > 0 && smallestScale >= 1e6) {
    total += (group * smallestScale) / 1e3;
    group = 0;
  }
  const single = end - start === 1 && firstWord?.ambiguous === true;
  return { value: total + group, start, end, scales, ambiguousWord: single };
}
