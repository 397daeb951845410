/**
 * Rural or urban, which decides the income line of the poverty standard: said outright ("nông thôn", "thành thị",
 * "đô thị") or hinted by the unit the citizen lives in (xã → rural; phường, thị trấn → urban). Hints are marked
 * `inferred`. Without diacritics "xa" is also "far" and "phuong" a direction, so folded type words count only right
 * before a commune name; "xã hội" (society) never counts.
 */

import type { Token } from '../../text/tokenize.js';
import type { Entity } from '../types.js';

type Area = 'rural' | 'urban';

const STATED: { words: string[]; value: Area }[] = [
  { words: ['nong', 'thon'], value: 'rural' },
  { words: ['thanh', 'thi'], value: 'urban' },
  { words: ['do', 'thi'], value: 'urban' },
];

const UNIT_WORDS: { words: string[]; accented: string; value: Area }[] = [
  { words: ['xa'], accented: 'xã', value: 'rural' },
  { words: ['phuong'], accented: 'phường', value: 'urban' },
  { words: ['thi', 'tran'], accented: 'thị trấn', value: 'urban' },
];

function matchesAt(tokens: readonly Token[], i: number, words: string[]): boolean {
  return words.every((w, k) => tokens[i + k]?.folded === w);
}

/** First words of every phrase above: a token that is none of them starts no area. */
const FIRST_WORDS = new Set([...STATED, ...UNIT_WORDS].map((phrase) => phrase.words[0]!));

/** `communeStarts`: token offsets where a commune entity (with its type word) begins. */
export function findAreas(text: string, tokens: readonly Token[], communeStarts: ReadonlySet<number>): Entity[] {
  const found: Entity[] = [];
  for (let i = 0; i < tokens.length; i++) {
    if (!FIRST_WORDS.has(tokens[i]!.folded)) continue;
    const stated = STATED.find((s) => matchesAt(tokens, i, s.words));
    const unit = stated ? undefined : UNIT_WORDS.find((u) => matchesAt(tokens, i, u.words));
    const words = stated?.words ?? unit?.words;
    if (!words) continue;
    const span = tokens.slice(i, i + words.length);
    const start = span[0]!.start;
    const end = span[span.length - 1]!.end;
    if (unit) {
      const typedWithAccents = span.map((t) => t.text).join(' ') === unit.accented;
      const society = tokens[i + words.length]?.folded === 'hoi';
      if (society || !(typedWithAccents || communeStarts.has(start))) continue;
    }
    found.push({
      entity: 'area',
      value: (stated ?? unit)!.value,
      text: text.slice(start, end),
      start,
      end,
      ...(unit ? { inferred: true } : {}),
    });
    i += words.length - 1;
  }
  return found;
}
