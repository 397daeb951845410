import type { Answer, AnswerBook } from '../../content/answers.js';
import type { LoanRates } from '../../domain/knowledge/interest.js';
import type { CitizenFacts, KnowledgeEntry } from '../../domain/knowledge/types.js';
import { variantFor } from '../../domain/knowledge/variants.js';
import type { Claim, ConversationContext, Reply, Skill, SkillResult, TurnContext } from '../../engine/types.js';
import { readFacts } from '../../nlu/facts.js';
import { isQuestion } from '../../nlu/question-focus.js';
import { ANSWER_PAYLOAD_PREFIX } from '../../payloads.js';
import { fold } from '../../text/fold.js';
import type { Finding, KnowledgeFinder } from '../knowledge/knowledge-finder.js';
import { FAQ_SKILL_NAME, renderAnswer } from './render-answer.js';
import { interestLine, renderChoices, renderEntry, renderReferral, renderWhere } from './render-entry.js';

export interface FaqSkillOptions {
  answers: AnswerBook;
  knowledge: KnowledgeFinder;
  loanRates: readonly LoanRates[];
  /** The intents this skill answers: every intent whose answer is plain content (not a flow another skill runs). */
  intents: readonly string[];
}

/**
 * A skill that runs a flow of its own is trusted over the knowledge base when the classifier is this sure of it and
 * gives the entry's topic less than `UNLIKELY_TOPIC`, unless the entry is a complaint matched this well.
 */
const OWNED_ELSEWHERE_CONFIDENCE = 0.7;
const SCREENING_INTENT = 'screening_start';
const UNLIKELY_TOPIC = 0.1;
const COMPLAINT_COVERAGE = 0.5;
/** The self-assessment does not take a message at least this like one of the entry's own questions. */
const ENTRY_QUESTION_SIMILARITY = 0.5;
/** A message this long tells a story around its question (a letter to a newspaper's reader column). */
const LETTER_WORDS = 25;
/** Topics whose entries answer "is my household poor?" themselves; a letter asking it answered by another's is not. */
const CATEGORY_TOPICS = new Set([SCREENING_INTENT, 'review_process', 'poverty_standard']);
/** The classifier's first two intents this close are a split decision. */
const SPLIT_MARGIN = 0.2;
/** Shorter messages ("hủy đăng ký") are commands, not complaints. */
const COMPLAINT_WORDS = 6;
/** Conversation that asks nothing: thanks, a greeting, asking what the assistant does. */
const SMALL_TALK = new Set(['greeting', 'thanks_goodbye', 'help']);
const SMALL_TALK_CONFIDENCE = 0.9;
/** A follow-up is short: "còn hộ cận nghèo thì sao", "học đại học thì sao". */
const FOLLOW_UP_WORDS = 12;
/** A message this short that the classifier cannot place is read in the context of the last answer. */
const VAGUE_WORDS = 6;
/** A short message is kept in the last answer's topic when its own words fit an entry there at least this well. */
const CONTEXT_OWN_COVERAGE = 0.8;
const VAGUE_CONFIDENCE = 0.6;
/**
 * A message of this many words that the classifier places outside the programme at least this surely, with nothing
 * in the knowledge base for it, is a real question for another office: said so, with where to ask.
 */
const OUTSIDE_QUESTION_WORDS = 10;
const OUTSIDE_CONFIDENCE = 0.6;
const OUTSIDE_CARD = 'fallback.outside';
/** `entitlements_overview.<category>`: what households of a category get. */
const OVERVIEW_PREFIX = 'entitlements_overview.';
const FOLLOW_UP = /^(con|the con|vay con|con neu|neu|con voi|con ho|con truong hop)\b|\b(thi sao|thi the nao|thi sao a|thi duoc khong|thi co duoc khong|thi bao nhieu)$/;

/**
 * Answers questions from the knowledge base (question-level entries with answers per case) and the topic cards: a
 * typed question gets the entry it asks for (claimed before the classifier's intent is answered), a bare topic or a
 * menu button (`intent:<name>`) the topic's card, and an `answer:<id>` button exactly that card or entry.
 * Facts the citizen gives ("nhà tôi là hộ cận nghèo", "con học đại học") stay in the conversation's soft state and
 * pick the answer for their case; a short "còn … thì sao" re-answers the last question for another case.
 */
