/**
 * The screening's own readings of typed answers: the kind of area ("xã", "nông thôn") and a household of one.
 * Yes/no, amounts and head counts are read by the engine's shared answer reader.
 */
import { answerCore } from '../../text/answer-words.js';
import { fold } from '../../text/fold.js';

export type AreaWord = 'rural' | 'urban' | 'special_zone' | null;

/** A reply that names the kind of unit or area outright: "xã", "nông thôn", "phường", "thành thị", "đặc khu". */
export function readAreaWord(text: string): AreaWord {
  const c = answerCore(text).replace(/^(o|nha o|toi o|em o|minh o|nha minh o)\s+/, '');
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
