import { z } from 'zod';
import { deprivationsMatter } from '../../domain/poverty/classify.js';
import { nextIndicatorToAsk, remainingIndicatorBound } from '../../domain/poverty/question-plan.js';
import { indicatorsOf, standardOn } from '../../domain/poverty/standards.js';
import { AREAS, CATEGORIES, type Indicator, MAX_HOUSEHOLD_SIZE, type PovertyRules, type Standard } from '../../domain/poverty/types.js';
import type { FlowState } from '../../engine/types.js';
import { perObject } from '../../memo.js';
import { schemaStamp } from '../../schema-stamp.js';

export const SCREENING_SKILL = 'screening';

/**
 * What the flow knows about the household. It lives only in the chat session (soft state that expires with it)
 * unless the citizen agrees to keep it. The standard is fixed when the screening starts, so a conversation that
 * crosses midnight on 31/12/2026 is not judged half by one standard and half by the other.
 */
const flowDataSchema = z.object({
  standardId: z.string(),
  /** YYYY-MM-DD the screening started: the date its rules and entitlements are taken from. */
  date: z.string(),
  area: z.enum(AREAS).optional(),
  householdSize: z.number().int().min(1).max(MAX_HOUSEHOLD_SIZE).optional(),
  income: z
    .object({
      amount: z.number().min(0),
      /** Set when a range button was chosen: the range in words, since `amount` is only a point inside it. */
      range: z.string().optional(),
    })
    .optional(),
  /**
   * Income said by the day ("phụ hồ 200k 1 ngày"), until the days worked in a month are told: what a day worked
   * brings the household, and what it earns a month besides (other earners, other sources).
   */
  daily: z.object({ perDay: z.number().positive(), monthly: z.number().min(0) }).optional(),
  /** Indicator id → deprived, in the order asked. */
  answers: z.record(z.string(), z.boolean()),
  /** Unusable answers in a row to the current question. */
  misses: z.number().int().min(0),
  /**
   * Once the assessment has a result: the id its answers are offered for keeping under. A correction of the result
   * keeps the same id, so its answers replace the earlier ones (kept or held) instead of lying beside them.
   */
  keptId: z.string().optional(),
  /**
   * A correction of the result being worked out (it asks the questions the change made matter first): the result it
   * corrects and what changed, in words, for the corrected result's message.
   */
  corrects: z.object({ category: z.enum(CATEGORIES), changes: z.array(z.string()) }).optional(),
});
export type FlowData = z.infer<typeof flowDataSchema>;

export type QuestionStep =
  | { kind: 'area' }
  | { kind: 'size' }
  | { kind: 'income' }
  /** After an income said by the day: how many days a month are worked. */
  | { kind: 'days' }
  | { kind: 'indicator'; indicator: Indicator };
/** `done`: nothing left to ask can change the result. */
export type Step = QuestionStep | { kind: 'done' };

export interface ScreeningState {
  standard: Standard;
  data: FlowData;
  history: { step: string; data: FlowData }[];
}

export function freshData(standard: Standard, date: string): FlowData {
  return { standardId: standard.id, date, answers: {}, misses: 0 };
}

/** The question the flow is on, derived from what is known; "done" once the result can be given. */
export function currentStep(state: Pick<ScreeningState, 'standard' | 'data'>): Step {
  const { standard, data } = state;
  if (!data.area) return { kind: 'area' };
  if (!data.householdSize) return { kind: 'size' };
  if (!data.income) return data.daily ? { kind: 'days' } : { kind: 'income' };
  if (deprivationsMatter(standard, data.area, data.householdSize, data.income.amount)) {
    const indicator = nextIndicatorToAsk(standard, data.answers);
    if (indicator) return { kind: 'indicator', indicator };
  }
  return { kind: 'done' };
}

export function stepName(step: QuestionStep): string {
  return step.kind === 'indicator' ? `indicator:${step.indicator.id}` : step.kind;
}

