import { indicatorsOf } from '../../domain/poverty/standards.js';
import type { Category, PovertyRules, ScreeningResult, Standard } from '../../domain/poverty/types.js';
import type { FlowData, ScreeningState } from './flow-state.js';
import { formatDong } from './format.js';

/** The first bubble of a result must read on a phone without scrolling far (issue 16). */
export const SUMMARY_MAX_LENGTH = 900;
/** Entitlements named in the summary; the rest wait behind "Xem tất cả quyền lợi". */
const SUMMARY_ENTITLEMENTS = 4;
const FEWEST_SUMMARY_ENTITLEMENTS = 3;

type Entitlement = ScreeningResult['entitlements'][number];

/**
 * Entitlements that answer a deprivation the household reported: a household without BHYT cards wants to hear about
 * the card first, one with a child out of school about learning costs.
 */
const ENTITLEMENTS_FOR_INDICATOR: Readonly<Record<string, readonly string[]>> = {
  health_insurance: ['health_insurance_poor', 'health_insurance_near_poor', 'health_insurance_average_farming'],
  child_schooling: ['learning_cost_support', 'public_school_tuition'],
  adult_education: ['vocational_training', 'student_loan'],
  employment: ['job_loan', 'vocational_training'],
  drinking_water: ['clean_water_loan'],
  sanitation: ['clean_water_loan'],
};
/** The summary's pointer to the review (the form and the calendar are in the full result's next steps). */
const APPLY_LINE = '👉 Để được xét công nhận, bạn làm giấy đề nghị rà soát, nộp tại UBND xã/phường nơi cư trú.';
/** Deprivation-related entitlements named before the category's headline one. */
const RELATED_FIRST = 2;

/**
 * The entitlements by value for this household: up to two that answer its deprivations, then the category's headline
 * support (the content lists it first: the policy loan), then the other related ones, then the content's order.
 */
function byValueFor(result: ScreeningResult): Entitlement[] {
  const deprived = result.deprivedDimensions.flatMap((d) => d.indicators.map((i) => i.id));
  const wanted = new Set(deprived.flatMap((id) => ENTITLEMENTS_FOR_INDICATOR[id] ?? []));
  const related = result.entitlements.filter((e) => wanted.has(e.id));
  const order = [...related.slice(0, RELATED_FIRST), ...result.entitlements.slice(0, 1), ...related, ...result.entitlements];
  return [...new Set(order)];
}

/**
 * The result's first bubble, at most SUMMARY_MAX_LENGTH characters: the likely category, the one-line reason, the
 * most useful entitlements. Everything else is behind "Xem tất cả quyền lợi" (resultDetails).
 */
export function resultSummary(rules: PovertyRules, state: ScreeningState, result: ScreeningResult): string {
  const { standard, data } = state;
  const label = rules.guidance.categoryLabels[result.category];
  const verdict = result.category === 'none' ? `có khả năng ${label}` : `có khả năng thuộc diện ${label}`;
  const facts = [`Kết quả tự đánh giá theo ${standard.title}:`, `👉 Hộ của bạn ${verdict}.`, incomeLine(standard, data, result)];
  if (Object.keys(data.answers).length > 0) facts.push(deprivationLine(standard, data, result));
  // The caveat about the shortened questions belongs with the full details, not in the verdict.
  const notes = result.notes.filter((n) => n !== rules.guidance.notes.unconfirmedIndicators).map((n) => `• Lưu ý: ${n}`);
  const ranked = byValueFor(result);
  // Where to go is said with the verdict, not only behind the button: only the commune's review recognises a household.
  const next = result.category === 'poor' || result.category === 'near_poor' ? APPLY_LINE : undefined;
  const compose = (noteCount: number, shown: number) => {
    const lines = [...facts, ...notes.slice(0, noteCount)];
    if (ranked.length === 0) lines.push(`Hộ ${label} nên không có các hỗ trợ dành riêng cho hộ nghèo, hộ cận nghèo.`);
    else lines.push(supportHeader(result, label), ...ranked.slice(0, shown).map((e) => `• ${e.title}`));
    if (next) lines.push(next);
    return lines.join('\n');
  };
  // Fewer entitlements first, then fewer notes, until the bubble fits; the full list keeps everything.
  for (let noteCount = notes.length; noteCount >= 0; noteCount--) {
    for (let shown = SUMMARY_ENTITLEMENTS; shown >= FEWEST_SUMMARY_ENTITLEMENTS; shown--) {
      const summary = compose(noteCount, shown);
      if (summary.length <= SUMMARY_MAX_LENGTH) return summary;
    }
  }
  // Facts alone never come near the limit; should content ever make them, the bubble is cut rather than sent long.
  return compose(0, FEWEST_SUMMARY_ENTITLEMENTS).slice(0, SUMMARY_MAX_LENGTH);
}

