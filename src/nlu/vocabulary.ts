/**
 * The syllables the training data uses, and repair of what a citizen typed towards them: a typo ("ngeo" → "ngheo",
 * "hiemm" → "hiem"), or two syllables typed as one ("hongheo" → "ho ngheo"). Only unknown words are touched, so a
 * real word is never "corrected" into another.
 */

import { Memo } from '../memo.js';
import { FuzzyIndex } from '../text/fuzzy-index.js';
import type { Word } from './lexicon.js';

/** Shorter words have too many neighbours at distance one ("hoc", "hoi", "hoa"…) to guess from. */
const MIN_CORRECTABLE_LENGTH = 4;

export interface VocabularySnapshot {
  counts: [string, number][];
  bigrams: string[];
}

export class Vocabulary {
  readonly #counts = new Map<string, number>();
  readonly #bigrams = new Set<string>();
  #index: FuzzyIndex<string> | null = null;
  readonly #corrections = new Memo<string | null>(4096);

  /** Adds the words of one training example. */
  add(words: readonly Word[]): void {
    this.#index = null;
    this.#corrections.clear();
    words.forEach((w, i) => {
      this.#counts.set(w.form, (this.#counts.get(w.form) ?? 0) + 1);
      const next = words[i + 1];
      if (next) this.#bigrams.add(`${w.form} ${next.form}`);
    });
  }

  toSnapshot(): VocabularySnapshot {
    return { counts: [...this.#counts], bigrams: [...this.#bigrams] };
  }

  static fromSnapshot(snapshot: VocabularySnapshot): Vocabulary {
    const vocabulary = new Vocabulary();
    for (const [form, count] of snapshot.counts) vocabulary.#counts.set(form, count);
    for (const bigram of snapshot.bigrams) vocabulary.#bigrams.add(bigram);
    return vocabulary;
  }

  /**
   * The known word(s) an unknown `form` most likely stands for; undefined when it is known, a number, too short to
   * guess or beyond repair (known words are left alone).
   */
  repairForm(form: string): readonly string[] | undefined {
    if (form === '#' || this.#counts.has(form) || form.length < MIN_CORRECTABLE_LENGTH) return undefined;
    const split = this.#split(form);
    if (split) return split;
    const corrected = this.#nearest(form);
    return corrected ? [corrected] : undefined;
  }

  /** "hongheo" → ["ho", "ngheo"] when both halves are known and were seen together. */
  #split(form: string): [string, string] | null {
    for (let cut = 1; cut < form.length; cut++) {
      const left = form.slice(0, cut);
      const right = form.slice(cut);
      if (this.#bigrams.has(`${left} ${right}`)) return [left, right];
    }
    return null;
  }

  #nearest(form: string): string | null {
    return this.#corrections.get(form, () => this.#search(form));
  }

  #search(form: string): string | null {
    this.#index ??= this.#buildIndex();
    let best: string | null = null;
    let bestCount = 0;
    for (const hit of this.#index.search(form, 1)) {
      const count = this.#counts.get(hit.key) ?? 0;
      if (count > bestCount) {
        best = hit.key;
        bestCount = count;
      }
    }
    return best;
  }

  #buildIndex(): FuzzyIndex<string> {
    const index = new FuzzyIndex<string>(1);
    for (const form of this.#counts.keys()) {
      if (form.length >= MIN_CORRECTABLE_LENGTH - 1 && form !== '#') index.add(form, form);
    }
    return index;
  }
}
