import { removeDiacritics } from './fold.js';

/** A run of letters or a number in the citizen's text, with its place in that text. */
export interface Token {
  /** Lower case, NFC, diacritics kept ("nghèo", "4.500.000"). */
  text: string;
  /** Diacritics removed, đ → d ("ngheo"). */
  folded: string;
  /** UTF-16 offsets into the NFC text. */
  start: number;
  end: number;
  /** Written against the previous token without a space: the "tr" of "5tr", the "5" of "2tr5". */
  glued: boolean;
  isNumber: boolean;
  /** Typed with a capital first letter ("Thanh Hà", the "B" of "phiếu B"). */
  capitalised: boolean;
}

/** Numbers keep their "." and "," separators (4.500.000, 1,2); letters and digits are split apart ("2tr5"). */
const TOKEN_RE = /\d+(?:[.,]\d+)*|[\p{L}\p{M}]+/gu;

/** Splits NFC text into tokens; offsets refer to `text` as given, so callers should pass NFC text. */
export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let previousEnd = -1;
  for (const match of text.matchAll(TOKEN_RE)) {
    const start = match.index;
    const typed = match[0];
    const lower = typed.toLowerCase();
    tokens.push({
      text: lower,
      folded: removeDiacritics(lower),
      start,
      end: start + typed.length,
      glued: start === previousEnd,
      isNumber: lower.charCodeAt(0) <= 57,
      capitalised: typed[0] !== lower[0],
    });
    previousEnd = start + typed.length;
  }
  return tokens;
}
