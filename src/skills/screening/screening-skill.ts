import { randomUUID } from 'node:crypto';
import { citizenKey } from '../../citizens/identity.js';
import type { CommuneDirectory } from '../../domain/communes.js';
import type { CitizenFacts } from '../../domain/knowledge/types.js';
import { deprivationsMatter } from '../../domain/poverty/classify.js';
import { screenHousehold } from '../../domain/poverty/screen.js';
import { indicatorsOf, standardOn } from '../../domain/poverty/standards.js';
import { AREAS, type Area, type Category, type Household, MAX_HOUSEHOLD_SIZE, type PovertyRules, type Standard } from '../../domain/poverty/types.js';
import type { FlowState, QuickReply, Reply, Skill, SkillResult, TurnContext } from '../../engine/types.js';
import { mergeFacts, readFacts } from '../../nlu/facts.js';
import { isQuestion } from '../../nlu/question-focus.js';
import { controlPayload, intentPayload } from '../../payloads.js';
import type { ConsentService } from '../../privacy/consent.js';
import { readYesNo } from '../../text/answer-words.js';
import { fold } from '../../text/fold.js';
import {
  areaClause,
  areaMentioned,
  asksTheLine,
  asksWhy,
  householdMembers,
  type IncomePart,
  incomeBasis,
  incomeParts,
  livesAlone,
  monthlyIncome,
  readAreaWord,
  wantsToSkip,
  wantsToStop,
} from './answers.js';
import { readBareAnswer, saidBack } from './bare-answers.js';
import { CORRECTION, type Correction, readCorrection } from './corrections.js';
import {
  currentStep,
  type FlowData,
  finishedRecord,
  freshData,
  type QuestionStep,
  readState,
  SCREENING_SKILL,
  type ScreeningState,
  stepName,
  toFlow,
} from './flow-state.js';
import { formatDong } from './format.js';
import { BHYT_FROM_AGE, CHILDREN, readHouseholdFacts } from './household-facts.js';
import { ageOutside, everyoneHas, leadingYesNo, readIndicatorStatement, workedOut } from './indicator-statements.js';
import { readPlace } from './place-words.js';
import { ageHint, describeAnswer, incomeRanges, question, retryHint } from './questions.js';
import { correctedSummary, packMessages, resultDetails, resultSummary } from './result-message.js';

export const SCREENING_INTENT = 'screening_start';

export interface ScreeningSkillDeps {
  rules: PovertyRules;
  /**
   * The consent gate for kept answers: keeps them at once if the citizen already agreed, asks once (its own
   * "Đồng ý" / "Không đồng ý" question, answered by the privacy skill) while they have not decided, and keeps
   * nothing after a refusal. The answers are not written anywhere else.
   */
  consent: Pick<ConsentService, 'offerToKeep'>;
  /** To tell xã (rural) from phường (urban) when the citizen names the commune, or a former thị trấn. */
  communes: Pick<CommuneDirectory, 'byId' | 'search'>;
  /** Counts a finished self-assessment's category for the programme dashboard (no answers, no citizen kept). */
  recordResult(citizenId: string, category: Category, at: Date): Promise<void>;
}

/** After this many unusable answers in a row, the re-ask also says how to stop. */
const MISSES_BEFORE_WAY_OUT = 2;
/** A bare number this small at the income question is millions said without the unit ("6"): ask for the unit. */
const SMALLEST_MONTHLY_INCOME = 1_000;

const RESTART_BUTTON: QuickReply = { title: 'Tự đánh giá lại', payload: intentPayload(SCREENING_INTENT) };
const MENU_BUTTON: QuickReply = { title: 'Xem menu', payload: controlPayload('menu') };
const RESUME_BUTTON: QuickReply = { title: 'Tiếp tục', payload: controlPayload('resume') };
/** `screening:details:<household>`: the full result of a household, recomputed from the button alone. */
const DETAILS_PREFIX = `${SCREENING_SKILL}:details:`;

type Outcome =
  /** `lead`: what was understood beyond the question's answer, said before the next question. */
  | { kind: 'accept'; data: FlowData; lead?: string }
  /** `note`: said instead of the reason's hint. */
  | { kind: 'retry'; reason?: Parameters<typeof retryHint>[1]; note?: string }
  /** A button of an earlier question: ask the current one again. */
  | { kind: 'stale' }
  /** "kiểm tra hộ nghèo" again while already screening. */
  | { kind: 'restart_request' }
  /** A bare answer that could mean either: asked again with a button for each reading, in words. */
  | { kind: 'clarify'; titles: [deprived: string, fine: string] }
  /**
   * Another of the first questions answered instead of the one asked ("tầm 4tr" to the area question): `data` with
   * what it told (`changed`: anything new or different), `lead` saying it back; the question asked again briefly.
   */
  | { kind: 'told'; data: FlowData; lead: string; changed: boolean };

/**
 * The conversational self-assessment: area → household members → monthly income → the deprivation questions that
 * can still change the outcome, then the result (category, deprived dimensions, support, next steps, disclaimer),
 * which ends the flow. The answers live only in the flow state; the consent gate keeps them only if the citizen agrees.
 */
