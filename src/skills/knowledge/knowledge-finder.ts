import type { HouseholdCategory, KnowledgeEntry, Referral, SchoolLevel } from '../../domain/knowledge/types.js';
import { Memo } from '../../memo.js';
import { categoriesNamed, readFacts } from '../../nlu/facts.js';
import { questionsOf, type Sentence, sentencesOf } from '../../nlu/question-focus.js';
import { type Hit, queryWeights, type RetrievalDocument, RetrievalIndex, termsOf, termWeight, type WeightedText } from '../../nlu/retrieval.js';
import type { IntentScore } from '../../nlu/types.js';
import { fold } from '../../text/fold.js';
import { tokenize } from '../../text/tokenize.js';

/**
 * Which knowledge entry (or referral) a message asks for. Retrieval over the entries' questions and paraphrases
 * gives candidates; the topic classifier's probabilities weigh them; the gap between the first two decides between
 * one answer, "Ý bạn là…", and nothing (the topic card or the fallback then answer).
 */

export type Finding =
  /**
   * `coverage`: the matched share of the question (see Hit), of the best entry. `alternatives`: entries of the same
   * topic that fit almost as well, offered as buttons beside the answer.
   */
  | {
      kind: 'entries';
      entries: KnowledgeEntry[];
      coverage: number;
      alternatives: KnowledgeEntry[];
      /** In a follow-up: the matched share of the message's own words (the followed question's aside). */
      ownCoverage?: number;
      /** For a short message: how like the best entry's closest question it is (0–1, see #textSimilarity). */
      similarity: number;
    }
  | { kind: 'choices'; entries: KnowledgeEntry[]; coverage: number }
  /** `coverage`: the matched share of the message (see Hit). */
  | { kind: 'referral'; referral: Referral; coverage: number }
  /** `topic`: for a bare topic, the topic most of the entries that hold it belong to. */
  | { kind: 'none'; topic?: string };

/** What a follow-up follows: the entry answered last, or the question a topic's card answered (no id). */
export type FollowedUp = Pick<KnowledgeEntry, 'id' | 'topic' | 'question'> & {
  /** The message says it asks about another case ("còn hộ cận nghèo thì sao"): the entry followed up is not its answer. */
  anotherCase: boolean;
  /**
   * The message's words only ask on what terms, how much or whether it costs ("điều kiện thế nào"): it asks about the
   * entry followed up, which need not share a word with it.
   */
  aboutIt?: boolean;
};

/** What the message (or the conversation) says the question is for. */
export interface AskedFor {
  category?: HouseholdCategory;
  schoolLevel?: SchoolLevel;
  /** The age of the person asked about ("bé nhà e 2 tuổi"). */
  age?: number;
  /** The category was told earlier in the conversation, not named in this message. */
  categoryTold?: boolean;
}

export interface FinderTuning {
  /** The story around the question counts this much of the question sentence itself. */
  contextWeight: number;
  /** How much the classifier's probability of an entry's topic multiplies its retrieval score (1 + w·p). */
  topicWeight: number;
  /**
   * The classifier's probabilities are raised to 1/this and renormalized before they weigh entries. Its calibration is
   * fitted on the short development sentences, where certainty is earned; on real questions it gives 1.00 to "xklđ" in
   * "vay đi xklđ lãi bao nhiêu" and nothing to the loans' entry whose words fit best. 1.5 turns its temperature of
   * 0.6 into 0.9 for this use (on the real-question sets: +2.3 design and +0.6 held-out questions under the right topic
   * over 10 seeds).
   */
  topicSoftening: number;
  /** Least matched share of the query's weighted IDF mass for an entry to be answered. */
  minCoverage: number;
  /** Least retrieval score for an entry to be answered. */
  minScore: number;
  /**
   * How much the best single question or paraphrase's similarity to the query (0–1) multiplies an entry's score
   * (1 + w·s): the whole entry's wording is one document, so an entry with many paraphrases, or one that repeats a
   * phrase, can outrank the entry one of whose questions is the message itself.
   */
  textWeight: number;
  /** Entries within this factor of the best are close: offered beside its answer. */
  closeMargin: number;
  /** Close entries of another topic, within this factor of the best, make the message ambiguous: "Ý bạn là…". */
  ambiguousMargin: number;
}

export const DEFAULT_TUNING: FinderTuning = {
  contextWeight: 0.35,
  topicWeight: 4,
  topicSoftening: 1.5,
  minCoverage: 0.2,
  minScore: 3,
  textWeight: 0.3,
  closeMargin: 1.15,
  ambiguousMargin: 1.03,
};

