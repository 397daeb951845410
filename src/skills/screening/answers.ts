/**
 * The screening's own readings of typed answers: the kind of area ("xã", "nông thôn") and a household of one.
 * Yes/no, amounts and head counts are read by the engine's shared answer reader.
 */
import { answerCore } from '../../text/answer-words.js';
import { fold } from '../../text/fold.js';

export type AreaWord = 'rural' | 'urban' | 'special_zone' | null;

const WHO_LIVES =
  /^(?:(?:nha|ho|gia dinh|ca nha)\s+)?(?:(?:toi|tui|em|e|minh|chung toi|con|chau|bac|anh|chi|co|chu)\s+)?(?:(?:dang|song|hien)\s+)?(?:o|thuoc|tai)\s+/;

/** A reply that names the kind of unit or area outright: "xã", "nông thôn", "phường", "thành thị", "đặc khu". */
export function readAreaWord(text: string): AreaWord {
  // "ở xã", "nhà em ở xã ạ", "gia đình tôi sống ở phường": who lives there, then the place.
  const c = answerCore(text).replace(WHO_LIVES, '');
  // "x", "p": the two words as villagers shorten them, answering the question that asks which.
  if (/^(xa|x|nong thon|khu vuc nong thon|thon|lang|que)$/.test(c)) return 'rural';
  if (/^(phuong|p|thanh thi|do thi|khu vuc thanh thi|khu vuc do thi)$/.test(c)) return 'urban';
  if (/^dac khu\b/.test(c)) return 'special_zone';
  return null;
}

/** "ở quê, tầm 4tr", "nông thôn nha": a clause of the message that names the kind of area alone (see readAreaWord). */
export function areaClause(text: string): 'rural' | 'urban' | null {
  for (const clause of text.split(/[,;.!?\n]+/)) {
    const word = readAreaWord(clause);
    if (word === 'rural' || word === 'urban') return word;
  }
  return null;
}

/** "ở xã", "ở phường" inside a longer message ("nhà e 5 ng ở xã, tháng được 6tr…"); "ở xa lắm" is far, not a xã. */
export function areaMentioned(text: string): 'rural' | 'urban' | null {
  // Clause by clause: in "e ở xã, nhà 5 người" the "nhà" after the comma does not make "ở xa nhà" (far from home).
  for (const clause of text.split(/[,;.!?\n]+/)) {
    const m = /\b(?:o|tai|thuoc) (xa|nong thon|phuong|thanh thi|do thi)\b(?! (?:lam|qua|xoi|nha|ve))/.exec(fold(clause));
    if (m) return m[1] === 'xa' || m[1] === 'nong thon' ? 'rural' : 'urban';
  }
  return null;
}

/**
 * "thôi ko làm nữa", "e ko muốn làm nữa", "dừng lại thôi": the citizen wants to stop the self-assessment (the engine's
 * control words take only the bare "hủy", "thôi").
 */
export function wantsToStop(text: string): boolean {
  const c = answerCore(text).replace(/^(thoi|thoi thi|e|em|toi|tui|minh|chau|con)\s+/g, '');
  return (
    /^(?:(?:e|em|toi|tui|minh|chau)\s+)?(?:khong|ko|k|kh|hong|chang|chua)\s+(?:muon|can|thich)?\s*(?:lam|hoi|tra loi|danh gia|kiem tra|tu danh gia)(?:\s+(?:bai nay|cai nay|nay))?\s+(?:nua|tiep)(?:\s+(?:nua|dau|thoi|day|a|nhe))*$/.test(c) ||
    /^(?:dung|ngung|nghi|bo|thoi)\s+(?:lai|o day|thoi|di|khong lam nua|ko lam nua)(?:\s+(?:thoi|nhe|a|di))*$/.test(c)
  );
}

/** "bỏ qua", "qua câu khác", "ko muốn trả lời câu này": the citizen would rather not answer the question asked. */
export function wantsToSkip(text: string): boolean {
  return /^(?:bo qua|qua cau (?:nay|khac|tiep)|sang cau (?:khac|tiep)|cau (?:khac|tiep|tiep theo)|bo cau nay|skip|next|(?:khong|ko|k) (?:muon )?tra loi)(?: (?:cau nay|cau do|di|nhe|a|duoc khong|dc ko|dc k|duoc ko))*$/.test(
    answerCore(text),
  );
}

/** "bn thì dc hộ nghèo", "thế thì bao nhiêu là nghèo", "chuẩn nghèo là bao nhiêu": what the line is, asked mid-way. */
export function asksTheLine(text: string): boolean {
  const c = fold(text);
  return (
    /\b(?:bao nhieu|bn|bnhieu|muc nao|duoi bao nhieu|the nao|nhu nao)\s+(?:tien\s+)?(?:(?:thi|la|moi|duoc|dc|coi la|tinh la|xet)\s+)+(?:ho\s+)?(?:can\s+)?ngheo\b/.test(c) ||
    /\b(?:chuan ngheo|muc ngheo|ngheo|can ngheo)\s+(?:la\s+)?(?:bao nhieu|bn|the nao|nhu nao|la gi)(?:\s+(?:vay|the|a|nhi|ha))*\s*\??$/.test(c)
  );
}