export function createScreeningSkill(deps: ScreeningSkillDeps): Skill {
  const { rules, consent, communes, recordResult } = deps;

  const ask = (ctx: TurnContext, state: ScreeningState, step: QuestionStep, lead?: string, titles?: [string, string], again = false): SkillResult => {
    const q = question(state, step, ctx.capabilities.maxQuickReplies, titles, again);
    return { replies: [{ ...q, text: lead ? `${lead}\n\n${q.text}` : q.text }], flow: toFlow(state, step) };
  };

  /** After a screening that cannot go on: "có" starts again; the buttons, typed or tapped, work as usual. */
  const askRestart = (why: string): Reply => ({
    text: `${why} Bạn muốn làm lại từ đầu không?`,
    quickReplies: [RESTART_BUTTON, MENU_BUTTON],
    expects: { kind: 'option', owner: SCREENING_SKILL },
  });

  const broken = (): SkillResult => ({
    replies: [askRestart('Xin lỗi, bài tự đánh giá đang làm dở không dùng tiếp được nữa.')],
    flow: null,
  });

  /**
   * The result ends the flow: a short first bubble, with the full list of entitlements, next steps and disclaimer
   * behind "Xem tất cả quyền lợi" on the turn's last bubble (the one whose buttons a Zalo citizen answers by number).
   * The answers go to the consent gate, which keeps them only with consent.
   */
  const finish = async (ctx: TurnContext, state: ScreeningState): Promise<SkillResult> => {
    const household = householdOf(state.standard, state.data);
    const result = screenHousehold(rules, state.standard, household, state.data.date);
    const details: QuickReply = { title: 'Xem tất cả quyền lợi', payload: detailsPayload(state, household) };
    const { corrects: corrected, ...data } = state.data;
    const summary = corrected ? correctedSummary(rules, state, result, corrected.category, corrected.changes) : resultSummary(rules, state, result);
    const replies: Reply[] = [{ text: summary }];
    // A correction of the result keeps its id: its answers take the place of the earlier ones, kept or held for the
    // decision (the citizen's kept answers hold one result, the corrected one), marked with the result corrected.
    const keptId = data.keptId ?? randomUUID();
    const kept = { ...keptRecord(state, household), category: result.category, ...(corrected ? { corrects: corrected.category } : {}) };
    const citizenId = citizenKey(ctx.message.channel, ctx.message.userId);
    // A correction is the same household's assessment: the dashboard counted it once.
    if (!corrected) await recordResult(citizenId, result.category, ctx.now);
    // Kept with the session (soft state, as the flow was) for a correction said after the result.
    ctx.session.context ??= { facts: {} };
    ctx.session.context.lastScreening = finishedRecord({ ...state, data: { ...data, keptId } });
    let offer: Reply[] = [];
    try {
      offer = await consent.offerToKeep(citizenId, 'screening', kept, ctx.now, { id: keptId });
    } catch {
      // Keeping is optional: the citizen still gets the result, and nothing half-kept is promised.
    }
    if (offer.length > 0) replies.push(...offer);
    const last = replies.at(-1)!;
    replies[replies.length - 1] = {
      ...last,
      quickReplies: offer.length > 0 ? [details, ...(last.quickReplies ?? [])] : [details, RESTART_BUTTON, MENU_BUTTON],
    };
    return { replies, flow: null };
  };

  /** What "Xem tất cả quyền lợi" shows; `then` are the buttons under it. */
  const showDetails = (ctx: TurnContext, payload: string, then: QuickReply[]): SkillResult => {
    const found = readDetailsPayload(rules, payload);
    if (!found) return { replies: [{ text: 'Kết quả đó không còn xem lại được. Bạn muốn tự đánh giá lại không?', quickReplies: [RESTART_BUTTON, MENU_BUTTON] }] };
    const result = screenHousehold(rules, found.standard, found.household, found.date);
    const texts = packMessages(resultDetails(rules, result), ctx.capabilities.maxTextLength);
    const replies: Reply[] = texts.map((text) => ({ text }));
    replies[replies.length - 1] = { ...replies.at(-1)!, quickReplies: then };
    return { replies };
  };

  /** The state's current question, or the result once nothing left to ask can change it. */
  const askOrFinish = (ctx: TurnContext, state: ScreeningState, lead?: string): Promise<SkillResult> | SkillResult => {
    const step = currentStep(state);
    return step.kind === 'done' ? finish(ctx, state) : ask(ctx, state, step, lead);
  };

  /** Records the answer to `step` and moves on. */
  const advance = (ctx: TurnContext, state: ScreeningState, step: QuestionStep, data: FlowData, lead?: string) => {
    let next: ScreeningState = {
      standard: state.standard,
      data: { ...data, misses: 0 },
      history: [...state.history, { step: stepName(step), data: { ...state.data, misses: 0 } }],
    };
    // "nhà e 4 ng, chồng đi làm xa, tháng được 6tr" to the size question, "xã, tầm 4tr" to the area one: the income
    // is not asked again.
    const told: string[] = [];
    if (ctx.text && !ctx.message.payload && step.kind !== 'indicator') {
      for (const fact of toldFacts(state.standard, ctx.text, next.data, readFacts(ctx.text).facts, { amounts: () => amountWords(ctx) })) {
        next = { ...next, data: { ...next.data, ...fact.data }, history: [...next.history, { step: fact.step, data: next.data }] };
        told.push(fact.words);
      }
    }
    const also = told.length > 0 ? `Mình ghi nhận luôn: ${told.join(', ')}. Nếu chưa đúng, nhắn "quay lại".` : undefined;
    // Size and income known together for the first time (or the area added to them): the check against the line. An
    // income typed to its own question says it already.
    const check = step.kind !== 'income' && step.kind !== 'days' && completesCheck(state.data, next.data) ? incomeCheck(next.standard, next.data) : null;
    return askOrFinish(ctx, next, [lead, also, check].filter(Boolean).join('\n') || undefined);
  };

  /**
   * Facts for the other first questions (area, size, income) told instead of the answer asked for: "tầm 4tr" to the
   * area question, "ở quê" to the size one — a farmer tells what they think matters, in their own order. Those not
   * known yet are recorded, those known said again acknowledged, those changed corrected; all said back, before the
   * question is asked again, briefly. Null when the message tells none.
   */
  const otherFirstAnswers = (ctx: TurnContext, state: ScreeningState, step: QuestionStep): Outcome | null => {
    const { standard, data } = state;
    const commune = areaNamed(ctx);
    const named = commune === 'special_zone' ? null : commune;
    const amounts = () => amountWords(ctx);
    const added = toldFacts(standard, ctx.text, data, readFacts(ctx.text).facts, { named, amounts });
    let next = data;
    for (const fact of added) next = { ...next, ...fact.data };
    const said = firstAnswersSaid(ctx.text, named, amounts);
    const changes: string[] = [];
    const same: string[] = [];
    // Said as the corrections after the result say them: "hộ 5 người (trước: 4 người)".
    const compare = <T>(told: T | undefined, known: T | undefined, kind: string, value: (v: T) => string, set: (v: T) => Partial<FlowData>) => {
      if (told === undefined || known === undefined) return;
      if (told === known) same.push(`${kind} ${value(told)}`);
      else {
        changes.push(`${kind} ${value(told)} (trước: ${value(known)})`);
        next = { ...next, ...set(told) };
      }
    };
    if (step.kind !== 'area') compare(said.area, data.area, 'khu vực', (a) => standard.areas[a].label, (area) => ({ area }));
    if (step.kind !== 'size') compare(said.size, data.householdSize, 'hộ', (n) => `${n} người`, (householdSize) => ({ householdSize }));
    if (step.kind !== 'income' && said.income !== undefined && data.income) {
      // An income chosen as a range is said as the range.
      if (said.income === data.income.amount) same.push(`thu nhập cả hộ ${formatDong(said.income)} đồng/tháng`);
      else {
        const before = data.income.range ?? `${formatDong(data.income.amount)} đồng`;
        changes.push(`thu nhập cả hộ ${formatDong(said.income)} đồng/tháng (trước: ${before})`);
        next = { ...next, income: { amount: said.income } };
      }
    }
    if (added.length === 0 && changes.length === 0 && same.length === 0) return null;
    const recorded = [
      added.length > 0 ? `Mình ghi nhận luôn: ${added.map((f) => f.words).join(', ')}.` : '',
      changes.length > 0 ? `Mình đã sửa: ${changes.join('; ')}.` : '',
    ].filter(Boolean);
    const changed = recorded.length > 0;
    const lines = [
      changed ? `${recorded.join(' ')} Nếu chưa đúng, nhắn "quay lại".` : null,
      same.length > 0 ? `Mình đã ghi nhận ${same.join(', ')} rồi.` : null,
      changed && completesCheck(data, next, true) ? incomeCheck(standard, next) : null,
    ];
    return { kind: 'told', data: next, lead: lines.filter(Boolean).join('\n'), changed };
  };

  /**
   * The message's words to read amounts that nothing names from ("tầm 4tr"), as the income: without the communes it
   * names ("phường Nam Triệu" is no "năm triệu"). Null when it has no such amount (then no parse is needed).
   */
  const amountWords = (ctx: TurnContext): string | null => {
    if (!ctx.text || !readFacts(ctx.text).unnamedAmounts) return null;
    let text = ctx.text;
    for (const e of ctx.nlu().entities) if (e.entity === 'commune') text = `${text.slice(0, e.start)}${' '.repeat(e.end - e.start)}${text.slice(e.end)}`;
    return text;
  };

  const areaNamed = (ctx: TurnContext): Area | 'special_zone' | null => {
    const entities = ctx.nlu().entities;
    const area = entities.find((e) => e.entity === 'area');
    if (area && (AREAS as readonly unknown[]).includes(area.value)) return area.value as Area;
    const commune = entities.find((e) => e.entity === 'commune');
    if (!commune) return null;
    const types = new Set([commune.value, ...(commune.alternatives ?? [])].map((id) => communes.byId(String(id))?.type));
    if (types.size !== 1) return null;
    const [type] = types;
    return type === 'xa' ? 'rural' : type === 'phuong' ? 'urban' : type === 'dac_khu' ? 'special_zone' : null;
  };

  const fromPayload = (state: ScreeningState, step: QuestionStep, payload: string): Outcome => {
    const [owner, kind, value, answer] = payload.split(':');
    if (owner !== SCREENING_SKILL || kind !== step.kind) return { kind: 'stale' };
    const { data } = state;
    switch (step.kind) {
      case 'area':
        return (AREAS as readonly string[]).includes(value!) ? { kind: 'accept', data: { ...data, area: value as Area } } : { kind: 'stale' };
      case 'size': {
        const n = Number(value);
        return Number.isInteger(n) && n >= 1 && n <= MAX_HOUSEHOLD_SIZE
          ? { kind: 'accept', data: { ...data, householdSize: n } }
          : { kind: 'stale' };
      }
      case 'income': {
        const range = incomeRanges(state.standard, data.area!, data.householdSize!)[Number(value)];
        return range ? { kind: 'accept', data: { ...data, income: { amount: range.amount, range: range.words } } } : { kind: 'stale' };
      }
      case 'days':
        return workedDays(state, Number(value)) ?? { kind: 'stale' };
      case 'indicator': {
        if (value !== step.indicator.id || (answer !== 'yes' && answer !== 'no')) return { kind: 'stale' };
        // "Có" to "có ai chưa có thẻ…?": what it was taken to mean, said back.
        const said = saidBack(value, answer === 'yes') ?? undefined;
        return { kind: 'accept', data: { ...data, answers: { ...data.answers, [value]: answer === 'yes' } }, ...(said ? { lead: said } : {}) };
      }
    }
  };

  /** A typed answer, as the shared reader read it (`ctx.answer`), with the screening's own words for area and size. */
  const fromText = (ctx: TurnContext, state: ScreeningState, step: QuestionStep): Outcome => {
    const { data } = state;
    const { text, answer } = ctx;
    switch (step.kind) {
      case 'area': {
        const { rural, urban } = state.standard.areas;
        const place = readPlace(text, communes, { rural: rural.label, urban: urban.label });
        if (place) return 'ask' in place ? { kind: 'retry', reason: 'place', note: place.ask } : { kind: 'accept', data: { ...data, area: place.area }, lead: place.said };
        const word = readAreaWord(text) ?? areaNamed(ctx);
        if (word === 'special_zone') return { kind: 'retry', reason: 'special_zone' };
        if (word) return { kind: 'accept', data: { ...data, area: word } };
        // "5 ng", "tầm 4tr" before the area is told: below, kept and said back, and the area asked again.
        break;
      }
      case 'size': {
        // A size said outright wins; else the members named ("2 vợ chồng và 3 đứa con"), added up and said back.
        const members = answer?.kind === 'count' || livesAlone(text) ? null : householdMembers(text);
        if (members && 'childrenOnly' in members) return { kind: 'retry', reason: 'children_only' };
        const n = livesAlone(text) ? 1 : answer?.kind === 'count' ? answer.value : members?.total;
        if (n !== undefined) {
          if (n > MAX_HOUSEHOLD_SIZE) return { kind: 'retry', reason: 'too_many' };
          const lead = members ? `Mình tính hộ có ${members.words}; nếu chưa đúng, nhắn "quay lại".` : undefined;
          return { kind: 'accept', data: { ...data, householdSize: n }, lead };
        }
        break;
      }
      case 'income': {
        const basis = incomeBasis(text);
        if (basis.none) return { kind: 'accept', data: { ...data, income: { amount: 0 } } };
        // "vụ lúa bán được 20tr": a harvest is no month, and how many a year varies by crop: the citizen says.
        if (SEASON.test(fold(text)) && !basis.perYear) return { kind: 'retry', reason: 'season' };
        const told = typedIncome(state.standard, data, text);
        if (told) return told;
        const bare = Number(text.replace(',', '.'));
        if (Number.isFinite(bare) && bare > 0 && bare < SMALLEST_MONTHLY_INCOME) return { kind: 'retry', reason: 'too_small' };
        if (readYesNo(text) === 'unsure') return { kind: 'retry', reason: 'unsure' };
        break;
      }
      case 'days': {
        // "tầm 4tr" to the days question: the household's income a month told outright, not 4 days.
        const parts = incomeParts(text);
        if (parts.length > 0 && parts.every((p) => p.period !== 'day')) {
          const { daily: _asked, ...rest } = data;
          const told = typedIncome(state.standard, rest, text);
          // One amount a month is said back here (typedIncome says only what took working out).
          const plain = parts.length === 1 && parts[0]!.period === 'month' && !parts[0]!.perPerson;
          if (told?.kind === 'accept' && told.data.income && plain) {
            const said = `Mình ghi nhận: thu nhập cả hộ ${formatDong(told.data.income.amount)} đồng/tháng. Nếu chưa đúng, nhắn "quay lại".`;
            return { ...told, lead: [said, told.lead].filter(Boolean).join('\n') };
          }
          if (told) return told;
        }
        const days = readDays(text);
        if (days !== null) return workedDays(state, days) ?? { kind: 'retry', reason: 'unsure' };
        break;
      }
      case 'indicator': {
        // Facts about members come first: "có 1 đứa 12 tuổi bỏ học" starts with "có" but is not a yes to every question.
        const told = factsOutcome(state, step.indicator.id, text);
        if (told) return told;
        const record = (deprived: boolean, lead?: string): Outcome => ({
          kind: 'accept',
          data: { ...data, answers: { ...data.answers, [step.indicator.id]: deprived } },
          ...(lead ? { lead } : {}),
        });
        // "chồng bị bệnh không đi làm được": a sick member is no unemployed one, and counts among the dependants.
        const sick = sickNote(step.indicator.id, text, data.householdSize);
        if (sick) return { kind: 'retry', reason: 'unsure', note: sick };
        // "có" to "có ai chưa có thẻ…?": read by the question's wording, said back, or asked again when it could mean either.
        const bare = readBareAnswer(step.indicator.id, text, data.misses > 0);
        if (bare) return 'ask' in bare ? { kind: 'clarify', titles: bare.ask } : record(bare.deprived, bare.said);
        if (everyoneHas(step.indicator.id, text)) return record(false);
        // Not answered is not deprived: the review's officer asks every question again.
        if (wantsToSkip(text)) return record(false, `Mình bỏ qua câu đó và tạm tính là không thiếu hụt; khi rà soát, cán bộ sẽ hỏi lại. Muốn trả lời, nhắn "quay lại".`);
        // "nuoc mua", "ko co dt", "co the bhyt roi": the fact stated, whatever yes/no word it starts with.
        const stated = readIndicatorStatement(step.indicator.id, text, data.householdSize);
        if (stated === 'mixed' || stated === 'partial') return { kind: 'retry', reason: stated };
        // "cháu 17 tuổi nghỉ học" to the children's question: another question's, or said to be out of its ages.
        const age = stated === null ? ageOutside(step.indicator.id, text) : null;
        if (age !== null) {
          const other = otherQuestionsOutcome(state, step.indicator.id, text);
          return other?.kind === 'accept' ? other : { kind: 'retry', reason: 'other_question', note: ageHint(step.indicator.id, age) };
        }
        if (stated) {
          const deprived = stated === 'deprived';
          // "có, nhà xây kiên cố" to "is it a makeshift house?": the yes and the fact disagree; ask, do not guess.
          const said = leadingYesNo(text);
          if (said && (said === 'yes') !== deprived) return { kind: 'retry', reason: 'contradiction' };
          const worked = workedOut(step.indicator.id, text, data.householdSize);
          return record(deprived, worked && `${worked}\n${recordedLine(step.indicator.label, deprived)}.`);
        }
        if (answer?.kind === 'unsure') return { kind: 'retry', reason: 'unsure' };
        // "có đt thông minh" to the schooling question: a fact for another question, not a yes to this one.
        // A question of its own ("thẻ bhyt hộ cận nghèo được hỗ trợ bao nhiêu?") is no answer: the engine answers it.
        const other = leadingYesNo(text) || isQuestion(text) ? null : otherQuestionsOutcome(state, step.indicator.id, text);
        if (other) return other;
        if (answer?.kind === 'yes' || answer?.kind === 'no') return record(answer.kind === 'yes');
        break;
      }
    }
    // The area, the size and the income decide against the line: they cannot be skipped.
    if (wantsToSkip(text)) return { kind: 'retry', reason: 'needed' };
    if (step.kind === 'area' || step.kind === 'size' || step.kind === 'income') {
      const told = otherFirstAnswers(ctx, state, step);
      if (told) return told;
    }
    // "nhầm, nhà e 5 người" while a later question is open: the household's size corrected, that question asked again.
    const size = step.kind === 'area' ? undefined : readFacts(text).facts.householdSize;
    if (size !== undefined && data.householdSize !== undefined && size !== data.householdSize && size <= MAX_HOUSEHOLD_SIZE) {
      return { kind: 'accept', data: { ...data, householdSize: size }, lead: `Mình đã sửa: hộ ${size} người.` };
    }
    // "nhầm, thu nhập 4tr thôi", "nhầm, nhà e ở xã" while a later question is open: corrected, checked again.
    if (step.kind !== 'area' && CORRECTION.test(fold(text))) {
      const correction = readCorrection(state, text, () => {
        const area = areaNamed(ctx);
        return area === 'special_zone' ? null : area;
      });
      if (correction && correction.changes.length > 0) {
        const next = correction.data;
        const moved = next.income?.amount !== data.income?.amount || next.area !== data.area || next.householdSize !== data.householdSize;
        const check = moved ? incomeCheck(state.standard, next) : null;
        return { kind: 'accept', data: next, lead: [`Mình đã sửa: ${correction.changes.join('; ')}.`, check].filter(Boolean).join('\n') };
      }
    }
    return ctx.nlu().intent.name === SCREENING_INTENT ? { kind: 'restart_request' } : { kind: 'retry' };
  };

  /** The answer to the current question, from a button of the flow or typed. */
  const answerStep = async (ctx: TurnContext, flow: FlowState, payload: string | undefined): Promise<SkillResult> => {
    const state = readState(rules, flow);
    if (!state) return broken();
    if (!payload && wantsToStop(ctx.text)) {
      return {
        replies: [{ text: 'Đã dừng bài tự đánh giá. Khi cần, bạn nhắn "tự đánh giá" để làm lại.', quickReplies: [RESTART_BUTTON, MENU_BUTTON] }],
        flow: null,
      };
    }
    const step = currentStep(state);
    // Only a flow with questions left is saved; should content have changed since, give the result now.
    if (step.kind === 'done') return finish(ctx, state);
    // A question about the question, asked mid-way: answered for this household, then the question again.
    const aside = payload ? null : asideAnswer(state, step, ctx.text);
    if (aside) return ask(ctx, state, step, aside);

    const outcome = (payload && typedBare(state, step, ctx.text)) || (payload ? fromPayload(state, step, payload) : fromText(ctx, state, step));
    switch (outcome.kind) {
      case 'accept':
        return advance(ctx, state, step, outcome.data, outcome.lead);
      case 'told': {
        // Said again is no miss, and no step "quay lại" would undo; what it changed is one.
        const history = outcome.changed ? [...state.history, { step: stepName(step), data: { ...state.data, misses: 0 } }] : state.history;
        const next: ScreeningState = { standard: state.standard, data: { ...outcome.data, misses: 0 }, history };
        const now = currentStep(next);
        if (now.kind === 'done') return finish(ctx, next);
        return ask(ctx, next, now, outcome.lead, undefined, now.kind === step.kind);
      }
      case 'stale':
        return ask(ctx, state, step, 'Mình đang hỏi câu này:');
      case 'clarify': {
        const [deprived, fine] = outcome.titles;
        const lead = `Mình chưa rõ ý bạn: “${deprived}” hay “${fine}”? Bạn chọn một nút bên dưới.`;
        return ask(ctx, { ...state, data: { ...state.data, misses: state.data.misses + 1 } }, step, lead, outcome.titles);
      }
      case 'restart_request':
        return ask(ctx, state, step, 'Bạn đang làm bài tự đánh giá; mình hỏi tiếp nhé (nhắn "làm lại" nếu muốn bắt đầu lại từ đầu).');
      case 'retry': {
        const misses = state.data.misses + 1;
        const wayOut = misses >= MISSES_BEFORE_WAY_OUT ? ' Nếu muốn dừng, nhắn "hủy"; muốn hỏi việc khác, nhắn "menu".' : '';
        const retry = ask(ctx, { ...state, data: { ...state.data, misses } }, step, `${outcome.note ?? retryHint(step, outcome.reason)}${wayOut}`);
        // An answer the screening could not use ("không biết", "10 người lớn"…) is re-asked; anything else may be new.
        return outcome.reason ? retry : { ...retry, unanswered: true };
      }
    }
  };

  /**
   * A correction said after the result ("à nhầm, nhà 5 người"): the result worked out again and said briefly, or,
   * when the change makes questions matter that were not asked (an income now under the line), those asked first.
   */
  const categoryOf = (state: ScreeningState): Category =>
    screenHousehold(rules, state.standard, householdOf(state.standard, state.data), state.data.date).category;

  const correct = (ctx: TurnContext, before: ScreeningState, correction: Correction): Promise<SkillResult> | SkillResult => {
    if (correction.changes.length === 0) {
      const was = categoryOf(before);
      const text = `Mình đã tính với ${correction.same.join('; ')} rồi, nên kết quả không đổi: hộ của bạn có khả năng ${was === 'none' ? '' : 'thuộc diện '}${rules.guidance.categoryLabels[was]}.`;
      return { replies: [{ text, quickReplies: [RESTART_BUTTON, MENU_BUTTON] }] };
    }
    // The same assessment, under the id its answers were offered for keeping under (correction.data keeps it).
    const corrects = { category: categoryOf(before), changes: correction.changes };
    const state: ScreeningState = { standard: before.standard, data: { ...correction.data, misses: 0, corrects }, history: [] };
    const step = currentStep(state);
    if (step.kind === 'done') return finish(ctx, state);
    const check = step.kind === 'indicator' ? incomeCheck(state.standard, state.data) : null;
    const lead = [`Mình đã sửa: ${correction.changes.join('; ')}.`, check, 'Để tính lại, mình hỏi thêm:'].filter(Boolean).join('\n');
    return ask(ctx, state, step, lead);
  };

  /** A new screening, with what the citizen already said filled in. */
  const start = (ctx: TurnContext): Promise<SkillResult> | SkillResult => {
    const standard = standardOn(rules.standards, ctx.today);
    if (!standard) {
      return {
        replies: [{ text: 'Hiện chưa có chuẩn nghèo áp dụng cho ngày hôm nay nên chưa thể tự đánh giá. Bạn hãy hỏi UBND xã/phường nơi cư trú.' }],
        flow: null,
      };
    }
    let state: ScreeningState = { standard, data: freshData(standard, ctx.today), history: [] };
    if (ctx.session.context) delete ctx.session.context.lastScreening;
    // What the citizen already said — in this message ("nhà 5 người ở xã Thanh Hà…") or earlier in the conversation
    // ("nhà em 4 người, thu nhập 5tr") — is not asked again; "quay lại" can still change it.
    const known = mergeFacts(ctx.session.context?.facts ?? {}, ctx.text ? readFacts(ctx.text).facts : {});
    const understood: string[] = [];
    const named = ctx.text ? areaNamed(ctx) : null;
    for (const fact of toldFacts(standard, ctx.text, state.data, known, { named: named === 'special_zone' ? null : named, amounts: () => amountWords(ctx) })) {
      state = { ...state, data: { ...state.data, ...fact.data }, history: [...state.history, { step: fact.step, data: state.data }] };
      understood.push(fact.words);
    }
    // "…, chồng mất việc rồi, có nghèo ko": what the opening tells for a later question is not asked again.
    // Said in the list of what was understood: the opening reply is long already.
    const told = ctx.text ? recordStated(state, statedFor(state, null, ctx.text).stated) : null;
    if (told && told.words.length > 0) {
      state = { ...state, data: { ...state.data, answers: told.answers } };
      understood.push(...told.words);
    }
    const intro = [
      `Mình sẽ hỏi vài câu ngắn để ước tính hộ của bạn có khả năng thuộc diện hộ nghèo, hộ cận nghèo hay không, theo ${standard.title} (${standard.legalBasis}).`,
      'Câu trả lời chỉ dùng trong cuộc trò chuyện này, trừ khi bạn đồng ý lưu. Nhắn "quay lại" để sửa câu trước, "hủy" để dừng.',
    ];
    if (standard.provisional && standard.provisionalNote) intro.push(`Lưu ý: ${standard.provisionalNote}`);
    // How to correct it was said just above ("quay lại"): a first message that says much is long enough on a phone.
    if (understood.length) intro.push(`Mình đã ghi nhận: ${understood.join(', ')}.`);
    // Who asks "am I poor?" learns the rule at once: the income check when size and income are known, the lines otherwise.
    intro.push(incomeCheck(standard, state.data) ?? ruleLine(standard, state.data.area));
    return askOrFinish(ctx, state, intro.join('\n'));
  };

  return {
    name: SCREENING_SKILL,
    intents: [SCREENING_INTENT],

    handleIntent: (ctx) => start(ctx),

    // A correction said after the result: before the knowledge base reads it as a question of its own.
    async claim(ctx) {
      const saved = ctx.session.context?.lastScreening;
      if (!saved || !ctx.text || ctx.session.flow?.skill === SCREENING_SKILL) return null;
      const before = readState(rules, { skill: SCREENING_SKILL, step: 'done', ...saved });
      if (!before?.data.income) return null;
      const named = () => {
        const area = areaNamed(ctx);
        return area === 'special_zone' ? null : area;
      };
      const correction = readCorrection(before, ctx.text, named);
      return correction ? { intent: SCREENING_INTENT, result: await correct(ctx, before, correction) } : null;
    },

    // Buttons of the flow; typed answers come through `answer` (the engine skips the flow for text while a question
    // is pending, and a flow without one is resumed by "Tiếp tục").
    continueFlow(ctx, flow) {
      const payload = ctx.message.payload;
      // An earlier result's full list, asked for in the middle of a new screening: shown, and the flow goes on.
      if (payload?.startsWith(DETAILS_PREFIX)) return showDetails(ctx, payload, [RESUME_BUTTON]);
      return payload?.startsWith(`${SCREENING_SKILL}:`) ? answerStep(ctx, flow, payload) : null;
    },

    answer(ctx, question) {
      const flow = ctx.session.flow;
      if (flow?.skill === SCREENING_SKILL) return answerStep(ctx, flow, undefined);
      if (question.kind !== 'option') return null;
      const { answer } = ctx;
      if (answer?.kind === 'yes' || (answer?.kind === 'option' && answer.payload === RESTART_BUTTON.payload)) return start(ctx);
      if (answer?.kind === 'no') return { replies: [{ text: 'Vâng. Bạn cần hỏi gì cứ nhắn, hoặc chọn trong menu.', quickReplies: [MENU_BUTTON] }] };
      return null;
    },

    back(ctx, flow) {
      const state = readState(rules, flow);
      if (!state) return broken();
      const previous = state.history.at(-1);
      if (!previous) return askOrFinish(ctx, state, 'Đây là câu hỏi đầu tiên.');
      const earlier: ScreeningState = { standard: state.standard, data: previous.data, history: state.history.slice(0, -1) };
      const step = currentStep(earlier);
      if (step.kind === 'done') return finish(ctx, earlier);
      const given = describeAnswer(state.standard, step, state.data);
      return ask(ctx, earlier, step, given ? `Được, mình hỏi lại câu trước. Lần trước bạn trả lời: ${given}.` : 'Được, mình hỏi lại câu trước.');
    },

    resume(ctx, flow) {
      const state = readState(rules, flow);
      if (!state) return broken();
      return askOrFinish(ctx, state, 'Mình hỏi tiếp nhé.');
    },

    handlePayload(ctx, payload) {
      if (payload.startsWith(DETAILS_PREFIX)) return showDetails(ctx, payload, [RESTART_BUTTON, MENU_BUTTON]);
      return { replies: [askRestart('Bài tự đánh giá đó đã kết thúc hoặc đã hết hạn.')] };
    },
  };
}

