/**
 * How many people live in the household: "5 người", "năm khẩu", "nhà 4 nhân khẩu", "4 nguoi", "3 thành viên", "3 ng".
 */

import { type Token, tokenize } from '../../text/tokenize.js';
import type { Entity } from '../types.js';
import { readNumber } from './numbers.js';

/** Person words, folded, one or two syllables. */
/** "ng" is teencode for người ("nha 3 ng"); as nghìn it follows amounts, which are above any household's size. */
const PERSON_UNITS = ['nguoi', 'khau', 'nhan khau', 'thanh vien', 'mieng an', 'ng'];
const MAX_HOUSEHOLD = 50;

function personUnitLength(tokens: readonly Token[], at: number): number {
  for (const unit of PERSON_UNITS) {
    const parts = unit.split(' ');
    if (parts.every((p, k) => tokens[at + k]?.folded === p)) return parts.length;
  }
  return 0;
}

function isHouseholdSize(value: number): boolean {
  return Number.isInteger(value) && value >= 1 && value <= MAX_HOUSEHOLD;
}

/** Every "number + person word" in `text` (NFC), as `count` entities. */
export function findCounts(text: string, tokens: readonly Token[] = tokenize(text)): Entity[] {
  const found: Entity[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const reading = readNumber(tokens, i);
    if (!reading || reading.scales.length > 0) continue;
    const unitLength = personUnitLength(tokens, reading.end);
    if (unitLength === 0 || !isHouseholdSize(reading.value)) continue;
    const start = tokens[i]!.start;
    const end = tokens[reading.end + unitLength - 1]!.end;
    found.push({ entity: 'count', value: reading.value, text: text.slice(start, end), start, end });
    i = reading.end + unitLength - 1;
  }
  return found;
}

/**
 * The household size stated in `text`, or undefined. For the screening flow: "nha em 4 nguoi" → 4, "năm khẩu" → 5.
 * With `allowBare`, a reply that is only a number ("4", "bốn", "nam") counts too — use it right after asking
 * "how many people?".
 */
export function extractCount(text: string, options: { allowBare?: boolean } = {}): number | undefined {
  const normalized = text.normalize('NFC');
  const value = findCounts(normalized)[0]?.value;
  if (typeof value === 'number') return value;
  if (!options.allowBare) return undefined;
  const tokens = tokenize(normalized);
  const reading = readNumber(tokens, 0);
  return reading && reading.end === tokens.length && reading.scales.length === 0 && isHouseholdSize(reading.value)
    ? reading.value
    : undefined;
}
