/**
 * Retrieval over short documents (knowledge entries, referrals): BM25 on the matcher's normalized syllables and
 * syllable pairs, so "sv vay dc bn", "sinh viên vay được bao nhiêu" and "sinh vien vay duoc bao nhieu" are one query.
 *
 * A document has fields with weights (the questions a person asks weigh more than the answer's wording); a query has
 * per-term weights (the question sentence counts more than the story around it). Besides the score, each hit says
 * which share of the query's weighted IDF mass it matched, a length-independent measure of how well it fits.
 */

import { Memo } from '../memo.js';
import { tokenize } from '../text/tokenize.js';
import { normalizeTokens } from './lexicon.js';

export interface RetrievalDocument {
  id: string;
  fields: readonly { texts: readonly string[]; weight: number }[];
}

export interface WeightedText {
  text: string;
  weight: number;
}

export interface Hit {
  id: string;
  score: number;
  /** Matched share (0–1) of the query's weighted IDF mass, over the words some document has. */
  coverage: number;
  /** The same share counting the words no document has ("thời tiết"), as if each were the rarest word. */
  strictCoverage: number;
  /** How many of the query's terms the document has (a syllable pair counts two): one shared word is chance. */
  matched: number;
}

/** BM25's usual parameters: term-frequency saturation and length normalization. */
const K1 = 1.2;
const B = 0.5;
/** A syllable pair says more than either syllable alone. */
const BIGRAM_BOOST = 1.5;

/**
 * Words that make a sentence polite or a question, not what it is about. Folded words that are also content words
 * ("vay": vậy/vay, "the": thế/thẻ, "con": còn/con, "nha": nhé/nhà, "do": đó/đỏ in "sổ đỏ") stay.
 */
const FUNCTION_WORDS = new Set([
  'a', 'oi', 'thi', 'la', 'nhe', 'cho', 'hoi', 'xin', 'toi', 'em', 'minh', 'anh', 'ban', 'cua', 'nay', 'khong', 'duoc',
  'gi', 'nao', 'sao', 'nhu', 'va', 'cac', 'nhung', 'mot', 'de', 'u', 'ok', 'nhi', 'ha', 'ak', 'voi', 've', 'ma',
]);

/** A chat turn asks for the terms of the same sentences several times (whole message, each question, bare topic). */
const TERMS = new Memo<readonly string[]>(1024);

/** The index terms of a text: syllables and pairs of neighbouring syllables, function words aside. */
export function termsOf(text: string): readonly string[] {
  return TERMS.get(text, computeTerms);
}

function computeTerms(text: string): string[] {
  const normalized = text.normalize('NFC');
  // Numbers are "#" to the classifier; a year ("chuẩn nghèo 2027") names the period a question is about.
  const words = normalizeTokens(tokenize(normalized))
    .map((w) => ({ form: w.form === '#' ? yearOf(normalized.slice(w.start, w.end)) : w.form, typed: w.typed }))
    .filter((w): w is { form: string; typed: string | undefined } => w.form !== null);
  const terms: string[] = [];
  for (let i = 0; i < words.length; i++) {
    const { form, typed } = words[i]!;
    // Typed with its accents, a syllable also matches the same accented syllable: "nhẹ" is not "nhé", "thẻ" not "thế".
    if (typed !== undefined) terms.push(`'${typed}`);
    if (FUNCTION_WORDS.has(form)) continue;
    terms.push(form);
    const previous = words[i - 1]?.form;
    if (previous !== undefined && !FUNCTION_WORDS.has(previous)) terms.push(`${previous} ${form}`);
  }
  return terms;
}

function yearOf(number: string): string | null {
  return /^20[2-3]\d$/.test(number) ? number : null;
}

const termWeight = (term: string) => (term.includes(' ') ? BIGRAM_BOOST : 1);

export class RetrievalIndex {
  readonly #ids: string[] = [];
  /** term → [document index, weighted term frequency] pairs. */
  readonly #postings = new Map<string, [number, number][]>();
  readonly #lengths: number[] = [];
  /** Per document, BM25's length term K1·(1 − B + B·length/average), computed once. */
  #lengthNorm = new Float64Array(0);
  readonly #idf = new Map<string, number>();
  #maxIdf = 0;

  constructor(documents: readonly RetrievalDocument[]) {
    for (const doc of documents) {
      const index = this.#ids.length;
      this.#ids.push(doc.id);
      const frequencies = new Map<string, number>();
      let length = 0;
      for (const field of doc.fields) {
        for (const text of field.texts) {
          for (const term of termsOf(text)) {
            frequencies.set(term, (frequencies.get(term) ?? 0) + field.weight);
            length += field.weight;
          }
        }
      }
      this.#lengths.push(length);
      for (const [term, tf] of frequencies) {
        const list = this.#postings.get(term) ?? [];
        list.push([index, tf]);
        this.#postings.set(term, list);
      }
    }
    const n = this.#ids.length;
    const averageLength = this.#lengths.reduce((a, b) => a + b, 0) / Math.max(1, n);
    this.#lengthNorm = Float64Array.from(this.#lengths, (length) => K1 * (1 - B + (B * length) / averageLength));
    for (const [term, list] of this.#postings) this.#idf.set(term, Math.log(1 + (n - list.length + 0.5) / (list.length + 0.5)));
    this.#maxIdf = Math.log(1 + (n - 0.5) / 1.5);
  }

  get size(): number {
    return this.#ids.length;
  }

  /** The best `limit` documents for the weighted query texts, best first; documents matching nothing are left out. */
  search(query: readonly WeightedText[], limit = 5): Hit[] {
    const weights = new Map<string, number>();
    for (const { text, weight } of query) {
      if (weight <= 0) continue;
      // A term counts once per query at its highest weight: repeating a word in a long story does not make it the topic.
      for (const term of termsOf(text)) weights.set(term, Math.max(weights.get(term) ?? 0, weight * termWeight(term)));
    }
    const n = this.#ids.length;
    const scores = new Float64Array(n);
    const masses = new Float64Array(n);
    const matched = new Uint16Array(n);
    let totalMass = 0;
    let unknownMass = 0;
    for (const [term, weight] of weights) {
      const idf = this.#idf.get(term);
      // A word no document has is as telling as the rarest one, and no document matches it.
      if (idf === undefined) {
        unknownMass += this.#maxIdf * weight;
        continue;
      }
      totalMass += idf * weight;
      const count = term.includes(' ') ? 2 : 1;
      for (const [doc, tf] of this.#postings.get(term)!) {
        scores[doc]! += weight * idf * ((tf * (K1 + 1)) / (tf + this.#lengthNorm[doc]!));
        masses[doc]! += idf * weight;
        matched[doc]! += count;
      }
    }
    // The best `limit` by insertion into a short sorted list: most documents match something, few are wanted.
    const best: number[] = [];
    for (let doc = 0; doc < n; doc++) {
      if (scores[doc] === 0) continue;
      if (best.length === limit && scores[doc]! <= scores[best[limit - 1]!]!) continue;
      let at = best.length < limit ? best.length : limit - 1;
      while (at > 0 && scores[best[at - 1]!]! < scores[doc]!) {
        best[at] = best[at - 1]!;
        at--;
      }
      best[at] = doc;
    }
    return best.map((doc) => ({
      id: this.#ids[doc]!,
      score: scores[doc]!,
      coverage: masses[doc]! / totalMass,
      strictCoverage: masses[doc]! / (totalMass + unknownMass),
      matched: matched[doc]!,
    }));
  }
}