/** An amount by the harvest: "vụ lúa", "mỗi vụ", "2 vụ"; not "dịch vụ" (services), "phục vụ", "nhiệm vụ", "vụ việc". */
const SEASON = /\b(?<!(?:dich|phuc|nhiem|su) )(?:vu|mua vu)\b(?! (?:viec|an))/;

/** A member too ill to work ("ốm nằm 1 chỗ", "bị bệnh không đi làm được"); not "chạy xe ôm" (a motorbike taxi). */
const SICK = /\b(?:benh|(?<!xe )om|liet|tai bien|tai nan|nam (?:1|mot) cho)\b/;

/**
 * A member said too ill to work, to the employment or the dependants question: what it means for that question, and
 * the question again. Null for any other answer (one that also says "thất nghiệp" is read as it is).
 */
function sickNote(id: string, text: string, householdSize: number | undefined): string | null {
  const folded = fold(text);
  if (!SICK.test(folded) || /\bthat nghiep\b/.test(folded) || readBareAnswer(id, text)) return null;
  // "mẹ già nằm 1 chỗ, 2 đứa nhỏ": the dependants counted answer the question themselves.
  if (id === 'dependants' && readIndicatorStatement(id, text, householdSize) !== null) return null;
  if (id === 'employment') {
    return 'Người ốm không đi làm được không tính là thất nghiệp (thất nghiệp là muốn làm mà không tìm được việc); người như vậy được tính ở câu người phụ thuộc. Ngoài người đó, trong nhà có ai như câu hỏi dưới đây không?';
  }
  if (id === 'dependants') {
    return 'Người ốm không tự làm việc được tính là người phụ thuộc. Cộng cả trẻ dưới 16 tuổi và người già, số người như vậy có hơn một nửa số người trong nhà không?';
  }
  return null;
}

