/**
 * Vietnamese text folding: NFC, lower case, diacritics removed (đ → d), punctuation to spaces, spaces collapsed.
 * Folding is what lets "hộ nghèo", "ho ngheo" and "HO NGHEO" meet.
 */
const COMBINING_MARKS = /[\u0300-\u036f]/g;

export function removeDiacritics(text: string): string {
  return text.normalize('NFD').replace(COMBINING_MARKS, '').replace(/đ/g, 'd').replace(/Đ/g, 'D').normalize('NFC');
}

/** Lower case, NFC, keeps diacritics; punctuation becomes space. */
export function normalizeText(text: string): string {
  return text
    .normalize('NFC')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

export function fold(text: string): string {
  return removeDiacritics(normalizeText(text));
}
