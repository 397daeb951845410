/**
 * How an amount of income is meant: "240 triệu một năm", "2tr mỗi người", "4tr5/tháng", "200k 1 ngày", "không có thu
 * nhập". Used by the screening flow and by the facts read from any message.
 */
import { fold } from '../../text/fold.js';
import { findMoney } from './money.js';

/** "không có thu nhập gì", "chưa có đồng nào cả", "ko kiếm được gì": folded, particles at the end left out. */
const NO_INCOME =
  /^(0|0 dong|khong|ko|k|chua|khong co|ko co|k co|chua co)( (thu nhap|tien|dong nao|gi|thu nhap gi|gi het|gi ca|nguon thu|nguon thu nhap|kiem duoc gi|lam duoc gi|thu gi))?( (ca|het|luon|nao|dau|nua))*$|^(khong|ko|k|chua) (kiem|lam ra|lam|co)( (duoc|dc))? (gi|dong nao|tien)( (ca|het|luon|nao|dau|nua))*$/;

export interface IncomeBasis {
  perPerson: boolean;
  perYear: boolean;
  /** An amount is earned by the day ("200k 1 ngày"): the month's income needs the days worked. */
  perDay: boolean;
  none: boolean;
  /** The text without "một năm", "mỗi người"…: read alone, "240 triệu một năm" would be 240,100,000 ("một" = 100,000). */
  amountText: string;
}

/** "một năm", "mỗi người", "mỗi ng", "/tháng", "đầu người"…: the period or person an amount is given for. */
// "ngày 200k": a bare "ngày" right before an amount is by the day too ("ngày 15 được 2tr" is a date).
const PER =
  /(?:\/\s*|(?<![\p{L}\d])(?:một|mot|1|mỗi|moi|hằng|hang|cả|ca|trong|đầu|dau)\s+|(?<![\p{L}\d])(?=(?:ngày|ngay)\s+\d{1,3}(?:[.,]\d+)?\s*(?:k|nghìn|nghin|ngàn|ngan|tr|triệu|trieu)(?![\p{L}])))(năm|nam|tháng|thang|ngày|ngay|người|nguoi|ng)(?![\p{L}\d])/giu;

/** "4 5 triệu", "4-5tr", "từ 4 đến 5 triệu": a range of millions, taken at its middle. */
const MILLION_RANGE = /(?<![\d.,])(\d{1,3})\s*(?:-|–|\s|(?:đến|den|tới|toi|hoặc|hoac)\s)\s*(\d{1,3})\s*(triệu|trieu|tr|củ|cu)(?![\p{L}])/iu;
/** "1tr5 đến 2tr", "3 triệu - 4 triệu rưỡi": a range of millions with the unit on both ends, taken at its middle. */
const MILLION_UNIT = String.raw`(\d{1,3})\s*(?:triệu|trieu|tr|củ|cu)(?:\s*(\d{1,2})(?![\d.,])|\s+(rưỡi|ruoi))?`;
const MILLIONS_RANGE = new RegExp(
  String.raw`(?<![\d.,])${MILLION_UNIT}\s*(?:-|–|đến|den|tới|toi|hoặc|hoac|hay)\s*${MILLION_UNIT}(?![\p{L}\d])`,
  'iu',
);
const millions = (whole: string, tenths: string | undefined, half: string | undefined) =>
  Number(whole) + (tenths ? Number(`0.${tenths}`) : half ? 0.5 : 0);
/** "8 trăm" with no larger unit in the message: hundreds of thousands, as an income is said. */
const HUNDREDS = /(?<![\d.,])(\d{1,3})\s*(trăm|tram)(?![\p{L}])/iu;
const LARGER_UNIT = /(?<![\p{L}])(triệu|trieu|tr|củ|cu|nghìn|nghin|ngàn|ngan|k|đồng|dong)(?![\p{L}])/iu;

/** The amount words with a range at its middle and "8 trăm" as 800 nghìn. */
function plainAmount(text: string): string {
  let out = text.replace(MILLIONS_RANGE, (whole, a: string, at: string, ah: string, b: string, bt: string, bh: string) => {
    const [low, high] = [millions(a, at, ah), millions(b, bt, bh)];
    return high > low ? `${String((low + high) / 2).replace('.', ',')} triệu` : whole;
  });
  out = out.replace(MILLION_RANGE, (whole, low: string, high: string, unit: string) => {
    const [a, b] = [Number(low), Number(high)];
    return b > a ? `${String((a + b) / 2).replace('.', ',')} ${unit}` : whole;
  });
  if (!LARGER_UNIT.test(out)) out = out.replace(HUNDREDS, (_whole, n: string) => `${Number(n) * 100} nghìn`);
  return out;
}

/** How a typed amount is meant: for each person, for the year, or "no income" at all. */
export function incomeBasis(text: string): IncomeBasis {
  const normalized = text.normalize('NFC');
  const units = [...normalized.matchAll(PER)].map((m) => fold(m[1]!));
  return {
    perPerson: units.includes('nguoi') || units.includes('ng') || /\b(binh quan|bq)\b/.test(fold(text)),
    perYear: units.includes('nam'),
    perDay: units.includes('ngay'),
    none: NO_INCOME.test(fold(text).replace(/^(da|vang|u)\s+/, '').replace(/\s+(a|nhe|nha|em|chau)$/, '')),
    amountText: plainAmount(normalized.replace(PER, ' ').replace(/\s+/g, ' ').trim()),
  };
}