/**
 * "có" typed is the "Có" button's title (the engine makes it a tap), but to a negatively worded question it may mean
 * either: read as typed. Null for a tap (no text, or a Zalo menu number) and for any other answer.
 */
function typedBare(state: ScreeningState, step: QuestionStep, text: string): Outcome | null {
  if (step.kind !== 'indicator' || !text || /^\d/.test(text)) return null;
  const { data } = state;
  const bare = readBareAnswer(step.indicator.id, text, data.misses > 0);
  if (!bare) return null;
  if ('ask' in bare) return { kind: 'clarify', titles: bare.ask };
  return { kind: 'accept', data: { ...data, answers: { ...data.answers, [step.indicator.id]: bare.deprived } }, lead: bare.said };
}

/**
 * A typed income, each amount by its own period and person ("1 năm bán lợn 30tr, làm thuê 2tr 1 tháng"), said back
 * with the check against the line when it took working out; an income by the day asks the days worked next. Null
 * when the answer names no amount.
 */
function typedIncome(standard: Standard, data: FlowData, text: string): Outcome | null {
  const parts = incomeParts(text);
  if (parts.length === 0) return null;
  const size = data.householdSize!;
  const { monthly, daily } = monthlyIncome(parts, size);
  if (daily > 0) return { kind: 'accept', data: { ...data, daily: { perDay: daily, monthly } } };
  const next = { ...data, income: { amount: monthly } };
  const workedOut = parts.length > 1 || parts.some((p) => p.perPerson || p.period !== 'month');
  const said = workedOut ? `Mình tính thu nhập cả hộ: ${parts.map((p) => partWords(p, size)).join(' + ')} = ${formatDong(monthly)} đồng/tháng.` : undefined;
  return { kind: 'accept', data: next, lead: [said, incomeCheck(standard, next)].filter(Boolean).join('\n') };
}

