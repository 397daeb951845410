import { isPlainAscii, removeSyllableDiacritics } from './fold.js';

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
  return isPlainAscii(text) ? tokenizeAscii(text) : tokenizeUnicode(text);
}

/** TOKEN_RE's tokens, read with the Unicode-aware regular expression. */
export function tokenizeUnicode(text: string): Token[] {
  const tokens: Token[] = [];
  let previousEnd = -1;
  for (const match of text.matchAll(TOKEN_RE)) {
    const start = match.index;
    const typed = match[0];
    const lower = typed.toLowerCase();
    tokens.push({
      text: lower,
      folded: removeSyllableDiacritics(lower),
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

const isDigit = (code: number) => code >= 48 && code <= 57;
const isLetter = (code: number) => (code | 32) >= 97 && (code | 32) <= 122;

/**
 * The same tokens for plain ASCII text (most citizens type without diacritics), read by a loop over the characters:
 * the Unicode-aware expression is costly to run from a cold cache, as it is inside a request.
 */
export function tokenizeAscii(text: string): Token[] {
  const tokens: Token[] = [];
  let previousEnd = -1;
  let i = 0;
  while (i < text.length) {
    const code = text.charCodeAt(i);
    let end = i + 1;
    if (isDigit(code)) {
      while (end < text.length && isDigit(text.charCodeAt(end))) end++;
      // Separators only between digits: "4.500.000", "1,2" (a trailing "." ends the sentence).
      while ((text[end] === '.' || text[end] === ',') && isDigit(text.charCodeAt(end + 1))) {
        end += 2;
        while (end < text.length && isDigit(text.charCodeAt(end))) end++;
      }
    } else if (isLetter(code)) {
      while (end < text.length && isLetter(text.charCodeAt(end))) end++;
    } else {
      i++;
      continue;
    }
    const typed = text.slice(i, end);
    const lower = typed.toLowerCase();
    tokens.push({
      text: lower,
      folded: lower,
      start: i,
      end,
      glued: i === previousEnd,
      isNumber: isDigit(code),
      capitalised: typed[0] !== lower[0],
    });
    previousEnd = end;
    i = end;
  }
  return tokens;
}
