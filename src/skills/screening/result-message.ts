import { indicatorsOf } from '../../domain/poverty/standards.js';
import type { PovertyRules, ScreeningResult, Standard } from '../../domain/poverty/types.js';
import type { FlowData, ScreeningState } from './flow-state.js';
import { formatDong } from './format.js';

/** The result in words, as blocks of text (each a paragraph or list) in the order they are sent. */
export function resultBlocks(rules: PovertyRules, state: ScreeningState, result: ScreeningResult): string[] {
  const { standard, data } = state;
  const area = data.area!;
  const size = data.householdSize!;
  const income = data.income!;
  const labels = rules.guidance.categoryLabels;
  const label = labels[result.category];
  const verdict = result.category === 'none' ? `có khả năng ${label}` : `có khả năng thuộc diện ${label}`;

  const facts = [`Kết quả tự đánh giá theo ${standard.title} (${standard.legalBasis}):`, `👉 Hộ của bạn ${verdict}.`];
  const areaLabel = standard.areas[area].label;
  const line = formatDong(result.incomeLine);
  if (income.range) {
    facts.push(
      `• Khu vực ${areaLabel}, ${size} người; thu nhập cả hộ ${income.range}/tháng. Chuẩn nghèo: ${line} đồng/người/tháng, ` +
        `tức ${formatDong(result.incomeLine * size)} đồng/tháng cho ${size} người.`,
    );
  } else {
    facts.push(
      `• Khu vực ${areaLabel}, ${size} người; thu nhập cả hộ ${formatDong(income.amount)} đồng/tháng, bình quân ` +
        `${formatDong(result.incomePerCapita)} đồng/người/tháng (chuẩn nghèo: ${line} đồng/người/tháng).`,
    );
  }
  const asked = Object.keys(data.answers).length;
  if (asked > 0) facts.push(deprivationLine(standard, data, result));

  const blocks = [[...facts, ...result.notes.map((n) => `• Lưu ý: ${n}`)].join('\n')];
  blocks.push(...supportBlocks(result, label));
  blocks.push(
    ['Bước tiếp theo:', ...result.nextSteps.map((s) => `• ${s}`), '', `ℹ️ ${result.disclaimer}`].join('\n'),
  );
  return blocks;
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

function supportBlocks(result: ScreeningResult, label: string): string[] {
  if (result.entitlements.length === 0) {
    return [`Hộ ${label} nên không có các hỗ trợ dành riêng cho hộ nghèo, hộ cận nghèo.`];
  }
  const header =
    result.category === 'none'
      ? 'Một số hỗ trợ chung bạn vẫn có thể tìm hiểu:'
      : `Nếu được công nhận là ${label}, hộ thường được:`;
  return [
    header,
    ...result.entitlements.map(
      (e, i) =>
        `${i + 1}. ${e.title}: ${e.summary}${e.confirmed ? '' : ' (Thông tin này chưa được xác nhận.)'} Căn cứ: ${e.legalBasis}.`,
    ),
  ];
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