function partWords(part: IncomePart, size: number): string {
  const per = { day: 'ngày', month: 'tháng', year: 'năm' }[part.period];
  const amount = `${formatDong(part.value)} đồng/${part.perPerson ? 'người/' : ''}${per}`;
  const times = part.perPerson ? ` × ${size} người` : '';
  return part.period === 'year' ? `${amount}${times} ÷ 12 tháng` : `${amount}${times}`;
}

/** "22 ngày", "tầm 20", "ngày nào cũng làm": the days worked in a month, or null. */
function readDays(text: string): number | null {
  const folded = fold(text);
  if (/\b(ngay nao cung|ca thang|quanh nam|suot|deu deu|thang nao cung du)\b/.test(folded)) return DAYS_IN_MONTH;
  const said = /(?<![\d.,])(\d{1,2})(?![\d.,])/.exec(folded);
  return said ? Number(said[1]) : null;
}
const DAYS_IN_MONTH = 30;

/** The income once the days worked a month are known: said back, with the check against the line. */
function workedDays(state: ScreeningState, days: number): Outcome | null {
  const { data } = state;
  if (!data.daily || !Number.isInteger(days) || days < 1 || days > 31) return null;
  const { perDay, monthly } = data.daily;
  const amount = Math.round(perDay * days + monthly);
  const { daily: _done, ...rest } = data;
  const next = { ...rest, income: { amount } };
  const besides = monthly > 0 ? ` + ${formatDong(monthly)} đồng` : '';
  const said = `Mình tính thu nhập cả hộ: ${formatDong(perDay)} đồng × ${days} ngày${besides} = ${formatDong(amount)} đồng/tháng.`;
  return { kind: 'accept', data: next, lead: [said, incomeCheck(state.standard, next)].filter(Boolean).join('\n') };
}