/** "sao phải hỏi cái này", "hỏi làm gì", "câu này để làm gì": why the question is asked. */
export function asksWhy(text: string): boolean {
  const c = answerCore(text).replace(/\?+$/, '');
  return /^(?:(?:tai |vi )?sao (?:lai )?(?:phai |can )?hoi(?: (?:cai|cau|chuyen|viec) (?:nay|do|nay lam gi))?|hoi (?:cai nay |cau nay |vay |the )?(?:lam gi|de lam gi|chi)|(?:cai|cau) (?:nay|do) (?:de )?(?:lam gi|hoi chi|co lien quan gi)|de lam gi|lien quan gi)(?: (?:vay|the|a|ha|nhi))*$/.test(
    c,
  );
}

/** "một mình", "sống 1 mình": a household of one. */
export function livesAlone(text: string): boolean {
  return /\b(mot|1) minh\b/.test(fold(text));
}

export { type IncomeBasis, type IncomePart, incomeBasis, incomeParts, monthlyIncome } from '../../nlu/entities/income.js';

const SMALL_NUMBERS: Readonly<Record<string, number>> = {
  mot: 1, hai: 2, ba: 3, bon: 4, tu: 4, nam: 5, sau: 6, bay: 7, tam: 8, chin: 9, muoi: 10,
};
const NUMBER = String.raw`(\d{1,2}|mot|hai|ba|bon|tu|nam|sau|bay|tam|chin|muoi)`;
/** Members named in pairs or one by one: "2 vợ chồng", "ông bà", "bố mẹ", "mẹ chồng". */
const PAIRS = /\b(?:(?:2|hai)\s+)?(?:vo chong|ong ba|bo me|ba me|cha me|ong ba noi|ong ba ngoai)\b/g;
const SINGLES = /\b(?:ong noi|ba noi|ong ngoai|ba ngoai|me chong|bo chong|me vo|bo vo|me gia|bo gia|ong|ba cu|em trai|em gai|me|bo|cha|chong|vo)\b/g;
/** The single words a pair already counts. */
const PAIR_MEMBERS: Readonly<Record<string, readonly string[]>> = {
  'vo chong': ['vo', 'chong'],
  'bo me': ['bo', 'me'],
  'ba me': ['me'],
  'cha me': ['cha', 'me'],
  'ong ba': ['ong'],
};
/** "e sống với mẹ già…", "tôi và 2 đứa con": the one answering lives there too (not "vợ chồng em", already counted). */
const SPEAKER = /^ (?:nha |o nha )?(?:e|em|toi|tui|minh|chau) (?:(?:dang |hien )?(?:song|o) )?(?:voi|va|cung)\b/;
const CHILDREN = new RegExp(String.raw`\b${NUMBER}\s+(?:dua con|dua nho|dua chau|dua|con|chau|be|nhoc|thang|dua tre)\b`, 'g');
const NO_CHILDREN = /\bchua co con\b|\bkhong co con\b/;

/** `groups`: how many kinds of members were named ("2 vợ chồng" one, "2 vợ chồng và 3 đứa con" two). */
export type Members = { total: number; words: string; groups: number } | { childrenOnly: number } | null;

/**
 * A household told by its members instead of its size: "2 vợ chồng và 3 đứa con" (5), "nhà có ông bà, 2 vợ chồng với
 * 1 đứa con" (5). Children alone ("nhà có 3 đứa con") do not say who else lives there: `childrenOnly`, to ask.
 */
export function householdMembers(text: string): Members {
  // "cán bộ" (the officer addressed) is no "bố".
  let rest = ` ${fold(text).replace(/\bvk\b/g, 'vo').replace(/\bck\b/g, 'chong').replace(/\bcan bo\b/g, ' ')} `;
  let adults = SPEAKER.test(rest) ? 1 : 0;
  let children = 0;
  let parts = adults;
  const take = (re: RegExp, count: (m: RegExpExecArray) => number, adult: boolean) => {
    rest = rest.replace(re, (...args) => {
      const n = count(args as unknown as RegExpExecArray);
      if (n === 0) return ' ';
      if (adult) adults += n;
      else children += n;
      parts += 1;
      return ' ';
    });
  };
  // A member said again is the same one: "vợ chồng e … chồng phụ hồ" is two people, "mẹ già … mẹ ốm" one.
  const named = new Set<string>();
  take(PAIRS, (m) => {
    for (const word of PAIR_MEMBERS[m[0]!.replace(/^(?:2|hai)\s+/, '')] ?? []) named.add(word);
    return 2;
  }, true);
  take(CHILDREN, (m) => SMALL_NUMBERS[m[1]!] ?? Number(m[1]), false);
  take(SINGLES, (m) => {
    if (named.has(m[0]!)) return 0;
    named.add(m[0]!);
    return 1;
  }, true);
  if (NO_CHILDREN.test(rest)) parts += 1;
  if (adults === 0) return children > 0 ? { childrenOnly: children } : null;
  // One grandparent alone ("ông") is not an answer; a couple is.
  if (parts < 2 && adults !== 2) return null;
  const total = adults + children;
  return { total, words: children > 0 ? `${adults} người lớn và ${children} con/cháu: ${total} người` : `${total} người`, groups: parts };
}
