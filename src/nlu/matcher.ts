/**
 * The intent matcher: citizen's text → intent (or `fallback`), top-5 ranking and entities.
 *
 * Pipeline: NFC → tokens (lower case, diacritics kept aside) → folding (đ → d) → teencode, abbreviations and Telex
 * residue → repair of unknown words against the training vocabulary → syllables, syllable pairs, first syllable and
 * accented syllables → softmax classifier.
 *
 * Out of scope is decided on calibrated evidence, never on raw naive-Bayes scores: `fallback` is a class of its own
 * (trained on off-topic questions), and an in-scope intent must reach a minimum probability. The probabilities are
 * calibrated by a temperature fitted on cross-validated predictions (lowest log-loss), so "0.8" means right about 8
 * times in 10; the temperature and the floor come from `npm run nlu:eval`, which prints the sweep.
 */

import { loadTrainingData, type TrainingUtterance } from '../content/training-data.js';
import type { CommuneDirectory } from '../domain/communes.js';
import { Memo } from '../memo.js';
import { type Token, tokenize } from '../text/tokenize.js';
import { extractEntities } from './entities/index.js';
import { FeatureIndex, featuresOf, type IndexedWord } from './features.js';
import { contextualForms, type Forms, formsOf, normalizeTokens } from './lexicon.js';
import { LinearClassifier, type LinearOptions, type TrainingExample } from './linear-classifier.js';
import { hashTrainingData, type MatcherSnapshot, readMatcherSnapshot } from './matcher-snapshot.js';
import type { IntentScore, ParseResult, Parser } from './types.js';
import { Vocabulary } from './vocabulary.js';

export const FALLBACK_INTENT = 'fallback';
const RANKING_SIZE = 5;

export interface Calibration {
  /** Divides the classifier's scores before the softmax (< 1 sharpens). */
  temperature: number;
  /** Below this calibrated probability the best in-scope intent is not trusted and the answer is fallback. */
  minConfidence: number;
}

export const DEFAULT_CALIBRATION: Calibration = { temperature: 0.6, minConfidence: 0.2 };

/** The best intent of a ranking, or fallback when that intent is in scope but not probable enough. */
export function decideIntent(ranking: readonly IntentScore[], minConfidence: number): IntentScore {
  const best = ranking[0]!;
  if (best.name !== FALLBACK_INTENT && best.confidence < minConfidence) return { name: FALLBACK_INTENT, confidence: 1 - best.confidence };
  return best;
}

export interface MatcherOptions {
  calibration?: Partial<Calibration>;
  linear?: Partial<LinearOptions>;
}

export class Matcher implements Parser {
  readonly #classifier: LinearClassifier;
  readonly #features: FeatureIndex;
  readonly #vocabulary: Vocabulary;
  readonly #communes: CommuneDirectory;
  readonly #calibration: Calibration;
  /**
   * Each token that reads the same wherever it stands, normalized, repaired and looked up in the feature index once:
   * a parse then costs one lookup per such word instead of one in each of those tables, whose entries are no longer
   * in the CPU's caches when a request comes.
   */
  readonly #tokenWords = new Memo<readonly IndexedWord[]>(8192);

  private constructor(classifier: LinearClassifier, vocabulary: Vocabulary, communes: CommuneDirectory, calibration: Calibration) {
    this.#classifier = classifier;
    this.#features = new FeatureIndex(classifier.featureRows);
    this.#vocabulary = vocabulary;
    this.#communes = communes;
    this.#calibration = calibration;
  }

  static train(utterances: readonly TrainingUtterance[], communes: CommuneDirectory, options: MatcherOptions = {}): Matcher {
    const vocabulary = new Vocabulary();
    const examples: TrainingExample[] = [];
    for (const u of utterances) {
      const words = normalizeTokens(tokenize(u.text.normalize('NFC')));
      vocabulary.add(words);
      examples.push({ features: featuresOf(words), label: u.intent });
      // Most citizens type without diacritics: an example written with them is also learnt without them, so the
      // folded syllables carry its full weight and the accented ones only add to it (+0.7 points in cross-validation).
      if (words.some((w) => w.typed)) examples.push({ features: featuresOf(words.map(({ typed: _, ...w }) => w)), label: u.intent });
    }
    const labels = [...new Set(utterances.map((u) => u.intent))].sort();
    const classifier = LinearClassifier.train(examples, labels, options.linear);
    return new Matcher(classifier, vocabulary, communes, { ...DEFAULT_CALIBRATION, ...options.calibration });
  }