/**
 * What the line is ("bn thì dc hộ nghèo"), for this household when its area and size are known; why the question is
 * asked ("sao phải hỏi cái này"). Null for anything else.
 */
function asideAnswer(state: ScreeningState, step: QuestionStep, text: string): string | null {
  const { standard, data } = state;
  if (asksTheLine(text)) {
    if (!data.area || !data.householdSize) return ruleLine(standard, data.area);
    const rule = standard.areas[data.area];
    const min = standard.classification.minDeprivationsForPoor;
    return (
      `👉 Hộ ${data.householdSize} người ở khu vực ${rule.label}: chuẩn nghèo là ${formatDong(rule.incomeLine)} đồng/người/tháng, tức thu nhập cả ` +
      `hộ từ ${formatDong(rule.incomeLine * data.householdSize)} đồng/tháng trở xuống. Khi đó thiếu hụt từ ${min} chỉ số trở lên là hộ nghèo, ` +
      `ít hơn là hộ cận nghèo.`
    );
  }
  if (!asksWhy(text)) return null;
  const min = standard.classification.minDeprivationsForPoor;
  switch (step.kind) {
    case 'area':
      return 'Chuẩn nghèo ở nông thôn (xã) và thành thị (phường) khác nhau, nên cần biết nhà bạn ở đâu.';
    case 'size':
    case 'income':
    case 'days':
      return 'Chuẩn nghèo tính theo thu nhập bình quân mỗi người mỗi tháng: thu nhập cả hộ chia cho số người trong hộ.';
    case 'indicator':
      return (
        `Câu này hỏi về chỉ số “${step.indicator.label}”, một trong các chỉ số thiếu hụt dịch vụ xã hội cơ bản của chuẩn nghèo: hộ có ` +
        `thu nhập từ chuẩn nghèo trở xuống mà thiếu hụt từ ${min} chỉ số trở lên là hộ nghèo, ít hơn là hộ cận nghèo.`
      );
  }
}


