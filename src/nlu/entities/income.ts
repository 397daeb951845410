/**
 * How an amount of income is meant: "240 triệu một năm", "2tr mỗi người", "4tr5/tháng", "không có thu nhập". Used by
 * the screening flow and by the facts read from any message.
 */
import { fold } from '../../text/fold.js';

const NO_INCOME = /^(0|0 dong|khong|khong co|khong co gi|khong co thu nhap|chua co|chua co thu nhap|khong co dong nao)$/;

export interface IncomeBasis {
  perPerson: boolean;
  perYear: boolean;
  none: boolean;
  /** The text without "một năm", "mỗi người"…: read alone, "240 triệu một năm" would be 240,100,000 ("một" = 100,000). */
  amountText: string;
}

/** "một năm", "mỗi người", "/tháng", "đầu người"…: the period or person an amount is given for. */
const PER = /(?:\/\s*|(?<![\p{L}\d])(?:một|mot|1|mỗi|moi|hằng|hang|cả|ca|trong|đầu|dau)\s+)(năm|nam|tháng|thang|người|nguoi)(?![\p{L}\d])/giu;

/** How a typed amount is meant: for each person, for the year, or "no income" at all. */
export function incomeBasis(text: string): IncomeBasis {
  const normalized = text.normalize('NFC');
  const units = [...normalized.matchAll(PER)].map((m) => fold(m[1]!));
  return {
    perPerson: units.includes('nguoi') || /\b(binh quan|bq)\b/.test(fold(text)),
    perYear: units.includes('nam'),
    none: NO_INCOME.test(fold(text).replace(/^(da|vang|u)\s+/, '').replace(/\s+(a|nhe|nha)$/, '')),
    amountText: normalized.replace(PER, ' ').replace(/\s+/g, ' ').trim(),
  };
}
