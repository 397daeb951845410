/**
 * How an amount of income is meant: "240 triệu một năm", "2tr mỗi người", "4tr5/tháng", "không có thu nhập". Used by
 * the screening flow and by the facts read from any message.
 */
import { fold } from '../../text/fold.js';
import { findMoney } from './money.js';

const NO_INCOME = /^(0|0 dong|khong|khong co|khong co gi|khong co thu nhap|chua co|chua co thu nhap|khong co dong nao)$/;

export interface IncomeBasis {
  perPerson: boolean;
  perYear: boolean;
  none: boolean;
  /** The text without "một năm", "mỗi người"…: read alone, "240 triệu một năm" would be 240,100,000 ("một" = 100,000). */
  amountText: string;
}

/** "một năm", "mỗi người", "mỗi ng", "/tháng", "đầu người"…: the period or person an amount is given for. */
const PER = /(?:\/\s*|(?<![\p{L}\d])(?:một|mot|1|mỗi|moi|hằng|hang|cả|ca|trong|đầu|dau)\s+)(năm|nam|tháng|thang|người|nguoi|ng)(?![\p{L}\d])/giu;

/** "4 5 triệu", "4-5tr", "từ 4 đến 5 triệu": a range of millions, taken at its middle. */
const MILLION_RANGE = /(?<![\d.,])(\d{1,3})\s*(?:-|–|\s|(?:đến|den|tới|toi|hoặc|hoac)\s)\s*(\d{1,3})\s*(triệu|trieu|tr|củ|cu)(?![\p{L}])/iu;
/** "8 trăm" with no larger unit in the message: hundreds of thousands, as an income is said. */
const HUNDREDS = /(?<![\d.,])(\d{1,3})\s*(trăm|tram)(?![\p{L}])/iu;
const LARGER_UNIT = /(?<![\p{L}])(triệu|trieu|tr|củ|cu|nghìn|nghin|ngàn|ngan|k|đồng|dong)(?![\p{L}])/iu;

/** The amount words with a range at its middle and "8 trăm" as 800 nghìn. */
function plainAmount(text: string): string {
  let out = text.replace(MILLION_RANGE, (whole, low: string, high: string, unit: string) => {
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
    none: NO_INCOME.test(fold(text).replace(/^(da|vang|u)\s+/, '').replace(/\s+(a|nhe|nha)$/, '')),
    amountText: plainAmount(normalized.replace(PER, ' ').replace(/\s+/g, ' ').trim()),
  };
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
