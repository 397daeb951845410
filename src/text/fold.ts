/**
 * Vietnamese text folding: NFC, lower case, diacritics removed (đ → d), punctuation to spaces, spaces collapsed.
 * Folding is what lets "hộ nghèo", "ho ngheo" and "HO NGHEO" meet.
 */
const COMBINING_MARKS = /[\u0300-\u036f]/g;
const NON_ASCII = /[^\x00-\x7f]/;

/** Most citizens type without diacritics: plain ASCII text takes the fast paths here and in the tokenizer. */
export function isPlainAscii(text: string): boolean {
  return !NON_ASCII.test(text);
}

/** Plain ASCII text is returned as it is, without the two normalisations. */
export function removeDiacritics(text: string): string {
  if (isPlainAscii(text)) return text;
  return text.normalize('NFD').replace(COMBINING_MARKS, '').replace(/đ/g, 'd').replace(/Đ/g, 'D').normalize('NFC');
}

/**
 * The same for one syllable, remembered: Vietnamese has a few thousand syllables and a long accented message folds
 * dozens of them (two normalisations each). Bounded: when full, it starts over.
 */
const FOLDED_SYLLABLES = new Map<string, string>();
const SYLLABLE_CACHE_SIZE = 8192;

export function removeSyllableDiacritics(syllable: string): string {
  let folded = FOLDED_SYLLABLES.get(syllable);
  if (folded === undefined) {
    folded = removeDiacritics(syllable);
    if (FOLDED_SYLLABLES.size >= SYLLABLE_CACHE_SIZE) FOLDED_SYLLABLES.clear();
    FOLDED_SYLLABLES.set(syllable, folded);
  }
  return folded;
}

/** Lower case, NFC, keeps diacritics; punctuation becomes space. */
export function normalizeText(text: string): string {
  // Same result for plain ASCII, without the Unicode-aware pass (most citizens type without diacritics).
  if (isPlainAscii(text)) return text.toLowerCase().replace(/[^a-z0-9]+/g, ' ').trim();
  return text
    .normalize('NFC')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

/** The last text folded: a chat turn folds the citizen's message in several places (control words, buttons, answers). */
let last = { text: '', folded: '' };

export function fold(text: string): string {
  if (text !== last.text) last = { text, folded: removeDiacritics(normalizeText(text)) };
  return last.folded;
}

/** Combining tone marks (huyền, sắc, ngã, hỏi, nặng); circumflex, breve and horn are letter shapes, not tones. */
const TONE_MARKS: Record<string, string> = { '\u0300': '2', '\u0301': '1', '\u0303': '4', '\u0309': '3', '\u0323': '5' };
const TONE_MARK_RE = /[\u0300\u0301\u0303\u0309\u0323]/g;

/**
 * One spelling per accented syllable whatever the tone placement: the tone mark is taken off the vowel and written
 * as a digit after the syllable, so "hoà" and "hòa" (old and new placement) both give "hoa2", while "hoa", "hòa"
 * and "hóa" stay apart. Expects normalized (NFC, lower-case) text; syllables without a tone keep no digit.
 */
export function toneKey(syllable: string): string {
  const decomposed = syllable.normalize('NFD');
  let tone = '';
  for (const mark of decomposed.match(TONE_MARK_RE) ?? []) tone = TONE_MARKS[mark]!;
  return decomposed.replace(TONE_MARK_RE, '').normalize('NFC') + tone;
}

export function hasDiacritics(text: string): boolean {
  return removeDiacritics(text) !== text;
}
