/**
 * What the classifier sees of a message: each folded syllable, each pair of neighbouring syllables (a stand-in for
 * two-syllable words: "bảo hiểm", "học phí", "hộ nghèo"), the first syllable as such (greetings, thanks and commands
 * show in how a message starts: "chào…", "dừng…", "xóa…"), and — when the citizen typed diacritics — the accented
 * syllable too, because accents separate words that fold alike ("nhà" house / "nhá" particle, "bảo" / "báo").
 */
import type { Word } from './lexicon.js';

export function featuresOf(words: readonly Word[]): string[] {
  const features = new Set<string>();
  if (words[0]) features.add(`^${words[0].form}`);
  for (let i = 0; i < words.length; i++) {
    const word = words[i]!;
    features.add(word.form);
    if (word.typed) features.add(`~${word.typed}`);
    const next = words[i + 1];
    if (next) features.add(`${word.form}_${next.form}`);
  }
  return [...features];
}

/** A word with its entry in a FeatureIndex (rows undefined: a syllable the classifier never saw). */
export interface IndexedWord {
  form: string;
  typed: string | undefined;
  rows: FormRows | undefined;
  /** Row of the accented syllable; -1 when unseen or not typed with diacritics. */
  typedRow: number;
}

interface FormRows {
  /** Row of the syllable itself, of the syllable opening a message, and of each pair it starts; -1 when unseen. */
  own: number;
  first: number;
  pairs: Map<string, number>;
}

/**
 * The classifier's rows of featuresOf(words), found without building the feature strings: a parse looks each
 * syllable up once, then its pairs in that syllable's own small map, instead of hashing fresh strings in a map of
 * every feature (the largest cost of a parse inside a request, where those tables are no longer in the CPU's caches).
 */
export class FeatureIndex {
  readonly #forms = new Map<string, FormRows>();
  readonly #typed = new Map<string, number>();

  /** `rows`: every feature string the classifier knows, with its row. */
  constructor(rows: ReadonlyMap<string, number>) {
    for (const [feature, row] of rows) {
      if (feature.startsWith('^')) this.#form(feature.slice(1)).first = row;
      else if (feature.startsWith('~')) this.#typed.set(feature.slice(1), row);
      else {
        const cut = feature.indexOf('_');
        if (cut < 0) this.#form(feature).own = row;
        else this.#form(feature.slice(0, cut)).pairs.set(feature.slice(cut + 1), row);
      }
    }
  }

  /** One word as this index knows it: what a parse needs of the word, looked up once (see Matcher's token memo). */
  indexed(form: string, typed?: string): IndexedWord {
    return { form, typed, rows: this.#forms.get(form), typedRow: typed === undefined ? -1 : (this.#typed.get(typed) ?? -1) };
  }

  /**
   * The known features' rows in featuresOf's order, each once, and how many distinct features featuresOf would
   * give (unknown ones included: they count in the classifier's length normalisation).
   */
  rowsOf(words: readonly IndexedWord[]): { rows: number[]; distinct: number } {
    const rows: number[] = [];
    // Unknown features are named only to count them once each: the strings are built only for those.
    const unknown = new Set<string>();
    const first = words[0];
    if (first) {
      const row = first.rows?.first ?? -1;
      if (row >= 0) rows.push(row);
      else unknown.add(`^${first.form}`);
    }
    for (let i = 0; i < words.length; i++) {
      const word = words[i]!;
      const own = word.rows?.own ?? -1;
      if (own < 0) unknown.add(word.form);
      else if (!rows.includes(own)) rows.push(own);
      if (word.typed !== undefined) {
        if (word.typedRow < 0) unknown.add(`~${word.typed}`);
        else if (!rows.includes(word.typedRow)) rows.push(word.typedRow);
      }
      const next = words[i + 1];
      if (next) {
        const pair = word.rows?.pairs.get(next.form) ?? -1;
        if (pair < 0) unknown.add(`${word.form}_${next.form}`);
        else if (!rows.includes(pair)) rows.push(pair);
      }
    }
    return { rows, distinct: rows.length + unknown.size };
  }

  #form(form: string): FormRows {
    let entry = this.#forms.get(form);
    if (!entry) {
      entry = { own: -1, first: -1, pairs: new Map() };
      this.#forms.set(form, entry);
    }
    return entry;
  }
}