/**
 * The result worked out again after a correction told once it was given: what changed, the category (and the one
 * before when it differs), the reason lines. The rest is behind "Xem tất cả quyền lợi" as for the first result.
 */
export function correctedSummary(rules: PovertyRules, state: ScreeningState, result: ScreeningResult, before: Category, changes: readonly string[]): string {
  const { standard, data } = state;
  const labels = rules.guidance.categoryLabels;
  const label = labels[result.category];
  const verdict = result.category === 'none' ? `có khả năng ${label}` : `có khả năng thuộc diện ${label}`;
  const lines = [
    `Mình đã sửa: ${changes.join('; ')}.`,
    before === result.category
      ? `👉 Tính lại, kết quả không đổi: hộ của bạn vẫn ${verdict}.`
      : `👉 Tính lại: hộ của bạn ${verdict} (trước: ${labels[before]}).`,
    incomeLine(standard, data, result),
  ];
  if (Object.keys(data.answers).length > 0) lines.push(deprivationLine(standard, data, result));
  if (result.category === 'poor' || result.category === 'near_poor') lines.push(APPLY_LINE);
  return lines.join('\n');
}

/**
 * Everything behind "Xem tất cả quyền lợi": every entitlement, the notes, the next steps and the disclaimer, within
 * two Zalo messages (see entitlementLine); the knowledge answers give each entitlement's conditions and full basis.
 */
export function resultDetails(rules: PovertyRules, result: ScreeningResult): string[] {
  const label = rules.guidance.categoryLabels[result.category];
  const blocks: string[] = [];
  if (result.entitlements.length > 0) {
    blocks.push(
      [
        supportHeader(result, label),
        ...result.entitlements.map((e, i) => entitlementLine(e, i + 1)),
        ...unconfirmedLine(result.entitlements),
        'Hỏi riêng từng khoản (ví dụ: "vay vốn hộ nghèo") để biết đủ điều kiện và căn cứ.',
      ].join('\n'),
    );
  }
  blocks.push(
    [
      ...result.notes.map((n) => `• Lưu ý: ${n}`),
      'Bước tiếp theo:',
      ...result.nextSteps.map((s) => `• ${s}`),
      `ℹ️ ${result.disclaimer}`,
    ].join('\n'),
  );
  return blocks;
}

function incomeLine(standard: Standard, data: FlowData, result: ScreeningResult): string {
  const size = data.householdSize!;
  const income = data.income!;
  const areaLabel = standard.areas[data.area!].label;
  const line = formatDong(result.incomeLine);
  return income.range
    ? `• Khu vực ${areaLabel}, ${size} người; thu nhập cả hộ ${income.range}/tháng. Chuẩn nghèo: ${line} đồng/người/tháng, ` +
        `tức ${formatDong(result.incomeLine * size)} đồng/tháng cho ${size} người.`
    : `• Khu vực ${areaLabel}, ${size} người; thu nhập cả hộ ${formatDong(income.amount)} đồng/tháng, bình quân ` +
        `${formatDong(result.incomePerCapita)} đồng/người/tháng (chuẩn nghèo: ${line} đồng/người/tháng).`;
}

