/**
 * What a message said after the result changes in the answers it was worked out from: "à nhầm, nhà 5 người", "thu
 * nhập 3tr chứ ko phải 5tr", "nhà có nhà vệ sinh rồi". The skill works the result out again with the change.
 */
import { indicatorsOf } from '../../domain/poverty/standards.js';
import { type Area, MAX_HOUSEHOLD_SIZE } from '../../domain/poverty/types.js';
import { readFacts } from '../../nlu/facts.js';
import { isQuestion } from '../../nlu/question-focus.js';
import { fold } from '../../text/fold.js';
import { areaMentioned, householdMembers, incomeParts, monthlyIncome, readAreaWord } from './answers.js';
import type { FlowData, ScreeningState } from './flow-state.js';
import { formatDong } from './format.js';
import { readHouseholdFacts } from './household-facts.js';
import { readIndicatorStatement } from './indicator-statements.js';

/** Words that say an earlier answer was wrong: "nhầm", "sửa lại", "chứ không phải". */
export const CORRECTION = /\b(nham|sua lai|sua|sai roi|sai|xin loi|a khong|a ko|chu (?:khong|ko|k|kh) phai|(?:khong|ko|k) phai .+ ma)\b/;

/** "… chứ không phải 5tr", "không phải 5tr mà 3tr": the figure denied, left out before the one meant is read. */
const DENIED = [/\s*,?\s*ch[ứu]\s+(?:kh[ôo]ng|ko|k|kh)\s+ph[ảa]i\b[^,.;\n]*/giu, /\b(?:kh[ôo]ng|ko|k)\s+ph[ảa]i\b[^,.;\n]*?\bm[àa]\s+(?:l[àà]\s+)?/giu];

/** The message without the figures it denies: "thu nhập 3tr chứ ko phải 5tr" is 3tr. */
export function withoutDenied(text: string): string {
  return DENIED.reduce((t, re) => t.replace(re, ' '), text);
}

export interface Correction {
  data: FlowData;
  /** What changed, in words: "hộ 5 người (trước: 3 người)". */
  changes: string[];
  /** What the message told that the answers already held, in words, when it says it corrects ("nhầm, nhà 5 người"). */
  same: string[];
}

const SCHOOLING = ['adult_education', 'child_schooling'];

/**
 * The answers with what the message changes, or null when it changes nothing or is a question of its own ("thẻ bhyt
 * hộ cận nghèo được hỗ trợ bao nhiêu?" names the card but corrects nothing). `named`: the area of a commune named.
 */
export function readCorrection(state: ScreeningState, text: string, named: () => Area | null): Correction | null {
  const folded = fold(text);
  const correcting = CORRECTION.test(folded);
  if (!correcting && isQuestion(text)) return null;
  const meant = withoutDenied(text);
  const { standard } = state;
  let data = state.data;
  const changes: string[] = [];
  const same: string[] = [];

  const area = readAreaWord(meant) ?? areaMentioned(meant) ?? named();
  if (area && area !== 'special_zone' && area === data.area) same.push(`khu vực ${standard.areas[area].label}`);
  else if (area && area !== 'special_zone' && data.area) {
    changes.push(`khu vực ${standard.areas[area].label} (trước: ${standard.areas[data.area].label})`);
    data = { ...data, area };
  }

  const told = readFacts(meant).facts;
  const members = householdMembers(meant);
  const size = told.householdSize ?? (members && 'total' in members && members.groups > 1 ? members.total : undefined);
  if (size !== undefined && size === data.householdSize) same.push(`hộ ${size} người`);
  else if (size !== undefined && size <= MAX_HOUSEHOLD_SIZE && data.householdSize) {
    changes.push(`hộ ${size} người (trước: ${data.householdSize} người)`);
    data = { ...data, householdSize: size };
  }

  // An amount is an income only where the message says so or corrects ("vay 50tr" after the result is a loan).
  const parts = data.income && (correcting || told.monthlyIncome !== undefined) ? incomeParts(meant) : [];
  if (parts.length > 0) {
    const { monthly, daily } = monthlyIncome(parts, data.householdSize!);
    if (daily > 0) {
      // By the day: the days worked a month are asked before the income is known again.
      const { income: _before, ...rest } = data;
      changes.push(`thu nhập ${formatDong(daily)} đồng một ngày`);
      data = { ...rest, daily: { perDay: daily, monthly } };
    } else if (monthly === data.income!.amount) same.push(`thu nhập cả hộ ${formatDong(monthly)} đồng/tháng`);
    else {
      changes.push(`thu nhập cả hộ ${formatDong(monthly)} đồng/tháng (trước: ${formatDong(data.income!.amount)} đồng)`);
      data = { ...data, income: { amount: monthly } };
    }
  }

  const answers = { ...data.answers };
  const indicators = indicatorsOf(standard);
  const stated = new Map<string, boolean>();
  for (const fact of readHouseholdFacts(meant).facts) stated.set(fact.indicator, fact.deprived);
  const droppedOut: string[] = [];
  for (const indicator of indicators) {
    if (stated.has(indicator.id)) continue;
    const statement = readIndicatorStatement(indicator.id, meant, data.householdSize);
    if (statement === 'deprived' || statement === 'not_deprived') stated.set(indicator.id, statement === 'deprived');
    if (statement === 'deprived' && SCHOOLING.includes(indicator.id)) droppedOut.push(indicator.id);
  }
  // "con bỏ học rồi", of no told age: a child's or a young adult's, not both; the answers say which was meant.
  if (droppedOut.length > 1) for (const id of droppedOut) stated.delete(id);
  for (const indicator of indicators) {
    const deprived = stated.get(indicator.id);
    if (deprived === undefined) continue;
    if (answers[indicator.id] === deprived) {
      same.push(`${indicator.label.toLowerCase()}: ${deprived ? 'có thiếu hụt' : 'không thiếu hụt'}`);
      continue;
    }
    answers[indicator.id] = deprived;
    changes.push(`${indicator.label.toLowerCase()}: ${deprived ? 'có thiếu hụt' : 'không thiếu hụt'}`);
  }
  data = { ...data, answers };
  return changes.length > 0 || (correcting && same.length > 0) ? { data, changes, same } : null;
}
