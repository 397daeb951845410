/**
 * Amounts of money in đồng, as citizens write them: "5 triệu", "5tr", "2tr5", "3 triệu rưỡi", "1,2 triệu", "800k",
 * "800 nghìn", "4.500.000đ", "một triệu hai", "nam trieu", "5 củ", "5 trieu 2". A bare number counts as money only
 * from 10,000 up (smaller ones are counts, ages, years; a leading-zero run of 9+ digits is a phone number).
 */

import { type Token, tokenize } from '../../text/tokenize.js';
import type { Entity } from '../types.js';
import { readNumber } from './numbers.js';

const CURRENCY_WORDS = new Set(['dong', 'd', 'vnd', 'vnđ']);
/** "đồng" is money; "đóng" (to pay) and "dòng" are not; typed without diacritics, "dong" after a number is money. */
const CURRENCY_SPELLINGS = new Set(['đồng', 'dong', 'đ', 'd', 'vnd', 'vnđ']);
const PERSON_WORDS = new Set(['nguoi', 'khau', 'nhan']);
const SMALLEST_BARE_AMOUNT = 10_000;

function isCurrency(token: Token | undefined): boolean {
  return token !== undefined && !token.isNumber && CURRENCY_WORDS.has(token.folded) && CURRENCY_SPELLINGS.has(token.text);
}

function looksLikePhone(token: Token): boolean {
  return /^0\d{8,}$/.test(token.text.replace(/[.,]/g, ''));
}

/** Every amount in the tokens of `text` (NFC), as `money` entities valued in đồng. */
export function findMoney(text: string, tokens: readonly Token[] = tokenize(text)): Entity[] {
  const found: Entity[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const reading = readNumber(tokens, i, text);
    if (!reading || (reading.ambiguousWord && !isCurrency(tokens[reading.end]))) continue;
    let end = reading.end;
    const next = tokens[end];
    const hasScale = reading.scales.length > 0;
    let isMoney = false;
    if (isCurrency(next)) {
      isMoney = true;
      end += 1;
    } else if (hasScale) {
      isMoney = !PERSON_WORDS.has(next?.folded ?? '');
    } else {
      const only = tokens[i]!;
      isMoney = reading.end - i === 1 && only.isNumber && reading.value >= SMALLEST_BARE_AMOUNT && !looksLikePhone(only);
    }
    if (!isMoney || reading.value <= 0) continue;
    const start = tokens[i]!.start;
    const stop = tokens[end - 1]!.end;
    found.push({ entity: 'money', value: Math.round(reading.value), text: text.slice(start, stop), start, end: stop });
    i = end - 1;
  }
  return found;
}
