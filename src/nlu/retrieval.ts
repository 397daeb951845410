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

/**
 * "nhe" typed without diacritics is "nhé" (a particle) or "nhẹ" (mild: "khuyet tat nhe"); only the particle typed with
 * its accent is dropped, so a question about a mild disability typed without accents keeps its word.
 */
const CONTENT_UNLESS_ACCENTED = new Map([['nhe', 'nhe1']]);

function isFunctionWord(form: string, typed: string | undefined): boolean {
  if (!FUNCTION_WORDS.has(form)) return false;
  const particle = CONTENT_UNLESS_ACCENTED.get(form);
  return particle === undefined || typed === particle;
}

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
    if (isFunctionWord(form, typed)) continue;
    terms.push(form);
    const previous = words[i - 1];
    if (previous !== undefined && !isFunctionWord(previous.form, previous.typed)) terms.push(`${previous.form} ${form}`);
  }
  return terms;
}

function yearOf(number: string): string | null {
  return /^20[2-3]\d$/.test(number) ? number : null;
}

export const termWeight = (term: string) => (term.includes(' ') ? BIGRAM_BOOST : 1);

/**
 * Each term of the query at its highest weight (a term counts once per query: repeating a word in a long story does
 * not make it the topic), as the index weighs it; `keep` chooses which terms count (all by default).
 */
export function queryWeights(query: readonly WeightedText[], keep: (term: string) => boolean = () => true): Map<string, number> {
  const weights = new Map<string, number>();
  for (const { text, weight } of query) {
    if (weight <= 0) continue;
    for (const term of termsOf(text)) if (keep(term)) weights.set(term, Math.max(weights.get(term) ?? 0, weight * termWeight(term)));
  }
  return weights;
}

/**
 * A built index in a form JSON carries cheaply (the build writes the knowledge base's beside the bundle, see retrieval-snapshot.ts):
 * the terms in order, and per term its postings, as base64 of typed arrays.
 */
export interface RetrievalSnapshot {
  ids: string[];
  terms: string[];
  /** Uint32Array, terms + 1 entries: term t's postings are [starts[t], starts[t + 1]). */
  starts: string;
  /** Uint32Array: the document of each posting. */
  docs: string;
  /** Float64Array: the weighted term frequency of each posting. */
  frequencies: string;
  /** Float64Array: each document's weighted length. */
  lengths: string;
}

interface Postings {
  ids: readonly string[];
  terms: readonly string[];
  starts: Uint32Array;
  docs: Uint32Array;
  frequencies: Float64Array;
  lengths: Float64Array;
}

/** The postings of `documents`: for each term, in order of first use, the documents that have it, in order. */
function postingsOf(documents: readonly RetrievalDocument[]): Postings {
  const byTerm = new Map<string, number[]>();
  const lengths = new Float64Array(documents.length);
  documents.forEach((doc, index) => {
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
    lengths[index] = length;
    for (const [term, tf] of frequencies) {
      const list = byTerm.get(term);
      if (list) list.push(index, tf);
      else byTerm.set(term, [index, tf]);
    }
  });
  let total = 0;
  for (const list of byTerm.values()) total += list.length / 2;
  const starts = new Uint32Array(byTerm.size + 1);
  const docs = new Uint32Array(total);
  const frequencies = new Float64Array(total);
  let at = 0;
  let t = 0;
  for (const list of byTerm.values()) {
    starts[t++] = at;
    for (let i = 0; i < list.length; i += 2) {
      docs[at] = list[i]!;
      frequencies[at++] = list[i + 1]!;
    }
  }
  starts[t] = at;
  return { ids: documents.map((d) => d.id), terms: [...byTerm.keys()], starts, docs, frequencies, lengths };
}

const toBase64 = (array: ArrayBufferView) => Buffer.from(array.buffer, array.byteOffset, array.byteLength).toString('base64');

