/**
 * Reading the citizen's typed answers to the screening's closed questions (yes/no, xã/phường). Amounts and
 * head counts are read by the NLU's entity readers; this module only knows the short words that answer a question.
 */
import { fold } from '../../text/fold.js';

/** Particles around a short answer: "dạ có ạ", "vâng, không nhé". */
const LEADING = /^(da vang|da|vang|u|uh|ok|oke)\s+/;
const TRAILING = /\s+(a|a a|nhe|nha|nhe a|ak|ah|em|chau|con|ban|oi|roi|day|luon)$/;

const YES = new Set(['co', 'dung', 'phai', 'dung roi', 'phai roi', 'dung vay', 'chinh xac', 'yes', 'y', 'c', 'vang', 'u', 'uh', 'um', 'da', 'da co', 'co chu']);
const NO = new Set(['khong', 'ko', 'k', 'kh', 'khg', 'kg', 'hong', 'hok', 'hem', 'no', 'n', 'khong co', 'ko co', 'k co', 'khong phai', 'ko phai', 'sai', 'khong a']);
/** Not an answer: the citizen does not know. */
const UNSURE = /^(khong|ko|k|chua|cung)\s*(biet|ro|chac|nho)|^co (le|the)$|^(hinh nhu|chac la|chac)$/;

function core(text: string): string {
  let folded = fold(text);
  for (let i = 0; i < 2; i++) folded = folded.replace(LEADING, '').replace(TRAILING, '');
  return folded;
}

export type YesNo = 'yes' | 'no' | 'unsure' | null;

/**
 * "có", "dạ không ạ", "khong, ca nha deu co the" → yes/no from the first words; "không biết" → unsure; anything else
 * → null. The first words decide because citizens often add a reason after the answer.
 */
export function readYesNo(text: string): YesNo {
  const c = core(text);
  if (!c) return null;
  if (UNSURE.test(c)) return 'unsure';
  if (YES.has(c)) return 'yes';
  if (NO.has(c)) return 'no';
  const words = c.split(' ');
  for (const n of [2, 1]) {
    const head = words.slice(0, n).join(' ');
    if (words.length > n && NO.has(head)) return 'no';
    if (words.length > n && YES.has(head) && head !== 'y' && head !== 'c') return 'yes';
  }
  return null;
}

export type AreaWord = 'rural' | 'urban' | 'special_zone' | null;

/** A reply that names the kind of unit or area outright: "xã", "nông thôn", "phường", "thành thị", "đặc khu". */
export function readAreaWord(text: string): AreaWord {
  const c = core(text).replace(/^(o|nha o|toi o|em o|minh o|nha minh o)\s+/, '');
  if (/^(xa|nong thon|khu vuc nong thon|thon|lang|que)$/.test(c)) return 'rural';
  if (/^(phuong|thanh thi|do thi|khu vuc thanh thi|khu vuc do thi)$/.test(c)) return 'urban';
  if (/^dac khu\b/.test(c)) return 'special_zone';
  return null;
}

/** "một mình", "sống 1 mình": a household of one. */
export function livesAlone(text: string): boolean {
  return /\b(mot|1) minh\b/.test(fold(text));
}

export { type IncomeBasis, incomeBasis } from '../../nlu/entities/income.js';