export function createFaqSkill({ answers, knowledge, loanRates, intents }: FaqSkillOptions): Skill {
  // Fail at start-up, not on the first citizen who asks.
  for (const intent of intents) answers.main(intent);
  const outsideCard = answers.get(OUTSIDE_CARD);
  const ownIntents = new Set(intents);

  /** Per topic, the entries its card offers as buttons (`answer:<id>`). */
  const cardOffers = new Map(
    intents.map((intent) => [
      intent,
      new Set(
        answers
          .main(intent)
          .quickReplies.filter((q) => q.target.startsWith(ANSWER_PAYLOAD_PREFIX))
          .map((q) => q.target.slice(ANSWER_PAYLOAD_PREFIX.length)),
      ),
    ]),
  );
  const relatedOf = (entry: KnowledgeEntry) =>
    entry.related.map((id) => knowledge.entry(id)).filter((e): e is KnowledgeEntry => e !== undefined);

  const answerEntries = (
    ctx: TurnContext,
    entries: readonly KnowledgeEntry[],
    facts: CitizenFacts,
    options: { loan?: number; alternatives?: readonly KnowledgeEntry[] } = {},
  ): SkillResult => {
    const replies: Reply[] = entries.map((entry) => {
      const { loan } = options;
      const line = loan !== undefined && entry.topic === 'credit' ? interestLine(loan, facts, loanRates, ctx.today) : null;
      // Close questions first ("is this what you meant?"), then the entry's own related ones.
      const offered = [...new Set([...(options.alternatives ?? []), ...relatedOf(entry)])].filter((e) => e.id !== entry.id);
      return renderEntry(entry, facts, offered, line ?? undefined);
    });
    const context = contextOf(ctx);
    context.lastEntryId = entries.at(-1)!.id;
    delete context.lastCardTopic;
    return { replies };
  };
  /** Where to go for the entry just answered, with the questions it offers next. */
  const answerWhere = (ctx: TurnContext, entry: KnowledgeEntry, where: string): SkillResult => {
    contextOf(ctx).lastEntryId = entry.id;
    return { replies: [renderWhere(entry, where, relatedOf(entry))] };
  };
  const answerCard = (ctx: TurnContext, card: Answer): SkillResult => {
    const context = contextOf(ctx);
    delete context.lastEntryId;
    // A greeting or the help text answers no question a next message could follow up ("xin chào", then "nhà e hộ
    // nghèo" is the household's case told first, not a case of the greeting).
    if (card.kind === 'policy') context.lastCardTopic = card.intent;
    else delete context.lastCardTopic;
    return { replies: [renderAnswer(card)] };
  };

  return {
    name: FAQ_SKILL_NAME,
    intents,

    claim(ctx): Claim | null {
      const read = readFacts(ctx.text);
      const context = contextOf(ctx);
      // Kept for the next questions only when said of the asker's own household; used for this answer either way.
      const { category, ...others } = read.facts;
      context.facts = { ...context.facts, ...others, ...(category && read.ownCategory ? { category } : {}) };
      const facts: CitizenFacts = { ...context.facts, ...read.facts };

      const parse = ctx.nlu();
      // "nhà e 4 người thu nhập 5tr có phải hộ nghèo ko": the self-assessment, started with what was said.
      if (read.asksCategory && (facts.householdSize || facts.monthlyIncome !== undefined || facts.incomePerPerson !== undefined)) {
        return { intent: SCREENING_INTENT };
      }
      const { schoolLevel, age } = read.facts;
      const last = context.lastEntryId ? knowledge.entry(context.lastEntryId) : undefined;
      // A short message right after an answer, with no topic of its own ("lãi suất bao nhiêu" after the student loan),
      // or one that says it follows up ("còn hộ cận nghèo thì sao"), continues that answer's topic; after a topic's
      // card ("hộ nghèo vay được bao nhiêu" → the loans card), the question the card answered is what is followed up.
      const short = wordCount(ctx.text) <= VAGUE_WORDS;
      const questionWordsOnly = asksNothingOwn(ctx.text);
      const vague = short && (parse.intent.name === 'fallback' || parse.intent.confidence < VAGUE_CONFIDENCE || questionWordsOnly);
      // After an answer or a topic's card, a short question in that topic asks about it ("lãi suất bn" after the loans
      // card, "bn tiền 1 tháng" after the disability allowance), unless it is the same question again.
      const lastTopic = last?.topic ?? context.lastCardTopic;
      // The last question typed again is not read in the context of its own answer: it gets the answer it got the
      // first time. (A message delivered again after a crash is the engine's: it replays the turn kept under its id.)
      const repeated = fold(ctx.text) === fold(context.lastQuestion ?? '');
      const inLastTopic = short && parse.intent.name === lastTopic && !repeated;
      const saysFollowUp = isFollowUp(ctx.text);
      // "nhà e hộ cận nghèo" right after an answer: the asker's case, for that answer.
      const tellsCase = short && read.ownCategory;
      const followsUp = saysFollowUp || vague || inLastTopic || tellsCase;
      // "còn … thì sao", or a household category said after the answer ("nhà e hộ cận nghèo"): another case.
      const anotherCase = saysFollowUp || read.namedCategory !== undefined;
      const followed = last
        ? { id: last.id, topic: last.topic, question: last.question }
        : context.lastCardTopic
          ? { id: '', topic: context.lastCardTopic, question: context.lastQuestion ?? '' }
          : undefined;
      // "nhà e là hộ nghèo" as a first message, asking nothing: what households of that category get.
      const overview = !followed && tellsCase && facts.category && !isQuestion(ctx.text) ? knowledge.entry(`${OVERVIEW_PREFIX}${facts.category}`) : undefined;
      if (overview) return { intent: overview.topic, result: answerEntries(ctx, [overview], facts) };
      // A vague question may be answered by the entry just given again ("bn tiền 1 tháng" after the allowance's amount).
      // "điều kiện thế nào" asks about the answer just given; "thủ tục thế nào" may have an entry of its own in the topic.
      const aboutIt = questionWordsOnly && !PROCEDURE.test(fold(ctx.text));
      const followUp = followsUp && followed ? { ...followed, anotherCase, aboutIt } : undefined;
      // "còn hộ cận nghèo thì sao" right after the loan rates: the same question, for that case.
      if (last && followsUp && variantFor(last, read.facts)) return { intent: last.topic, result: answerEntries(ctx, [last], facts) };
      // Any other short message right after an answer is read in its context first, and kept there when its own words
      // fit an entry of that topic well ("có mất tiền không" after a legal-aid answer is about legal aid, whatever the
      // classifier makes of it alone); otherwise it is a new question ("bhyt" after a loan answer). Not that answer again:
      // the classifier places the message elsewhere, so it asks something else ("vay sv dc ko" after the university's
      // tuition, whose answer mentions the student loan, is no question about tuition).
      const inContext = !followUp && short && !repeated && followed ? knowledge.find(ctx.text, parse.ranking, { ...followed, anotherCase: true }, { category: read.namedCategory, schoolLevel, age }) : undefined;
      // An entry of another topic that the last answer offered next ("dc vay ko" after the labour-export card, whose
      // button is the loan for working abroad) is in its context too.
      const offeredNext = (id: string) => (last ? last.related.includes(id) : (cardOffers.get(context.lastCardTopic ?? '')?.has(id) ?? false));
      const staysInContext =
        inContext?.kind === 'entries' &&
        (inContext.entries[0]!.topic === followed?.topic || offeredNext(inContext.entries[0]!.id)) &&
        (inContext.ownCoverage ?? 0) >= CONTEXT_OWN_COVERAGE;
      // The household's category told earlier ("e la ho can ngheo", then "dc vay bn") picks among entries as if said now.
      const askedFor = read.namedCategory ?? context.facts.category;
      const read1 = staysInContext
        ? inContext
        : knowledge.find(ctx.text, parse.ranking, followUp, { category: askedFor, schoolLevel, age, categoryTold: read.namedCategory === undefined && askedFor !== undefined });
      // A short message after an answer read both ways when one reading is another office's business: in the answer's
      // context ("thẻ hết hạn làm lại ở đâu" after a BHYT answer is about the BHYT card, not a driving licence) and
      // alone ("làm bằng lái xe ở đâu" after a BHYT answer is about a driving licence); the one its words fit better wins.
      const other =
        followed && !repeated && wordCount(ctx.text) <= FOLLOW_UP_WORDS
          ? read1.kind === 'referral' && !followUp
            ? (inContext ?? knowledge.find(ctx.text, parse.ranking, { ...followed, anotherCase: false }, { category: read.namedCategory, schoolLevel, age }))
            : read1.kind === 'entries' && followUp
              ? knowledge.find(ctx.text, parse.ranking, undefined, { category: read.namedCategory, schoolLevel, age })
              : undefined
          : undefined;
      const finding = other ? (!vague && namesOtherSubject(read1, other, last, ctx.text) ? other : betterFit(read1, other, followed!.topic, followUp !== undefined)) : read1;
      // "ok e hiểu rồi", "e cảm ơn": thanks or a greeting the classifier is sure of is answered as such, whatever
      // entry or referral shares its words, unless the message is much like an entry's own question.
      const small = SMALL_TALK.has(parse.intent.name) && parse.intent.confidence >= SMALL_TALK_CONFIDENCE && wordCount(ctx.text) <= FOLLOW_UP_WORDS;
      if (small && !(finding.kind === 'entries' && finding.similarity >= ENTRY_QUESTION_SIMILARITY)) return null;

      // "làm ở đâu" right after an answer asks where to go for that answer, unless what was found is one it offers next
      // or how to apply for something of its topic: its own words are too common to find the right entry by ("làm ở
      // đâu" after the social pension found the disability allowance). Found again, that answer is not repeated whole
      // ("nộp ở đâu" after how to apply for an allowance): where to go is the answer.
      const where = last && (variantFor(last, facts)?.where ?? last.where);
      const found = finding.kind === 'entries' ? finding.entries[0]! : undefined;
      const foundNext = found && found.id !== last?.id && (last?.related.includes(found.id) || (found.topic === last?.topic && isProcedure(found)));
      if (last && where && !repeated && !foundNext && asksWhereOnly(ctx.text)) return { intent: last.topic, result: answerWhere(ctx, last, where) };
      if (finding.kind === 'referral') return { intent: 'fallback', result: { replies: [renderReferral(finding.referral)] } };
      if (finding.kind === 'none') {
        // "vay 50tr thì mỗi tháng trả lãi bao nhiêu" with no entry found: the arithmetic alone still answers it.
        const line = read.loanAmount !== undefined && parse.intent.name === 'credit' ? interestLine(read.loanAmount, facts, loanRates, ctx.today) : null;
        if (line) return { intent: 'credit', result: { replies: [{ text: line }] } };
        const outside = parse.intent.name === 'fallback' && parse.intent.confidence >= OUTSIDE_CONFIDENCE;
        if (outside && outsideCard && wordCount(ctx.text) >= OUTSIDE_QUESTION_WORDS) {
          return { intent: 'fallback', result: { replies: [renderAnswer(outsideCard)] } };
        }
        // A bare topic the classifier splits between two ("hộ nghèo vay được bao nhiêu": entitlements or loans?):
        // the card of the runner-up when the entries that hold the words are mostly its.
        const [top, second] = parse.ranking;
        const split = top && second && second.name === finding.topic && top.confidence - second.confidence < SPLIT_MARGIN;
        return split && ownIntents.has(second.name) ? { intent: second.name, result: answerCard(ctx, answers.main(second.name)) } : null;
      }
      const topic = finding.entries[0]!.topic;
      const classified = parse.intent;
      // "…với hoàn cảnh như vậy, gia đình tôi có được xét hộ nghèo không?": a story of illness or disability that asks
      // whether the household is poor asks for the self-assessment, not for the allowances its words are about.
      const letter = wordCount(ctx.text) >= LETTER_WORDS;
      if (letter && read.asksCategory && !CATEGORY_TOPICS.has(topic)) return { intent: SCREENING_INTENT };
      if (!ownIntents.has(topic)) {
        // An entry of a flow's topic (the self-assessment…) hands the message to that flow.
        return classified.name === topic || classified.name === 'fallback' || classified.confidence < OWNED_ELSEWHERE_CONFIDENCE
          ? { intent: topic }
          : null;
      }
      // "đăng ký nhận thông báo xã X" is the subscription flow's, whatever entries mention announcements; but a
      // complaint that says "hủy hồ sơ" is the complaint, never a privacy request.
      const topicProbability = parse.ranking.find((r) => r.name === topic)?.confidence ?? 0;
      const flowIntent = !ownIntents.has(classified.name) && classified.name !== 'fallback';
      const complaint = finding.entries[0]!.handoff && finding.coverage >= COMPLAINT_COVERAGE && wordCount(ctx.text) >= COMPLAINT_WORDS;
      // …nor the self-assessment when the message is much like one of the entry's own questions ("nhà có xe máy, ti vi
      // thì còn là hộ nghèo không" is the scoring's question, however the classifier leans to the self-assessment).
      const itsQuestion = classified.name === SCREENING_INTENT && finding.kind === 'entries' && finding.similarity >= ENTRY_QUESTION_SIMILARITY;
      // …nor when the message only tells the household's case right after an answer ("nhà e hộ cận nghèo"): the
      // classifier reads it alone as the self-assessment, more or less surely as its training order falls.
      const tellsCaseOfAnswer = tellsCase && followUp !== undefined;
      if (flowIntent && classified.confidence >= OWNED_ELSEWHERE_CONFIDENCE && topicProbability < UNLIKELY_TOPIC && !complaint && !itsQuestion && !tellsCaseOfAnswer) {
        return null;
      }
      if (finding.kind === 'choices') return { intent: topic, result: { replies: [renderChoices(finding.entries)] } };
      return { intent: topic, result: answerEntries(ctx, finding.entries, facts, { loan: read.loanAmount, alternatives: finding.alternatives }) };
    },

    handleIntent(ctx, intent) {
      return answerCard(ctx, answers.main(intent));
    },

    handlePayload(ctx, payload) {
      if (!payload.startsWith(ANSWER_PAYLOAD_PREFIX)) return null;
      const id = payload.slice(ANSWER_PAYLOAD_PREFIX.length);
      const entry = knowledge.entry(id);
      if (entry) return answerEntries(ctx, [entry], contextOf(ctx).facts);
      const card = answers.get(id);
      return card ? answerCard(ctx, card) : null;
    },
  };
}