const REFERRAL_PREFIX = 'ref:';
/** At most this many distinct questions of one message are answered. */
const MAX_QUESTIONS = 2;
const MAX_QUESTION_SENTENCES = 3;
const MAX_CHOICES = 3;
const SURE_OUTSIDE = 0.8;
const OUTSIDE_COVERAGE = 0.5;
const PLAUSIBLE_TOPIC = 0.1;
/** More content words than this: a story around the question, not a short question. */
const STORY_WORDS = 15;
/** An answer shares at least two words, or a pair of words, with the question. */
const MIN_MATCHED = 2;
/** The probability a follow-up's topic is given: the topic of the conversation, unless the words say otherwise. */
const FOLLOW_UP_TOPIC = 0.8;
/** The followed-up question's words count this much: they carry the subject, the new words the case. */
const FOLLOW_UP_CONTEXT = 0.35;
/** In a follow-up, the entries looked at for sharing words with the message itself. */
const OWN_WORDS_HITS = 64;
/** A referral is answered when the classifier gives "outside the programme" this much, or it matches this well. */
const REFERRAL_FALLBACK = 0.2;
const REFERRAL_COVERAGE = 0.6;
/** A message of this many content syllables or fewer, wholly inside this many entries' questions, names a topic. */
const BARE_TOPIC_WORDS = 5;
const BARE_TOPIC_ENTRIES = 2;
const FULL_MATCH = 0.95;
/** A short message this similar to one of an entry's questions is that question. */
const SAME_QUESTION = 0.95;
/** …and no other entry's question this nearly as like it. */
const SAME_QUESTION_MARGIN = 0.1;
/**
 * How much an entry's answer counts in retrieval beside its questions (see knowledgeDocuments). 0.45 rather than 0.3:
 * over 10 seeds, held-out entry +6.1 and fact +2.4 questions (topic 0), design topic −2.5, entry −1.7, fact +0.6;
 * 0.6 costs design entries 10.
 */
const ANSWER_WEIGHT = 0.45;
/**
 * For a message that names a household category ("hộ cận nghèo vay làm ăn được bao nhiêu"), an entry whose question
 * is about that category weighs this much more, and one about another category (answered for it alone) this much
 * less when an entry about the named one is a candidate too: the words the entries share otherwise outweigh the one
 * that differs, and an entry for the asker's category can rank below generic ones that share more of the wording.
 * No more for "hộ nghèo" in a first question: questions about the programme as a whole say it ("làm thế nào để được
 * công nhận hộ nghèo"); in a follow-up it names the case ("còn hộ nghèo thì sao").
 */
const SAME_CATEGORY = 1.5;
const OTHER_CATEGORY = 0.6;
/**
 * An entry about something else with an answer for the named category ("hộ mới thoát nghèo có được vay sinh viên
 * không": the student loan's entry answers newly escaped households apart) weighs this much more: enough to pass an
 * entry about the category that fits the rest of the message less, not one that fits it as well ("còn hộ nghèo thì
 * sao" after a BHYT answer is the poor households' BHYT, not the students', which has a case for them).
 */
const ANSWERED_CATEGORY = 1.25;
/**
 * An entry whose question is about another school level than the message names ("học xong lớp 9 đi trung cấp" for
 * "con học lớp 3 có được miễn học phí không") weighs this much less, unless it has an answer for the level named.
 */
const OTHER_SCHOOL_LEVEL = 0.6;
/**
 * An entry about young children ("trẻ em dưới 6 tuổi", "em bé mới sinh") weighs this much more when the message gives
 * the age of the child asked about within its group ("bé nhà e 2 tuổi nằm viện bhyt trả bn" is the under-sixes' full
 * cover, not the general rates), and OTHER_AGE when outside it, or when the message names no child at all ("thẻ bhyt
 * hết hạn rồi làm lại ở đâu" is any card's renewal, not the under-sixes' card that "hết hạn" at six). (Not "người cao
 * tuổi": an old person's story is as often about a burial or a pension as about what old people get.)
 */
const SAME_AGE = 1.5;
const OTHER_AGE = 0.6;
/** The children's age groups entries' questions name, with the ages each takes in. */
const AGE_GROUPS: readonly { pattern: RegExp; ages: (match: RegExpExecArray) => AgeRange }[] = [
  { pattern: /\bduoi (\d+) tuoi\b/, ages: (m) => ({ min: 0, max: Number(m[1]) - 1 }) },
  { pattern: /\b(moi sinh|so sinh)\b/, ages: () => ({ min: 0, max: 0 }) },
];
/** Words that may name a child or an age, folded ("con" may be "còn", "em" the asker: with them, no weight is given). */
const CHILD_WORDS = /\b(con|chau|be|tre|em|so sinh|moi sinh|tuoi|thang|hoc sinh|lop|mam non)\b/;
/** Hits weighed in a follow-up before those that share none of the message's own words are left out. */
const FOLLOW_UP_HITS = 32;
/** Retrieval hits weighed; twice as many are looked at when the category or the age may lift one from further down. */
const HITS = 8;