/** The schooling indicators: the same words ("bỏ học") say one or the other, by the age told. */
const SCHOOLING = ['adult_education', 'child_schooling'];

/** An indicator's answer recorded from what the citizen told, said back before the next question. */
const recordedLine = (label: string, deprived: boolean) => `• ${label}: ${deprived ? 'có thiếu hụt' : 'không thiếu hụt'}`;
/** Said when the question asked stays open after answers recorded for others; it is repeated below. */
const STILL_ASKED = 'Còn câu mình đang hỏi:';

/**
 * An answer that states facts for other questions instead of the one asked ("nước giếng khoan" while the housing
 * question is open: villagers tell what they know in their own order): those not answered yet are recorded, with a
 * line saying so, and the question asked stays open. A retry when it only speaks of questions already answered;
 * null when it states nothing for another question.
 */
function otherQuestionsOutcome(state: ScreeningState, asked: string, text: string): Outcome | null {
  const { stated, droppedOut } = statedFor(state, asked, text);
  if (stated.length === 0) return droppedOut ? { kind: 'retry', reason: 'other_question' } : null;
  const { answers, lines } = recordStated(state, stated);
  if (lines.length === 0) return { kind: 'retry', reason: 'other_question' };
  return { kind: 'accept', data: { ...state.data, answers }, lead: ['Mình ghi nhận cho câu sau:', ...lines, STILL_ASKED].join('\n') };
}

/**
 * What a message states for the indicators other than `asked` (null: any), read one by one; `droppedOut`: a
 * drop-out of no told age was left to the schooling questions.
 */
function statedFor(state: ScreeningState, asked: string | null, text: string) {
  // Nothing asked: the opening message, whose loose single words ("đợt này") are no answer.
  const options = { phrasesOnly: asked === null };
  let stated = indicatorsOf(state.standard)
    .filter((i) => i.id !== asked)
    .map((indicator) => ({ indicator, statement: readIndicatorStatement(indicator.id, text, state.data.householdSize, options) }))
    .filter((s) => s.statement !== null);
  // "con e bỏ học năm ngoái": one drop-out of no told age is a child's or a young adult's, not both; their own
  // questions ask which.
  const droppedOut = stated.filter((s) => SCHOOLING.includes(s.indicator.id) && s.statement === 'deprived');
  if (droppedOut.length > 1) stated = stated.filter((s) => !droppedOut.includes(s));
  // "2 đứa con đi học cả": children at school, which says nothing of a 16–30-year-old who left ("ko ai bỏ học" does).
  const atSchool = stated.filter((s) => SCHOOLING.includes(s.indicator.id) && s.statement === 'not_deprived');
  if (atSchool.length > 1 && CHILDREN.test(fold(text))) stated = stated.filter((s) => s.indicator.id !== 'adult_education');
  return { stated, droppedOut: droppedOut.length > 1 };
}

/** The answers with those stated (see statedFor) for indicators not answered yet, each said back as a line or in words. */
function recordStated(state: ScreeningState, stated: ReturnType<typeof statedFor>['stated']) {
  const answers = { ...state.data.answers };
  const lines: string[] = [];
  const words: string[] = [];
  for (const { indicator, statement } of stated) {
    if (indicator.id in answers || statement === 'mixed' || statement === 'partial') continue;
    answers[indicator.id] = statement === 'deprived';
    lines.push(`${recordedLine(indicator.label, statement === 'deprived')}.`);
    words.push(`${indicator.label.toLowerCase()}: ${statement === 'deprived' ? 'có thiếu hụt' : 'không thiếu hụt'}`);
  }
  return { answers, lines, words };
}

/**
 * What a free-text answer says about members (BHYT cards, schooling), recorded for every indicator it settles, with
 * a line saying so; null when it says nothing of the kind. The question asked stays open unless the message settles
 * it, and the flow then asks what is still open.
 */
function factsOutcome(state: ScreeningState, asked: string, text: string): Outcome | null {
  const { facts, youngWithoutCard } = readHouseholdFacts(text, asked);
  const indicators = indicatorsOf(state.standard);
  const known = facts.filter((f) => indicators.some((i) => i.id === f.indicator));
  if (known.length === 0 && !youngWithoutCard) return null;
  const answers = { ...state.data.answers };
  for (const fact of known) answers[fact.indicator] = fact.deprived;
  const lines = known.map((f) => {
    const label = indicators.find((i) => i.id === f.indicator)!.label;
    return `${recordedLine(label, f.deprived)} (${f.who}).`;
  });
  if (youngWithoutCard) {
    lines.push(
      `• Trẻ em dưới ${BHYT_FROM_AGE} tuổi được cấp thẻ bảo hiểm y tế miễn phí nên không tính là thiếu hụt; nếu bé chưa có thẻ, bạn hỏi UBND xã/phường để làm.`,
    );
  }
  // The question asked is repeated below when the message did not settle it: say it is still open.
  if (!(asked in answers)) lines.push(STILL_ASKED);
  return { kind: 'accept', data: { ...state.data, answers }, lead: ['Mình ghi nhận:', ...lines].join('\n') };
}

/**
 * Area, size and income not known yet that the citizen told — in a message that answers another question, or before
 * the assessment started — in the order the flow asks them, each with the words that say it back. `named`: the area
 * of a commune named in the message; `amounts`: gives the message's words whose amounts nothing names ("tầm 4tr") are
 * the household's income a month (see amountWords), as in the self-assessment, whose only amount asked is that.
 */
function toldFacts(
  standard: Standard,
  text: string,
  data: FlowData,
  known: CitizenFacts,
  { named = null, amounts }: { named?: Area | null; amounts?: () => string | null } = {},
): { step: string; data: Partial<FlowData>; words: string }[] {
  const out: { step: string; data: Partial<FlowData>; words: string }[] = [];
  const area = data.area ?? named ?? (text ? (areaClause(text) ?? areaMentioned(text)) : null) ?? known.area;
  if (!data.area && area) out.push({ step: 'area', data: { area }, words: `khu vực ${standard.areas[area].label}` });
  // "vợ chồng e với 2 đứa nhỏ": members told in passing are the size too; "vợ chồng em" alone is who asks, not all.
  const members = text ? householdMembers(text) : null;
  const counted = known.householdSize ?? (members && 'total' in members && members.groups > 1 ? members.total : undefined);
  const told = counted !== undefined && counted <= MAX_HOUSEHOLD_SIZE ? counted : undefined;
  const size = data.householdSize ?? told;
  if (!data.householdSize && size) out.push({ step: 'size', data: { householdSize: size }, words: `${size} người` });
  if (data.income || data.daily) return out;
  const words = known.monthlyIncome === undefined ? amounts?.() : null;
  const income =
    known.monthlyIncome ??
    (known.incomePerPerson !== undefined && size ? known.incomePerPerson * size : undefined) ??
    (words ? unnamedIncome(words, size) : undefined);
  if (income !== undefined) {
    out.push({ step: 'income', data: { income: { amount: income } }, words: `thu nhập cả hộ ${formatDong(income)} đồng/tháng` });
    return out;
  }
  // "chồng phụ hồ 200k 1 ngày": the days worked are asked before the income is known.
  const parts = text ? incomeParts(text) : [];
  if (parts.some((p) => p.period === 'day') && (size || !parts.some((p) => p.perPerson))) {
    const { monthly, daily } = monthlyIncome(parts, size ?? 1);
    out.push({ step: 'income', data: { daily: { perDay: daily, monthly } }, words: `thu nhập ${formatDong(daily)} đồng một ngày` });
  }
  return out;
}