/**
 * Of a referral and an entry of the conversation's topic read in its context (`ownCoverage`: how much of the message
 * itself the entry matched), the one that fits more of the message; a message read as a follow-up (`followingUp`)
 * leaves the conversation only when the entry fits less than half of it ("làm hồ sơ ở đâu" after the disability
 * allowance is about that allowance, though "hồ sơ" is in the passport office's request too).
 */
function betterFit(a: Finding, b: Finding, topic: string, followingUp: boolean): Finding {
  const [referral, entries] = a.kind === 'referral' ? [a, b] : [b, a];
  if (referral.kind !== 'referral' || entries.kind !== 'entries' || entries.entries[0]!.topic !== topic) return a;
  const own = entries.ownCoverage ?? 0;
  const leaves = followingUp ? own < HALF && referral.coverage > own : referral.coverage > own;
  return leaves ? referral : entries;
}
const HALF = 0.5;

/**
 * A short question the classifier places in the last answer's topic (not a vague one: "bn tiền 1 tháng" after an
 * allowance's amount asks for it again) that would get that answer again, while read alone it is wholly another
 * entry's of the topic and names a subject that entry's questions have and the last one's do not ("bao giờ rà soát"
 * right after where the list is posted is when the review is, not the posting again).
 */
function namesOtherSubject(inContext: Finding, alone: Finding, last: KnowledgeEntry | undefined, text: string): boolean {
  if (!last || inContext.kind !== 'entries' || alone.kind !== 'entries' || inContext.entries[0]!.id !== last.id) return false;
  const other = alone.entries[0]!;
  if (other.id === last.id || other.topic !== last.topic || alone.coverage < FULL_FIT) return false;
  const asked = pairsOf([other.question, ...other.paraphrases]);
  const answered = pairsOf([last.question, ...last.paraphrases]);
  return [...pairsOf([text])].some((pair) => !QUESTION_PAIRS.has(pair) && asked.has(pair) && !answered.has(pair));
}
const FULL_FIT = 0.95;
/** Pairs of syllables that ask rather than name a subject. */
const QUESTION_PAIRS = new Set(['bao gio', 'bao nhieu', 'the nao', 'nhu the', 'o dau', 'khi nao', 'lam sao', 'co duoc', 'duoc khong', 'co khong', 'lam gi']);