function deprivationLine(standard: Standard, data: FlowData, result: ScreeningResult): string {
  const min = standard.classification.minDeprivationsForPoor;
  const found = result.deprivedDimensions.flatMap((d) =>
    d.indicators.map((i) => (i.label.toLowerCase() === d.label.toLowerCase() ? i.label : `${d.label} – ${i.label.toLowerCase()}`)),
  );
  const list = found.length
    ? `• Dấu hiệu có thể thiếu hụt (${found.length} chỉ số): ${found.join('; ')}.`
    : '• Không có dấu hiệu thiếu hụt nào trong các câu đã hỏi.';
  // Why the questions stopped, so a citizen asked only a few does not think the others were forgotten.
  if (Object.keys(data.answers).length === indicatorsOf(standard).length) return list;
  return found.length >= min
    ? `${list} (Đã đủ ${min} chỉ số nên không cần hỏi thêm.)`
    : `${list} (Các câu còn lại không làm thay đổi kết quả nên được bỏ qua.)`;
}

function supportHeader(result: ScreeningResult, label: string): string {
  return result.category === 'none' ? 'Một số hỗ trợ chung bạn vẫn có thể tìm hiểu:' : `Nếu được công nhận là ${label}, hộ thường được:`;
}

/** Where a figure is not confirmed, one plain line says where to ask instead of a caveat on each entry. */
function unconfirmedLine(entitlements: readonly Entitlement[]): string[] {
  const open = entitlements.filter((e) => !e.confirmed).map((e) => e.title.toLowerCase());
  return open.length ? [`Mức cụ thể của ${open.join(', ')}: hãy hỏi UBND xã/phường nơi cư trú.`] : [];
}

/** Longest gist of an entitlement in the full list: twelve of them and the next steps fit two Zalo messages. */
const MAX_GIST = 200;

/**
 * An entitlement in the full list: its title, the first sentence of its summary when that is short (a long one is
 * left out rather than cut mid-condition; the knowledge answer gives it whole) and its main legal document.
 */
function entitlementLine(e: Entitlement, number: number): string {
  const end = e.summary.search(/[.!?](?=\s)/);
  const sentence = end < 0 ? e.summary : e.summary.slice(0, end + 1);
  const gist = sentence.length <= MAX_GIST ? ` ${sentence}` : '';
  return `${number}. ${e.title}.${gist} (Căn cứ: ${mainDocument(e.legalBasis)}.)`;
}

/** "Nghị định 78/2002/NĐ-CP; Quyết định 12/QĐ-HĐQT…" → its first document. */
function mainDocument(legalBasis: string): string {
  return legalBasis.split(';')[0]!.trim();
}

/**
 * Joins blocks into as few messages as fit in `max` characters (Zalo: 2,000). A block too long on its own is cut at
 * line ends, then at spaces.
 */
export function packMessages(blocks: readonly string[], max: number): string[] {
  const pieces = blocks.flatMap((b) => cut(b, max));
  const messages: string[] = [];
  for (const piece of pieces) {
    const last = messages.at(-1);
    if (last !== undefined && last.length + 2 + piece.length <= max) messages[messages.length - 1] = `${last}\n\n${piece}`;
    else messages.push(piece);
  }
  return messages;
}

function cut(text: string, max: number): string[] {
  if (text.length <= max) return [text];
  const separator = text.includes('\n') ? '\n' : text.includes(' ') ? ' ' : null;
  if (separator === null) return Array.from({ length: Math.ceil(text.length / max) }, (_, i) => text.slice(i * max, (i + 1) * max));
  const parts: string[] = [];
  let current = '';
  for (const piece of text.split(separator).flatMap((unit) => cut(unit, max))) {
    if (current && current.length + separator.length + piece.length > max) {
      parts.push(current);
      current = piece;
    } else current = current ? `${current}${separator}${piece}` : piece;
  }
  if (current) parts.push(current);
  return parts;
}