/** "Câu 4/15": this question's number, and the most questions the screening can take from here. */
export function progress(state: ScreeningState, step: QuestionStep): { number: number; total: number } {
  const { standard, data } = state;
  // Questions answered, not steps taken: a correction or an answer given ahead is a step, not a question.
  const known = [data.area, data.householdSize, data.income].filter((v) => v !== undefined).length;
  const answered = known + Object.keys(data.answers).length;
  // The question's place among those answered before it: asked again after answers given ahead ("nhà dùng giếng
  // khoan" while the nutrition question waits), it keeps its number.
  const number = 1 + answeredBefore(state, step);
  let left = 3 - known;
  // Indicators told in the opening message are answered already.
  if (!data.area || !data.householdSize || !data.income) left += indicatorsOf(standard).filter((i) => data.answers[i.id] === undefined).length;
  else if (deprivationsMatter(standard, data.area, data.householdSize, data.income.amount)) {
    left += remainingIndicatorBound(standard, data.answers);
  }
  // `left` counts the current question too.
  return { number, total: answered + left };
}

/** How many of the area, size and income questions come before a step of each kind. */
const BASICS_BEFORE: Readonly<Record<QuestionStep['kind'], number>> = { area: 0, size: 1, income: 2, days: 2, indicator: 3 };

/** How many of the questions that come before `step` (area, size, income, then the indicators in order) are answered. */
function answeredBefore({ standard, data }: ScreeningState, step: QuestionStep): number {
  const basics = [data.area, data.householdSize, data.income];
  const basicsBefore = basics.slice(0, BASICS_BEFORE[step.kind]).filter((v) => v !== undefined).length;
  if (step.kind !== 'indicator') return basicsBefore;
  const indicators = indicatorsOf(standard);
  const at = indicators.findIndex((i) => i.id === step.indicator.id);
  return basicsBefore + indicators.slice(0, at).filter((i) => data.answers[i.id] !== undefined).length;
}

/**
 * Every flow toFlow writes carries its data's schema stamp. A flow with this version's stamp is read as written: its
 * data and history have this very shape, whether this process wrote it or another instance handed the session over
 * (Redis); validating it again (a zod pass over the data and every history entry) cost each handed-over turn. Any
 * other flow (a snapshot of an older version's) is validated. The content checks hold for both: instances may run
 * different content, and content changes across a restart. Flows are replaced on every step, never changed in place.
 */
const flowStamp = schemaStamp(flowDataSchema);

export function toFlow(state: ScreeningState, step: QuestionStep): FlowState {
  const history = state.history.map((h) => ({ step: h.step, data: h.data }));
  return { skill: SCREENING_SKILL, step: stepName(step), data: state.data, history, stamp: flowStamp() };
}

/** A finished screening's answers, kept with the session for a correction (read back with readState). */
export function finishedRecord(state: ScreeningState): { data: FlowData; stamp: string } {
  return { data: state.data, stamp: flowStamp() };
}

const indicatorIds = perObject((standard: Standard) => new Set(indicatorsOf(standard).map((i) => i.id)));

/** The state kept in the session, or null when it cannot be used any more (changed content, damaged snapshot). */
export function readState(rules: PovertyRules, flow: FlowState): ScreeningState | null {
  const asWritten = flow.stamp === flowStamp();
  const data = asWritten ? (flow.data as FlowData) : flowDataSchema.safeParse(flow.data).data;
  if (!data) return null;
  const standard = rules.standards.find((s) => s.id === data.standardId);
  if (!standard || standardOn(rules.standards, data.date) !== standard) return null;
  const indicators = indicatorIds(standard);
  if (Object.keys(data.answers).some((id) => !indicators.has(id))) return null;
  if (asWritten) return { standard, data, history: (flow.history ?? []) as ScreeningState['history'] };
  const history: ScreeningState['history'] = [];
  for (const entry of flow.history ?? []) {
    const parsed = flowDataSchema.safeParse(entry.data);
    if (!parsed.success) return null;
    history.push({ step: entry.step, data: parsed.data });
  }
  return { standard, data, history };
}