function pairsOf(texts: readonly string[]): Set<string> {
  const pairs = new Set<string>();
  for (const text of texts) {
    const words = fold(text).replace(/[^a-z0-9 ]/g, ' ').split(' ').filter(Boolean);
    for (let i = 1; i < words.length; i++) pairs.add(`${words[i - 1]} ${words[i]}`);
  }
  return pairs;
}

function contextOf(ctx: TurnContext): ConversationContext {
  ctx.session.context ??= { facts: {} };
  return ctx.session.context;
}

const wordCount = (text: string) => fold(text).split(' ').filter(Boolean).length;

/** "làm ở đâu", "nộp hồ sơ ở đâu ạ", "hỏi ai": where (or to whom) to go, and nothing else. */
const WHERE = /\b(o dau|cho nao|noi nao|hoi ai|lien he ai|gap ai|den dau|nop dau|lam dau)\b/;
const PROCEDURE_WORDS = new Set(
  'lam ho so nop don dang ky xin thu tuc hoi lien he gap den di thi vay a em e minh toi nhan o dau cho nao noi ai can giay to nhu the'.split(' '),
);
/** An entry about how or where to apply ("Làm hồ sơ xin trợ cấp xã hội hằng tháng như thế nào?"), not how long it takes. */
const PROCEDURE = /\b(ho so|thu tuc|dang ky|o dau|nop don|giay to)\b/;
const DURATION = /\b(bao lau|khi nao|bao gio)\b/;
const isProcedure = (entry: KnowledgeEntry) => PROCEDURE.test(fold(entry.question)) && !DURATION.test(fold(entry.question));