export type IncomePeriod = 'day' | 'month' | 'year';

/** One amount of an income answer, with the period and person it is said for. */
export interface IncomePart {
  value: number;
  period: IncomePeriod;
  perPerson: boolean;
}

/** Stand-ins for "một năm", "mỗi người"… in the text the amounts are read from: words that are no number. */
const MARKS: Readonly<Record<string, string>> = { nam: 'qqyear', thang: 'qqmonth', ngay: 'qqday', nguoi: 'qqperson', ng: 'qqperson' };
const PERIOD_OF_MARK: Readonly<Record<string, IncomePeriod>> = { qqyear: 'year', qqmonth: 'month', qqday: 'day' };
/** Where one earner's or one source's words end: "chồng 5tr, em bán rau 1tr", "30tr 1 năm và 2tr 1 tháng". */
const CLAUSE_END = /[,;\n+]|\.(?!\d)|\s(?:và|va|với|voi|còn|con|cộng|cong|thêm|them)\s/giu;

/**
 * Every amount of an answer about the household's income, each with its own period: "1 năm bán lợn được 30tr, làm
 * thuê thêm 2tr 1 tháng" is 30 million a year and 2 million a month. A period said once for the whole message
 * ("chồng 5tr, em 1tr 1 tháng") holds for every amount; none is a month. One amount said to be the total ("… tổng
 * cộng 6tr") stands alone. Empty when the answer names no amount.
 */
export function incomeParts(text: string): IncomePart[] {
  const normalized = text.normalize('NFC');
  const marked = plainAmount(normalized.replace(PER, (_whole, unit: string) => ` ${MARKS[fold(unit)]} `));
  const everyPerson = /\b(binh quan|bq)\b/.test(fold(text));
  const periods = new Set([...marked.matchAll(/qq(year|month|day)\b/g)].map((m) => PERIOD_OF_MARK[m[0]]!));
  const common: IncomePeriod = periods.size === 1 ? [...periods][0]! : 'month';
  const bounds = [0, ...[...marked.matchAll(CLAUSE_END)].map((m) => m.index), marked.length];
  const amounts = findMoney(marked).map((m) => {
    const from = Math.max(...bounds.filter((b) => b <= m.start));
    const to = Math.min(...bounds.filter((b) => b >= m.end));
    // The period said after the amount in its clause ("20tr 1 năm"), else before it ("1 năm được 30tr").
    const after = marked.slice(m.end, to).match(/qq(year|month|day)\b/)?.[0];
    const before = marked.slice(from, m.start).match(/qq(year|month|day)\b(?!.*qq(?:year|month|day))/)?.[0];
    const mark = after ?? before;
    return {
      start: m.start,
      value: m.value as number,
      period: mark ? PERIOD_OF_MARK[mark]! : common,
      perPerson: everyPerson || marked.slice(from, to).includes('qqperson'),
    };
  });
  const total = amounts.find((a) => TOTAL.test(marked.slice(0, a.start)));
  return (total ? [total] : amounts).map(({ value, period, perPerson }) => ({ value, period, perPerson }));
}

const MONTHS_A_YEAR = 12;

/**
 * The household's income a month from the parts of an answer (`size`: the household's, for amounts said per
 * person), with the per-day amounts kept apart: `daily` is what the household earns on a day worked.
 */
export function monthlyIncome(parts: readonly IncomePart[], size: number): { monthly: number; daily: number } {
  let monthly = 0;
  let daily = 0;
  for (const part of parts) {
    const value = part.value * (part.perPerson ? size : 1);
    if (part.period === 'day') daily += value;
    else monthly += part.period === 'year' ? value / MONTHS_A_YEAR : value;
  }
  return { monthly: Math.round(monthly), daily };
}

/** Words right before an amount that say it is already the household's total ("tổng 6tr", "cả nhà được 6tr"). */
const TOTAL = /(?<![\p{L}])(tổng|tong|tất cả|tat ca|cả nhà|ca nha|cả hộ|ca ho|cộng lại|cong lai|gộp lại|gop lai)(?![\p{L}])[^\d]{0,15}$/iu;

/**
 * The household's amount in an answer about its income (`amountText` of incomeBasis), which may name several earners
 * or sources ("chồng phụ hồ 5tr, em bán rau 1tr" → 6tr): their amounts added up, unless one is said to be the total
 * ("… tổng cộng 6tr").
 */
export function householdAmount(amountText: string): number | undefined {
  const amounts = findMoney(amountText).map((m) => ({ start: m.start, value: m.value as number }));
  return amounts.length > 0 ? addedUp(amounts, amountText) : undefined;
}

/** Amounts of one household's income in `text` added up, or the one said to be the total. */
export function addedUp(amounts: readonly { start: number; value: number }[], text: string): number {
  const total = amounts.find((a) => TOTAL.test(text.slice(0, a.start)));
  return total ? total.value : amounts.reduce((sum, a) => sum + a.value, 0);
}