interface AgeRange {
  min: number;
  max: number;
}

/** See KnowledgeFinder's #categories. */
interface EntryCategories {
  about: readonly HouseholdCategory[];
  named: readonly HouseholdCategory[] | 'any';
  /** Weight when the message names one of `about`. */
  lift: number;
}

/** A short message's plain terms, each with its weighted IDF mass, and their sum (see #textSimilarity). */
interface QueryMasses {
  terms: string[];
  masses: number[];
  total: number;
}

interface Scored extends Hit {
  combined: number;
  /** The classifier's probability of the hit's topic. */
  topicProbability: number;
  /** The best similarity of one of the hit's questions to a short message's own words (see #textSimilarity). */
  textSimilarity: number;
}

export class KnowledgeFinder {
  readonly #entries = new Map<string, KnowledgeEntry>();
  readonly #referrals = new Map<string, Referral>();
  /**
   * The household categories an entry is about (`about`), when its question names one, and those it answers for
   * (`named`): the question's and any its answer names too ("Sinh viên thuộc hộ nghèo…" answered for poor and
   * near-poor households). An entry with an answer per category is about each of those categories and answers for
   * any other as well (its general answer).
   */
  readonly #categories = new Map<string, EntryCategories | null>();
  /** The school levels an entry is about: its question's, or those its answers are for (read when first needed). */
  readonly #levels = new Map<string, readonly SchoolLevel[]>();
  /** The age group an entry's question is about, if any (read when first needed). */
  readonly #ages = new Map<string, AgeRange | null>();
  #index: RetrievalIndex | null = null;
  /** Per entry or referral: each of its questions' terms and IDF mass (see #textSimilarity), built by warm(). */
  readonly #texts = new Map<string, { terms: ReadonlySet<string>; mass: number }[]>();
  readonly #findings = new Memo<Finding>(2048);
  readonly #documents: () => RetrievalDocument[];
  readonly #tuning: FinderTuning;
  /** The topic classifier, for a long message's question sentences alone (see #find). */
  readonly #classify: ((text: string) => readonly IntentScore[]) | undefined;

  /**
   * `index`: the index of these entries and referrals built earlier (the build's snapshot), else built on first use.
   * `classify`: the topic classifier's ranking of a text (without it, a story's question is not classified apart).
   */
  constructor(
    entries: readonly KnowledgeEntry[],
    referrals: readonly Referral[],
    { index, classify, ...tuning }: Partial<FinderTuning> & { index?: RetrievalIndex | null; classify?: (text: string) => readonly IntentScore[] } = {},
  ) {
    this.#tuning = { ...DEFAULT_TUNING, ...tuning };
    this.#classify = classify;
    this.#index = index ?? null;
    for (const e of entries) this.#entries.set(e.id, e);
    for (const r of referrals) this.#referrals.set(REFERRAL_PREFIX + r.id, r);
    this.#documents = () => knowledgeDocuments(entries, referrals);
  }