function asksWhereOnly(text: string): boolean {
  const folded = fold(text).replace(/[?.!]+$/, '').trim();
  return WHERE.test(folded) && folded.split(' ').every((w) => PROCEDURE_WORDS.has(w));
}

/**
 * Words that ask how, where, how much or on what terms, and nothing of their own: a message of these alone ("điều
 * kiện thế nào", "cần giấy tờ gì") asks about what was just answered, whatever topic the classifier gives it
 * ("điều kiện" reads as the poverty standard's).
 */
const QUESTION_ONLY_WORDS = new Set(
  'dieu kien thu tuc ho so giay to can gi nhung the nao sao lam bao nhieu lau khi gio o dau cho nao nop xin dang ky ai duoc dc khong ko k co phai a em e minh toi hoi thi nhu ra sao'.split(' '),
);

function asksNothingOwn(text: string): boolean {
  const words = fold(text).replace(/[?.!,]+/g, ' ').trim().split(/\s+/);
  return words.length > 0 && words.every((w) => QUESTION_ONLY_WORDS.has(w));
}

function isFollowUp(text: string): boolean {
  const folded = fold(text).replace(/[?.!]+$/, '').trim();
  return folded.split(' ').length <= FOLLOW_UP_WORDS && FOLLOW_UP.test(folded);
}