/**
 * The household's income a month in a message whose amounts nothing names ("tầm 4tr", "khoảng 4 triệu/tháng", "1 năm
 * 30tr"), where the only amount asked is that: undefined when there is none, or it is said by the day (the days
 * worked are asked) or per person of a household of unknown size.
 */
function unnamedIncome(text: string, size: number | undefined): number | undefined {
  if (!readFacts(text).unnamedAmounts) return undefined;
  const parts = incomeParts(text);
  if (parts.length === 0 || parts.some((p) => p.period === 'day') || (!size && parts.some((p) => p.perPerson))) return undefined;
  return monthlyIncome(parts, size ?? 1).monthly;
}

/**
 * The area, size and income a message says outright, whichever question is open, for comparing with those known:
 * "ở quê", "nông thôn", "nhà 5 người", "thu nhập 4tr", and "tầm 4tr" (read in `amounts`, see amountWords). `named`:
 * the area of a commune named in it.
 */
function firstAnswersSaid(text: string, named: Area | null, amounts: () => string | null): { area?: Area; size?: number; income?: number } {
  const { facts } = readFacts(text);
  const area = areaClause(text) ?? areaMentioned(text) ?? facts.area ?? named ?? undefined;
  const size = facts.householdSize !== undefined && facts.householdSize <= MAX_HOUSEHOLD_SIZE ? facts.householdSize : undefined;
  const words = facts.monthlyIncome === undefined ? amounts() : null;
  const income = facts.monthlyIncome ?? (words ? unnamedIncome(words, size) : undefined);
  return { ...(area ? { area } : {}), ...(size !== undefined ? { size } : {}), ...(income !== undefined ? { income } : {}) };
}

/**
 * Whether the check against the line is worth saying after a change from `before` to `after`: size and income known
 * together for the first time, or the area added to them (`moved`: or any of the three changed).
 */
function completesCheck(before: FlowData, after: FlowData, moved = false): boolean {
  if (!after.income || !after.householdSize) return false;
  if (!before.income || !before.householdSize || (!before.area && after.area)) return true;
  return moved && (after.area !== before.area || after.householdSize !== before.householdSize || after.income.amount !== before.income.amount);
}

/** The standard in one line: the income lines of the asker's area (or both) and the deprivations that make a household poor. */
function ruleLine(standard: Standard, area: Area | undefined): string {
  const lines = (area ? [area] : AREAS).map((a) => `${formatDong(standard.areas[a].incomeLine)} đồng ở ${standard.areas[a].label}`).join(', ');
  const min = standard.classification.minDeprivationsForPoor;
  return (
    `👉 Thu nhập bình quân từ ${lines} (mỗi người, mỗi tháng) trở xuống: thiếu hụt từ ${min} chỉ số dịch vụ xã hội ` +
    `cơ bản trở lên là hộ nghèo, dưới ${min} chỉ số là hộ cận nghèo.`
  );
}

/**
 * The one-line check once size and income are known: income per person against today's line(s), before the
 * questions that decide the rest.
 */
function incomeCheck(standard: Standard, data: FlowData): string | null {
  if (!data.householdSize || !data.income) return null;
  const perPerson = data.income.amount / data.householdSize;
  const areas = data.area ? [data.area] : AREAS;
  const lines = areas.map((a) => `${standard.areas[a].label} ${formatDong(standard.areas[a].incomeLine)}`).join(', ');
  const below = areas.filter((a) => perPerson <= standard.areas[a].incomeLine);
  const verdict =
    below.length === areas.length
      ? `bằng hoặc dưới chuẩn nghèo: hộ nghèo nếu thiếu hụt từ ${standard.classification.minDeprivationsForPoor} chỉ số trở lên, hộ cận nghèo nếu ít hơn`
      : below.length === 0
        ? 'cao hơn chuẩn nghèo'
        : `dưới chuẩn nghèo khu vực ${standard.areas[below[0]!].label}`;
  return `👉 Bình quân ${formatDong(perPerson)} đồng/người/tháng: ${verdict} (chuẩn nghèo: ${lines} đồng/người/tháng).`;
}

function householdOf(standard: Standard, data: FlowData): Household {
  return {
    area: data.area!,
    householdSize: data.householdSize!,
    monthlyIncome: data.income!.amount,
    deprivations: Object.entries(data.answers)
      .filter(([, deprived]) => deprived)
      .map(([id]) => id),
    deprivationsAssessed: deprivationsMatter(standard, data.area!, data.householdSize!, data.income!.amount),
  };
}

/**
 * The household in the "Xem tất cả quyền lợi" button, so the full result needs no stored state (the flow has ended):
 * `standard|date|area|size|income|deprived indicators by position in the standard, base 36|assessed`. Short enough
 * for the widget's 200-character payloads with all 12 indicators.
 */
function detailsPayload(state: ScreeningState, household: Household): string {
  const ids = indicatorsOf(state.standard).map((i) => i.id);
  const deprived = household.deprivations.map((id) => ids.indexOf(id).toString(36)).join('');
  const fields = [state.standard.id, state.data.date, household.area, household.householdSize, Math.round(household.monthlyIncome), deprived];
  return `${DETAILS_PREFIX}${[...fields, household.deprivationsAssessed === false ? 0 : 1].join('|')}`;
}

function readDetailsPayload(rules: PovertyRules, payload: string): { standard: Standard; date: string; household: Household } | null {
  const [standardId, date, area, size, income, deprived, assessed] = payload.slice(DETAILS_PREFIX.length).split('|');
  const standard = rules.standards.find((s) => s.id === standardId);
  const householdSize = Number(size);
  const monthlyIncome = Number(income);
  if (!standard || !date || !(AREAS as readonly unknown[]).includes(area) || deprived === undefined) return null;
  if (!Number.isInteger(householdSize) || householdSize < 1 || householdSize > MAX_HOUSEHOLD_SIZE || !(monthlyIncome >= 0)) return null;
  if (standardOn(rules.standards, date) !== standard) return null;
  const indicators = indicatorsOf(standard);
  const deprivations = [...new Set(deprived)].map((c) => indicators[Number.parseInt(c, 36)]?.id);
  if (deprivations.some((id) => id === undefined)) return null;
  return {
    standard,
    date,
    household: { area: area as Area, householdSize, monthlyIncome, deprivations: deprivations as string[], deprivationsAssessed: assessed !== '0' },
  };
}

/** What is offered for keeping: the answers, nothing else from the conversation. */
function keptRecord(state: ScreeningState, household: Household): Record<string, unknown> {
  return {
    standardId: state.standard.id,
    date: state.data.date,
    area: household.area,
    householdSize: household.householdSize,
    monthlyIncome: household.monthlyIncome,
    incomeRange: state.data.income?.range ?? null,
    answers: state.data.answers,
  };
}