  /**
   * Builds the search index (a quarter of a second for ~350 entries) unless built or given, and each question's terms
   * (see #textSimilarity): the service calls it right after it is ready, so start-up does not wait for it; a question
   * that comes first builds them.
   */
  warm(): void {
    if (this.#index && this.#texts.size > 0) return;
    this.#index ??= new RetrievalIndex(this.#documents());
    const index = this.#index;
    const termsAndMass = (text: string) => {
      const terms = new Set(termsOf(text).filter(plainTerm));
      let mass = 0;
      for (const term of terms) mass += termWeight(term) * index.idf(term);
      return { terms, mass };
    };
    for (const [id, e] of this.#entries) this.#texts.set(id, [e.question, ...e.paraphrases].map(termsAndMass));
    for (const [id, r] of this.#referrals) this.#texts.set(id, [r.request, ...r.paraphrases].map(termsAndMass));
  }

  entry(id: string): KnowledgeEntry | undefined {
    return this.#entries.get(id);
  }

  get entries(): IterableIterator<KnowledgeEntry> {
    return this.#entries.values();
  }

  /**
   * The finding for a message. `ranking`: the topic classifier's top intents with probabilities. `followUp`: the
   * entry (or the question a topic's card answered) the message follows up ("còn hộ cận nghèo thì sao", "học đại học
   * thì sao"): its question is searched alongside, its topic counts as likely, and it is not the answer again (the
   * citizen asks about another case). `asked.category`: the household category asked for: the one the message names
   * (`readFacts`), or the asker's own told earlier; `asked.schoolLevel`: the school level the message names.
   */
  find(text: string, ranking: readonly IntentScore[], followUp?: FollowedUp, asked: AskedFor = {}): Finding {
    // A pure function of the text (the ranking is the matcher's reading of that same text), of what is asked for and
    // of the entry followed up: citizens ask the same short questions again and again.
    const followed = followUp ? `${followUp.id}\u0001${followUp.topic}\u0001${followUp.question}\u0001${followUp.anotherCase}\u0001${followUp.aboutIt ?? false}` : '';
    const key = `${followed}\u0000${asked.category ?? ''}\u0000${asked.categoryTold ?? false}\u0000${asked.schoolLevel ?? ''}\u0000${asked.age ?? ''}\u0000${text}`;
    return this.#findings.get(key, () => this.#find(text, ranking, followUp, asked));
  }

  #find(text: string, ranking: readonly IntentScore[], followUp: FollowedUp | undefined, { category, schoolLevel, age, categoryTold }: AskedFor): Finding {
    if (followUp) {
      // The conversation's topic, unless the words say otherwise: the classifier's reading of the message alone counts
      // for the rest. A short message with no topic of its own reads as outside the programme to the classifier
      // ("chi phí hết bao nhiêu" after the labour-export card got the drug rehabilitation referral).
      const classified = ranking.find((r) => r.name === followUp.topic)?.confidence ?? 0;
      const rest = 1 - FOLLOW_UP_TOPIC;
      ranking = [
        { name: followUp.topic, confidence: FOLLOW_UP_TOPIC + rest * classified },
        ...ranking.filter((r) => r.name !== followUp.topic).map((r) => ({ ...r, confidence: rest * r.confidence })),
      ];
    }
    // The topics of the questions the last answer offered next are the conversation's as much as its own ("lãi suất
    // bn" after what loans poor households get, an overview whose next question is the loans' interest rate).
    const offeredTopics = followUp ? this.#offeredTopics(followUp.id, ranking[0]!.confidence) : undefined;
    const context = followUp?.question;
    const fallbackProbability = ranking.find((r) => r.name === 'fallback')?.confidence ?? 0;
    const sentences = sentencesOf(followUp ? withoutFollowUpMarkers(text) : text);
    if (sentences.length === 0) return { kind: 'none' };
    const questions = questionsOf(sentences);
    const extra: WeightedText[] = context ? [{ text: context, weight: FOLLOW_UP_CONTEXT }] : [];
    // After an answer, the category named is the case asked about ("còn hộ nghèo thì sao"), "hộ nghèo" included.
    const long = storyTerms(text) > STORY_WORDS;
    // A first message with no age and no child in it asks about no young child (see SAME_AGE); a follow-up may.
    const noChild = !followUp && age === undefined && !CHILD_WORDS.test(fold(text));
    // A short message's own words (not the followed question's) are compared with each question of an entry.
    const rank = (query: readonly WeightedText[], own: readonly WeightedText[], window = HITS) =>
      this.#rank(query, ranking, category, followUp !== undefined, long ? [] : own, { schoolLevel, age, noChild }, offeredTopics, window);
    // A story whose question names nothing of its own ("trường hợp của tôi có được hỗ trợ gì không?", "tôi được
    // hưởng chế độ gì?"): the story says what it asks about, and counts as much as the question.
    const askNothingOwn = long && questions.length > 0 && questions.every((q) => namesNothing(q.text));
    const own = weighted(sentences, askNothingOwn ? 1 : this.#tuning.contextWeight);
    // In a follow-up, the followed question's words lift its neighbours: a wider window keeps the entries that share
    // the message's own words (filtered below) from being crowded out.
    let whole = rank([...own, ...extra], own, context ? FOLLOW_UP_HITS : HITS).filter((h) => !followUp?.anotherCase || h.id !== followUp.id);
    let ownCoverage: Map<string, number> | undefined;
    if (context) {
      // The followed-up question's words lift every entry of its topic: one must share words with the message itself
      // too ("tách hộ ở đâu" after the costs of working abroad is no question about working abroad).
      const sharing = new Map(this.#index!.search(own, OWN_WORDS_HITS).map((h) => [h.id, h.coverage]));
      whole = whole.filter((h) => sharing.has(h.id) || (followUp!.aboutIt && h.id === followUp!.id)).slice(0, HITS);
      ownCoverage = sharing;
    }
    // "vay vốn", "bảo hiểm y tế": a bare topic is in many entries' questions alike; its card is the answer, not one of
    // them. A short question one entry fits clearly better ("khuyết tật nhẹ có được trợ cấp không") gets that entry.
    const full = whole.filter((h) => h.coverage >= FULL_MATCH);
    const clearWinner = full.length >= 2 && full[0]!.combined > full[1]!.combined * this.#tuning.closeMargin;
    // The message is one entry's own question ("vay vốn sinh viên", "trợ cấp người già"): that entry — not when another
    // entry's question is nearly as like it ("bhyt" is as near "bhyt hộ nghèo" as "bhyt cho trẻ em": the words beside it
    // are so common that it is no one entry's question).
    const sims = full.map((h) => h.textSimilarity).sort((a, b) => b - a);
    const asked = sims[0]! >= SAME_QUESTION && (sims[1] ?? 0) <= sims[0]! - SAME_QUESTION_MARGIN;
    // …nor when one of those entries alone asks about the household's category ("nhà e hộ cận nghèo", then "vay dc bn":
    // the near-poor households' loan, not the loans' card; "hộ nghèo" only when told before, see SAME_CATEGORY).
    const ofCategory = category && (category !== 'poor' || categoryTold) ? full.filter((h) => this.#asksAbout(h.id, category)) : [];
    const forCategory = ofCategory.length === 1 ? ofCategory[0] : undefined;
    if (!followUp && contentWords(text) <= BARE_TOPIC_WORDS && full.length >= BARE_TOPIC_ENTRIES && !clearWinner && !asked && !forCategory) {
      return { kind: 'none', topic: this.#topicOf(full) };
    }
    // A story of deaths, names and places reads as "outside the programme" to the classifier, which sees it whole; its
    // question sentences alone may still give an entry's topic a fair chance ("… cháu có được hưởng chế độ không?").
    // (Only read where it counts: when the whole reads as surely outside.)
    const askedTopics =
      long && fallbackProbability >= SURE_OUTSIDE && this.#classify ? this.#classify(questions.map((q) => q.text).join('. ')) : undefined;
    const plausible = askedTopics ? new Map(askedTopics.map((r) => [r.name, r.confidence])) : undefined;
    // One entry's own question leads, ahead of entries whose other questions repeat its words more often ("vay sv dc
    // ko" is the student loan's question, not the repayment's, whose paraphrases say "vay sinh viên" again and again).
    const itsQuestion = asked ? full.find((h) => h.textSimilarity === sims[0]) : forCategory;
    const first = this.#decide(itsQuestion ? [itsQuestion, ...whole.filter((h) => h !== itsQuestion)] : whole, fallbackProbability, long, plausible);

    // Two questions in one message ("vay được bao nhiêu, lãi bao nhiêu?" aside, which one entry answers): each
    // question sentence on its own, with the story as context.
    if (questions.length >= 2 && first.kind !== 'referral') {
      const answered: KnowledgeEntry[] = [];
      // The first few question sentences: a long letter's later ones mostly restate the first.
      for (const q of questions.slice(0, MAX_QUESTION_SENTENCES)) {
        const story = sentences.filter((s) => s.role === 'context');
        const question = [{ text: q.text, weight: 1 }, ...weighted(story, this.#tuning.contextWeight)];
        const own = this.#decide(rank([...question, ...extra], question), fallbackProbability, long, plausible);
        if (own.kind === 'entries' && !answered.some((e) => e.id === own.entries[0]!.id)) answered.push(own.entries[0]!);
        if (answered.length === MAX_QUESTIONS) break;
      }
      if (answered.length >= 2) {
        // The entry that fits the whole message leads: it names what the message is mostly about.
        const lead = first.kind === 'entries' ? first.entries[0]!.id : undefined;
        answered.sort((a, b) => Number(b.id === lead) - Number(a.id === lead));
        return { kind: 'entries', entries: answered, coverage: first.kind === 'none' ? 0 : first.coverage, alternatives: [], similarity: 0 };
      }
    }
    if (first.kind === 'entries' && ownCoverage) return { ...first, ownCoverage: ownCoverage.get(first.entries[0]!.id) ?? 0 };
    return first;
  }

  /** The topic whose entries among `hits` weigh most. */
  #topicOf(hits: readonly Scored[]): string | undefined {
    const weight = new Map<string, number>();
    for (const h of hits) {
      const topic = this.#entries.get(h.id)?.topic;
      if (topic) weight.set(topic, (weight.get(topic) ?? 0) + h.combined);
    }
    return [...weight].sort((a, b) => b[1] - a[1])[0]?.[0];
  }

  /**
   * The retrieval hits with the classifier's view of each hit's topic folded in, best first. `category`: the household
   * category the message names: where a hit is about that category, it weighs more and hits about another less.
   * `anyCategory`: "hộ nghèo" lifts its entries too (see SAME_CATEGORY).
   */
  #rank(
    query: readonly WeightedText[],
    ranking: readonly IntentScore[],
    category: HouseholdCategory | undefined,
    anyCategory: boolean,
    textQuery: readonly WeightedText[],
    { schoolLevel: level, age, noChild }: Omit<AskedFor, 'category'> & { noChild?: boolean },
    offeredTopics?: ReadonlyMap<string, number>,
    window = HITS,
  ): Scored[] {
    const topicProbability = softened(ranking, this.#tuning.topicSoftening);
    this.warm();
    const hits = this.#index!.search(query, category || age !== undefined ? Math.max(2 * HITS, window) : window);
    // Each plain term of a short message's own words with its weighted IDF mass (see #textSimilarity).
    const masses: QueryMasses = { terms: [], masses: [], total: 0 };
    if (textQuery.length > 0 && this.#tuning.textWeight > 0) {
      for (const [term, weight] of queryWeights(textQuery, plainTerm)) {
        const mass = weight * this.#index!.idf(term);
        masses.terms.push(term);
        masses.masses.push(mass);
        masses.total += mass;
      }
    }
    const similarity = (id: string) => (masses.total > 0 ? this.#textSimilarity(id, masses) : 0);
    const contrast = category !== undefined && hits.some((h) => this.#categoriesOf(h.id)?.about.includes(category));
    const agreement = (id: string) => {
      const categories = contrast ? this.#categoriesOf(id) : undefined;
      if (!categories || !category) return 1;
      if (categories.about.includes(category)) return category === 'poor' && !anyCategory ? 1 : categories.lift;
      // Answers name "hộ nghèo" as the reference ("chỉ dành cho con em hộ nghèo" in the newly escaped's entry): for it,
      // only the question's category counts.
      return categories.named === 'any' || (category !== 'poor' && categories.named.includes(category)) ? 1 : OTHER_CATEGORY;
    };
    return hits
      .map((hit) => {
        const topic = this.#entries.get(hit.id)?.topic ?? 'fallback';
        const probability = Math.max(topicProbability.get(topic) ?? 0, offeredTopics?.get(topic) ?? 0);
        const textSimilarity = similarity(hit.id);
        const levels = level ? this.#levelsOf(hit.id) : [];
        const levelAgreement = levels.length > 0 && !levels.includes(level!) ? OTHER_SCHOOL_LEVEL : 1;
        const ages = age === undefined && !noChild ? null : this.#agesOf(hit.id);
        const ageAgreement = !ages ? 1 : age === undefined || age < ages.min || age > ages.max ? OTHER_AGE : SAME_AGE;
        const combined =
          hit.score *
          (1 + this.#tuning.topicWeight * probability) *
          agreement(hit.id) *
          levelAgreement *
          ageAgreement *
          (1 + this.#tuning.textWeight * textSimilarity);
        return { ...hit, topicProbability: probability, textSimilarity, combined };
      })
      .sort((a, b) => b.combined - a.combined)
      .slice(0, window);
  }

  /**
   * The best cosine-like similarity of one of the entry's (or referral's) questions to the query: the IDF mass they
   * share over the geometric mean of their own masses.
   */
  #textSimilarity(id: string, query: QueryMasses): number {
    let best = 0;
    for (const { terms, mass } of this.#texts.get(id) ?? []) {
      let shared = 0;
      for (let i = 0; i < query.terms.length; i++) if (terms.has(query.terms[i]!)) shared += query.masses[i]!;
      if (mass > 0) best = Math.max(best, shared / Math.sqrt(query.total * mass));
    }
    return best;
  }

  #levelsOf(id: string): readonly SchoolLevel[] {
    let levels = this.#levels.get(id);
    if (!levels) {
      const entry = this.#entries.get(id);
      const answered = entry?.variants.flatMap((v) => v.when.schoolLevel ?? []) ?? [];
      const asked = entry ? readFacts(entry.question).facts.schoolLevel : undefined;
      levels = asked ? [asked, ...answered] : [];
      this.#levels.set(id, levels);
    }
    return levels;
  }

  /** The topics of the entries the entry `id` offers next, each given `probability`. */
  #offeredTopics(id: string, probability: number): Map<string, number> {
    const topics = new Map<string, number>();
    for (const related of this.#entries.get(id)?.related ?? []) {
      const topic = this.#entries.get(related)?.topic;
      if (topic) topics.set(topic, probability);
    }
    return topics;
  }

  #agesOf(id: string): AgeRange | null {
    let ages = this.#ages.get(id);
    if (ages === undefined) {
      const question = fold(this.#entries.get(id)?.question ?? '');
      ages = null;
      for (const group of AGE_GROUPS) {
        const match = group.pattern.exec(question);
        if (match) {
          ages = group.ages(match);
          break;
        }
      }
      this.#ages.set(id, ages);
    }
    return ages;
  }

  /** Whether the entry's own question is about the household category (not only one of its answers). */
  #asksAbout(id: string, category: HouseholdCategory): boolean {
    const categories = this.#categoriesOf(id);
    return categories?.lift === SAME_CATEGORY && categories.about.includes(category);
  }

  /** See #categories; read when first needed (few messages name a category, and only their hits are read). */
  #categoriesOf(id: string): EntryCategories | undefined {
    let categories = this.#categories.get(id);
    if (categories === undefined) {
      categories = null;
      const entry = this.#entries.get(id);
      const answered = entry?.variants.flatMap((v) => v.when.category ?? []) ?? [];
      if (answered.length > 0) categories = { about: answered, named: 'any', lift: ANSWERED_CATEGORY };
      else if (entry) {
        const named = categoriesNamed(entry.question);
        if (named.length === 1) categories = { about: named, named: [named[0]!, ...categoriesNamed(entry.answer)], lift: SAME_CATEGORY };
      }
      this.#categories.set(id, categories);
    }
    return categories ?? undefined;
  }

  /**
   * `long`: the message is long enough to tell a story around its question. `asked`: for a story, the topics'
   * probabilities for its question sentences alone.
   */
  #decide(hits: readonly Scored[], fallbackProbability: number, long: boolean, asked?: ReadonlyMap<string, number>): Finding {
    const { minCoverage, minScore, closeMargin, ambiguousMargin } = this.#tuning;
    // When the classifier is sure the question is outside the programme, an entry must fit all of it, words the
    // knowledge base never uses included ("thời tiết hôm nay thế nào" shares "thời" and "thẻ" with a BHYT entry) —
    // unless the classifier still gives the entry's topic a fair chance: a long story full of names and places
    // reads as "outside" while its question is one of ours.
    // A referral is another office's business, "outside" by nature: in a story, the classifier's "outside" says
    // nothing against it; in a short message, it must fit all of it like an entry ("where do I get my washing machine
    // repaired" shares two words with the tax office's referral and is no question for it).
    const outside = (h: Scored) =>
      fallbackProbability >= SURE_OUTSIDE &&
      (this.#referrals.has(h.id) ? !long : Math.max(h.topicProbability, asked?.get(this.#entries.get(h.id)?.topic ?? '') ?? 0) < PLAUSIBLE_TOPIC);
    const fits = (h: Scored) => (outside(h) ? h.strictCoverage >= OUTSIDE_COVERAGE : h.coverage >= minCoverage);
    const good = hits.filter((h) => fits(h) && h.score >= minScore && h.matched >= MIN_MATCHED);
    const best = good[0];
    if (!best) return { kind: 'none' };
    const referral = this.#referrals.get(best.id);
    if (referral) {
      // Another office's business only when the classifier sees it outside the programme too, or it is plain; and
      // not when an entry fits the words better and the referral is ahead only for the classifier's "outside"
      // (a story it cannot place).
      const outfitted = good.some((h) => !this.#referrals.has(h.id) && h.score > best.score && h.coverage > best.coverage);
      if (!outfitted && (fallbackProbability >= REFERRAL_FALLBACK || best.coverage >= REFERRAL_COVERAGE)) return { kind: 'referral', referral, coverage: best.coverage };
      return this.#decide(hits.filter((h) => !this.#referrals.has(h.id)), fallbackProbability, long, asked);
    }
    const entry = this.#entries.get(best.id)!;
    const close = good
      .slice(1)
      .filter((h) => h.combined * closeMargin >= best.combined)
      .map((h) => ({ hit: h, entry: this.#entries.get(h.id) }))
      .filter((c): c is { hit: Scored; entry: KnowledgeEntry } => c.entry !== undefined);
    const { coverage } = best;
    if (close.some((c) => c.entry.topic !== entry.topic && c.hit.combined * ambiguousMargin >= best.combined)) {
      return { kind: 'choices', entries: [entry, ...close.map((c) => c.entry)].slice(0, MAX_CHOICES), coverage };
    }
    const alternatives = close.filter((c) => c.entry.topic === entry.topic).map((c) => c.entry);
    return { kind: 'entries', entries: [entry], coverage, alternatives: alternatives.slice(0, MAX_CHOICES - 1), similarity: best.textSimilarity };
  }
}

/**
 * Each intent's probability raised to 1/softening and renormalized (see FinderTuning.topicSoftening). The ranking is the
 * top of the distribution: what it leaves out counts as one more intent.
 */
function softened(ranking: readonly IntentScore[], softening: number): Map<string, number> {
  const raise = (p: number) => Math.max(0, p) ** (1 / softening);
  const raised = ranking.map((r) => raise(r.confidence));
  const rest = raise(1 - ranking.reduce((sum, r) => sum + r.confidence, 0));
  const sum = raised.reduce((a, b) => a + b, rest);
  return new Map(ranking.map((r, i) => [r.name, sum > 0 ? raised[i]! / sum : 0]));
}

/**
 * "còn hộ nghèo thì sao" → "hộ nghèo": the words that say it is a follow-up. Typed without accents a marker may be a
 * word of the question ("con" child, "vay" borrow, "the" card): one is kept when the rest would name nothing ("vay dc
 * ko" after the costs of working abroad asks for the loan, not "dc ko").
 */
function withoutFollowUpMarkers(text: string): string {
  const nfc = text.normalize('NFC');
  const tokens = tokenize(nfc);
  const folded = tokens.map((t) => t.folded);
  let start = 0;
  while (start < folded.length && LEADING_MARKERS.has(folded[start]!)) start++;
  let end = folded.length;
  while (end > start && TRAILING_MARKERS.has(folded[end - 1]!)) end--;
  const words = (from: number) => nfc.slice(tokens[from]!.start, tokens[end - 1]!.end);
  while (start > 0 && start < end && namesNothing(words(start))) start--;
  if (start >= end) return text;
  return words(start);
}
const LEADING_MARKERS = new Set(['con', 'the', 'vay', 'neu', 'truong', 'hop', 'voi', 'a', 'oi']);
const TRAILING_MARKERS = new Set(['thi', 'sao', 'the', 'nao', 'a', 'vay', 'nhi', 'ha']);

/**
 * Not the accented form of a syllable that the index keeps beside its folded one ("vốn" gives 'vốn and "von"): a
 * message typed without diacritics is as like a question, and as long, as the same typed with them.
 */
const plainTerm = (term: string) => !term.startsWith("'");

/** Words a question asks with whatever it is about: support, benefits, the asker and their family. */
const ASKING_WORDS = new Set(
  'truong hop ho tro che do huong chinh sach gi nao duoc dc co khong ko the nhung gia dinh nha nuoc toi minh em e me bo con chau ong ba vo chong xin hoi cho biet quy dinh nhu vay sao a nhe u cua nay cac ai phai lam muon can'.split(' '),
);

/** A question that names nothing of its own ("trường hợp của tôi có được hỗ trợ gì không?"). */
function namesNothing(text: string): boolean {
  return termsOf(text).every((t) => t.includes(' ') || !plainTerm(t) || ASKING_WORDS.has(t));
}

function contentWords(text: string): number {
  return termsOf(text).filter((t) => !t.includes(' ') && plainTerm(t)).length;
}

/**
 * How long a message is, to tell a story from a question: its syllables, a syllable typed with its accent counting
 * with that form too (the measure STORY_WORDS was set with on the real questions, most of them typed with diacritics).
 */
function storyTerms(text: string): number {
  return termsOf(text).filter((t) => !t.includes(' ')).length;
}

/**
 * What is searched: an entry's question and paraphrases (what people ask) at full weight and its answer's wording at
 * ANSWER_WEIGHT (it names the specifics, "mai táng", "ký quỹ", that tell an entry from its generic neighbour); a referral's
 * request and paraphrases, under an id that cannot be an entry's.
 */
export function knowledgeDocuments(entries: readonly KnowledgeEntry[], referrals: readonly Referral[]): RetrievalDocument[] {
  return [
    ...entries.map((e) => ({
      id: e.id,
      fields: [
        { texts: [e.question, ...e.paraphrases], weight: 1 },
        { texts: [e.answer], weight: ANSWER_WEIGHT },
      ],
    })),
    ...referrals.map((r) => ({ id: REFERRAL_PREFIX + r.id, fields: [{ texts: [r.request, ...r.paraphrases], weight: 1 }] })),
  ];
}

/** Question sentences at full weight, the story around them at `contextWeight`. */
function weighted(sentences: readonly Sentence[], contextWeight: number): WeightedText[] {
  const anyQuestion = sentences.some((s) => s.role === 'question');
  return sentences.map((s) => ({ text: s.text, weight: !anyQuestion || s.role === 'question' ? 1 : contextWeight }));
}
