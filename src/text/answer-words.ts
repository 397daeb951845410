/**
 * The short words that answer a closed question: yes / no in the ways citizens type them ("dạ có ạ", "ko", "oke"),
 * and a typed choice among a question's options ("ok xoa het di" for "Xóa hết"). Pure text: the engine's answer
 * reader combines these with the number and commune readers.
 */
import { fold } from './fold.js';

/** Particles around a short answer: "dạ có ạ", "vâng, không nhé", "ok xoá hết đi". */
const LEADING = /^(da vang|da|vang|u|uh|uk|um|ok|oke|okie)\s+/;
const TRAILING = /\s+(a|a a|nhe|nha|nhe a|ak|ah|em|chau|con|ban|oi|roi|day|luon|di|di a|giup|giup toi|cho toi)$/;

const YES = new Set([
  'co', 'dung', 'phai', 'dung roi', 'phai roi', 'dung vay', 'chinh xac', 'yes', 'y', 'c', 'vang', 'u', 'uh', 'uk', 'um',
  'da', 'da co', 'co chu', 'ok', 'oke', 'okie', 'oki', 'okay', 'duoc', 'dc', 'duoc roi', 'dong y', 'xac nhan', 'chac chan',
]);
const NO = new Set([
  'khong', 'ko', 'k', 'kh', 'khg', 'kg', 'hong', 'hok', 'hem', 'khum', 'no', 'n', 'khong co', 'ko co', 'k co',
  'khong phai', 'ko phai', 'sai', 'khong a', 'thoi', 'thoi khong', 'khoi', 'thoi khoi', 'khong dong y', 'ko dong y',
  'k dong y', 'khong can', 'ko can',
]);
/** Not an answer: the citizen does not know. */
const UNSURE = /^(?:(?:e|em|toi|tui|minh|chau|con)\s+)?(khong|ko|k|chua|cung)\s*(biet|bt|bik|ro|chac|nho)\b|^co (le|the)$|^(hinh nhu|chac la|chac)$/;

/** The folded answer without the particles around it. */
export function answerCore(text: string): string {
  let folded = fold(text);
  for (let i = 0; i < 2; i++) folded = folded.replace(LEADING, '').replace(TRAILING, '');
  return folded;
}

export type YesNo = 'yes' | 'no' | 'unsure' | null;

/**
 * "có", "dạ không ạ", "khong, ca nha deu co the" → yes/no from the first words; "không biết" → unsure; anything else
 * → null. The first words decide because citizens often add a reason after the answer; with `strict` (a confirmation
 * before something that cannot be undone) only the whole answer counts, so "có điều…" never deletes anything.
 */
export function readYesNo(text: string, options: { strict?: boolean } = {}): YesNo {
  const c = answerCore(text);
  if (!c) return null;
  if (UNSURE.test(c)) return 'unsure';
  if (YES.has(c)) return 'yes';
  if (NO.has(c)) return 'no';
  if (options.strict) return null;
  const words = c.split(' ');
  for (const n of [2, 1]) {
    const head = words.slice(0, n).join(' ');
    if (words.length > n && NO.has(head)) return 'no';
    if (words.length > n && YES.has(head) && head !== 'y' && head !== 'c') return 'yes';
  }
  return null;
}

/**
 * The option a typed answer names: its folded title as the whole answer, or inside it as whole words ("xoa het du
 * lieu di" → "Xóa hết"). When several titles occur, the longest wins ("không đồng ý" is not "đồng ý"); a tie is no
 * choice. Returns the option's index.
 */
export function readOption(text: string, titles: readonly string[]): number | null {
  const c = ` ${answerCore(text)} `;
  const whole = ` ${fold(text)} `;
  let best: number | null = null;
  let bestLength = 0;
  let tie = false;
  titles.forEach((title, i) => {
    const t = fold(title);
    if (!t || !(c.includes(` ${t} `) || whole.includes(` ${t} `))) return;
    if (t.length > bestLength) [best, bestLength, tie] = [i, t.length, false];
    else if (t.length === bestLength) tie = true;
  });
  return tie ? null : best;
}