  toSnapshot(intentsHash: string): MatcherSnapshot {
    return { intentsHash, classifier: this.#classifier.toSnapshot(), vocabulary: this.#vocabulary.toSnapshot() };
  }

  static fromSnapshot(snapshot: MatcherSnapshot, communes: CommuneDirectory): Matcher {
    return new Matcher(
      LinearClassifier.fromSnapshot(snapshot.classifier),
      Vocabulary.fromSnapshot(snapshot.vocabulary),
      communes,
      DEFAULT_CALIBRATION,
    );
  }

  /**
   * Every intent with its probability, best first, before the out-of-scope decision. Calibrated unless another
   * `temperature` is asked for (the evaluation asks for 1 to fit the calibration).
   */
  rank(text: string, temperature = this.#calibration.temperature): IntentScore[] {
    return this.#rank(tokenize(text.normalize('NFC')), temperature, this.#classifier.labels.length);
  }

  /** The `size` most probable intents, best first (ties in label order). */
  #rank(tokens: readonly Token[], temperature: number, size: number): IntentScore[] {
    const { rows, distinct } = this.#features.rowsOf(this.#indexedWords(tokens));
    const probabilities = this.#classifier.probabilities(rows, distinct, temperature);
    // Insertion into a short sorted list: the top 5 of 28 without sorting them all.
    const best: number[] = [];
    for (let i = 0; i < probabilities.length; i++) {
      const p = probabilities[i]!;
      if (best.length === size && p <= probabilities[best[size - 1]!]!) continue;
      let at = best.length < size ? best.length : size - 1;
      while (at > 0 && probabilities[best[at - 1]!]! < p) {
        best[at] = best[at - 1]!;
        at--;
      }
      best[at] = i;
    }
    return best.map((i) => ({ name: this.#classifier.labels[i]!, confidence: probabilities[i]! }));
  }

  /** The words of normalizeTokens(tokens), unknown ones repaired, with their feature-index entries. */
  #indexedWords(tokens: readonly Token[]): IndexedWord[] {
    const words: IndexedWord[] = [];
    for (let i = 0; i < tokens.length; i++) {
      const token = tokens[i]!;
      const contextual = contextualForms(tokens, i);
      const indexed = contextual ? this.#indexed(contextual) : this.#tokenWords.get(token.text, () => this.#indexed(formsOf(token)));
      for (const word of indexed) words.push(word);
    }
    return words;
  }

  #indexed(forms: Forms): IndexedWord[] {
    const words: IndexedWord[] = [];
    for (const { form, typed } of forms) {
      const repaired = this.#vocabulary.repairForm(form);
      if (repaired === undefined) words.push(this.#features.indexed(form, typed));
      else for (const known of repaired) words.push(this.#features.indexed(known));
    }
    return words;
  }

  /** The intent a calibrated ranking settles on. */
  decide(ranking: readonly IntentScore[]): IntentScore {
    return decideIntent(ranking, this.#calibration.minConfidence);
  }

  /** `text` is normalized to NFC; entity offsets refer to the returned `text`. */
  parse(text: string): ParseResult {
    const normalized = text.normalize('NFC');
    const tokens = tokenize(normalized);
    const ranking = this.#rank(tokens, this.#calibration.temperature, RANKING_SIZE);
    return {
      text: normalized,
      intent: this.decide(ranking),
      ranking,
      entities: extractEntities(normalized, this.#communes, tokens),
    };
  }
}

/** Matchers trained in this process, by intents hash: an app built again (tests build hundreds) need not retrain. */
const trainedHere = new Map<string, MatcherSnapshot>();

/**
 * The matcher for intents/ plus `extra` utterances (the knowledge base's questions, each labelled with its topic):
 * from the build-time snapshot when one was trained on exactly these (and default options), or from one trained
 * earlier in this process, otherwise trained here.
 */
export async function loadMatcher(
  options: { intentsDir: string; communes: CommuneDirectory; snapshotFile?: string | URL; extra?: readonly TrainingUtterance[] } & MatcherOptions,
): Promise<Matcher> {
  const extra = options.extra ?? [];
  const defaults = !options.calibration && !options.linear;
  const hash = defaults ? await hashTrainingData(options.intentsDir, extra) : '';
  if (defaults) {
    const snapshot = (options.snapshotFile && (await readMatcherSnapshot(options.snapshotFile, hash))) || trainedHere.get(hash);
    if (snapshot) return Matcher.fromSnapshot(snapshot, options.communes);
  }
  const utterances = await loadTrainingData(options.intentsDir);
  const matcher = Matcher.train([...utterances, ...extra], options.communes, options);
  if (defaults) trainedHere.set(hash, matcher.toSnapshot(hash));
  return matcher;
}
