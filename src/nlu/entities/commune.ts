/**
 * Commune names in free text, current or former ("xã Thanh Hà", "phuong kinh mon", "o Tu Ky", "thanh mein").
 * Many names are ordinary words too ("Đoàn Kết", "Thống Nhất", "An Sinh", "Hòa Bình"), so a name is taken only
 * when something marks it as a place: a unit-type word before it (typos tolerated), a place word ("ở", "tại",
 * "thuộc", "quê"), a capital letter, or a message that is nothing but the name.
 */
import type { CommuneDirectory } from '../../domain/communes.js';
import type { Token } from '../../text/tokenize.js';
import type { Entity } from '../types.js';

/** Folded unit-type words and the unit types they point to. */
const TYPE_CUES: { words: string[]; types: string[] }[] = [
  { words: ['xa'], types: ['xa'] },
  { words: ['phuong'], types: ['phuong'] },
  { words: ['p'], types: ['phuong'] },
  { words: ['thi', 'tran'], types: ['thi_tran'] },
  { words: ['tt'], types: ['thi_tran'] },
  { words: ['dac', 'khu'], types: ['dac_khu', 'huyen'] },
];
const PLACE_CUES = new Set(['o', 'tai', 'thuoc', 'que']);
/** A capitalised name after these is a province or a district, not a commune ("tỉnh Hải Dương", "huyện Thanh Hà"). */
const LARGER_UNIT_WORDS = new Set(['tinh', 'huyen', 'quan', 'pho', 'tp']);

const CUE_FIRST_WORDS = new Set(TYPE_CUES.map((cue) => cue.words[0]!));

function typeCueAt(tokens: readonly Token[], i: number): { length: number; types: string[] } | null {
  if (!CUE_FIRST_WORDS.has(tokens[i]?.folded ?? '')) return null;
  for (const cue of TYPE_CUES) {
    if (cue.words.every((w, k) => tokens[i + k]?.folded === w)) return { length: cue.words.length, types: cue.types };
  }
  return null;
}

/**
 * Whether anything can mark a name in this message (the rules above): a type or place word, a capital letter (or a
 * digit, which counts as one), or a message short enough to be nothing but a name. Most questions have none of
 * these, and are not searched.
 */
function mayNameCommune(tokens: readonly Token[], longest: number): boolean {
  if (tokens.length <= longest) return true;
  return tokens.some((t) => t.capitalised || t.isNumber || CUE_FIRST_WORDS.has(t.folded) || PLACE_CUES.has(t.folded));
}

/** A commune entity per mention (value: best id; alternatives: the other candidates), spanning its type word. */
export function findCommunes(text: string, tokens: readonly Token[], communes: CommuneDirectory): Entity[] {
  const found: Entity[] = [];
  const longest = communes.longestNameSyllables;
  if (!mayNameCommune(tokens, longest)) return found;
  const wholeMessage = (from: number, to: number) => to === tokens.length && (from === 0 || (from > 0 && typeCueAt(tokens, 0)?.length === from));

  for (let i = 0; i < tokens.length; i++) {
    const cue = typeCueAt(tokens, i);
    const nameStart = cue ? i + cue.length : i;
    const afterPlaceWord = nameStart > 0 && PLACE_CUES.has(tokens[nameStart - 1]!.folded);
    for (let length = Math.min(longest, tokens.length - nameStart); length >= 1; length--) {
      if (cue === null && length < 2) continue;
      const stop = nameStart + length;
      let capitalised = true;
      let plainNumbers = true;
      for (let k = nameStart; k < stop; k++) {
        const t = tokens[k]!;
        if (t.isNumber && t.text.length > 1) plainNumbers = false;
        if (!t.isNumber && !t.capitalised) capitalised = false;
      }
      if (!plainNumbers) continue;
      const whole = wholeMessage(nameStart, stop);
      const marked = cue !== null || afterPlaceWord || whole || (capitalised && !LARGER_UNIT_WORDS.has(tokens[nameStart - 1]?.folded ?? ''));
      if (!marked) continue;
      let span = tokens.slice(nameStart, stop);
      let matches = communes.matchName(span.map((t) => t.text).join(' '), { fuzzy: cue !== null || afterPlaceWord || whole, types: cue?.types });
      if (matches.length === 0) continue;
      // "phuong le chan a": a shorter name that matches exactly beats a longer one that matches with a typo.
      for (let shorter = length - 1; matches[0]!.distance > 0 && shorter >= (cue === null ? 2 : 1); shorter--) {
        const exact = communes.matchName(span.slice(0, shorter).map((t) => t.text).join(' '), { fuzzy: false, types: cue?.types });
        if (exact.length > 0) {
          matches = exact;
          span = span.slice(0, shorter);
        }
      }
      const start = tokens[i]!.start;
      const end = span[span.length - 1]!.end;
      const [best, ...others] = matches;
      found.push({
        entity: 'commune',
        value: best!.commune.id,
        text: text.slice(start, end),
        start,
        end,
        ...(others.length ? { alternatives: others.map((m) => m.commune.id) } : {}),
      });
      i = nameStart + span.length - 1;
      break;
    }
  }
  return found;
}