/** A typed array over a copy of the decoded bytes (a Buffer's own may be shared and misaligned). */
function fromBase64<T>(text: string, make: (buffer: ArrayBuffer) => T): T {
  const bytes = Buffer.from(text, 'base64');
  return make(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
}

/**
 * The postings are flat typed arrays rather than a list of pairs per term: a tenth of the memory (the knowledge
 * base's 75,000 postings took ~8 MB as arrays) and what a snapshot stores as is.
 */
export class RetrievalIndex {
  readonly #ids: readonly string[];
  readonly #terms: readonly string[];
  readonly #termIndex: Map<string, number>;
  readonly #starts: Uint32Array;
  readonly #docs: Uint32Array;
  readonly #frequencies: Float64Array;
  readonly #lengths: Float64Array;
  /** Per document, BM25's length term K1·(1 − B + B·length/average), computed once. */
  readonly #lengthNorm: Float64Array;
  /** Per term. */
  readonly #idf: Float64Array;
  readonly #maxIdf: number;
  /** Per document, a search's score, matched mass and matched terms: reused (search is synchronous), zeroed per search. */
  readonly #scores: Float64Array;
  readonly #masses: Float64Array;
  readonly #matched: Uint16Array;

  /** Builds the index of `documents`, or restores one from its snapshot. */
  constructor(source: readonly RetrievalDocument[] | RetrievalSnapshot) {
    const postings = Array.isArray(source) ? postingsOf(source as readonly RetrievalDocument[]) : decode(source as RetrievalSnapshot);
    this.#ids = postings.ids;
    this.#terms = postings.terms;
    this.#termIndex = new Map(postings.terms.map((term, t) => [term, t]));
    this.#starts = postings.starts;
    this.#docs = postings.docs;
    this.#frequencies = postings.frequencies;
    this.#lengths = postings.lengths;
    const n = this.#ids.length;
    const averageLength = this.#lengths.reduce((a, b) => a + b, 0) / Math.max(1, n);
    this.#lengthNorm = this.#lengths.map((length) => K1 * (1 - B + (B * length) / averageLength));
    this.#idf = new Float64Array(this.#terms.length);
    for (let t = 0; t < this.#terms.length; t++) {
      const count = this.#starts[t + 1]! - this.#starts[t]!;
      this.#idf[t] = Math.log(1 + (n - count + 0.5) / (count + 0.5));
    }
    this.#maxIdf = Math.log(1 + (n - 0.5) / 1.5);
    this.#scores = new Float64Array(n);
    this.#masses = new Float64Array(n);
    this.#matched = new Uint16Array(n);
  }

  toSnapshot(): RetrievalSnapshot {
    return {
      ids: [...this.#ids],
      terms: [...this.#terms],
      starts: toBase64(this.#starts),
      docs: toBase64(this.#docs),
      frequencies: toBase64(this.#frequencies),
      lengths: toBase64(this.#lengths),
    };
  }

  /** A term's IDF; a term no document has weighs as the rarest one. */
  idf(term: string): number {
    const t = this.#termIndex.get(term);
    return t === undefined ? this.#maxIdf : this.#idf[t]!;
  }

  get size(): number {
    return this.#ids.length;
  }

  /** The best `limit` documents for the weighted query texts, best first; documents matching nothing are left out. */
  search(query: readonly WeightedText[], limit = 5): Hit[] {
    const weights = queryWeights(query);
    const n = this.#ids.length;
    const scores = this.#scores.fill(0);
    const masses = this.#masses.fill(0);
    const matched = this.#matched.fill(0);
    let totalMass = 0;
    let unknownMass = 0;
    for (const [term, weight] of weights) {
      const t = this.#termIndex.get(term);
      // A word no document has is as telling as the rarest one, and no document matches it.
      if (t === undefined) {
        unknownMass += this.#maxIdf * weight;
        continue;
      }
      const idf = this.#idf[t]!;
      totalMass += idf * weight;
      const count = term.includes(' ') ? 2 : 1;
      for (let p = this.#starts[t]!; p < this.#starts[t + 1]!; p++) {
        const doc = this.#docs[p]!;
        const tf = this.#frequencies[p]!;
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

function decode(snapshot: RetrievalSnapshot): Postings {
  return {
    ids: snapshot.ids,
    terms: snapshot.terms,
    starts: fromBase64(snapshot.starts, (b) => new Uint32Array(b)),
    docs: fromBase64(snapshot.docs, (b) => new Uint32Array(b)),
    frequencies: fromBase64(snapshot.frequencies, (b) => new Float64Array(b)),
    lengths: fromBase64(snapshot.lengths, (b) => new Float64Array(b)),
  };
}
