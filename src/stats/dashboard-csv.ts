import type { DashboardReport } from './dashboard.js';
import type { Figure } from './figures.js';
import { OUTCOME_LABELS, REACH_LABELS, REACH_STATES } from './labels.js';

const HEADER = ['section', 'week', 'group', 'label', 'count'];

/**
 * The dashboard as CSV, one figure a line (the same published figures, "< 5" included), with a BOM so that Excel
 * reads the Vietnamese labels as UTF-8. `week` is an ISO week or "all" for the whole period.
 */
export function dashboardCsv(report: DashboardReport): string {
  const rows: (string | Figure)[][] = [HEADER];
  for (const t of report.topics) {
    for (const [i, { week }] of report.weeks.entries()) rows.push(['questions', week, t.topic, t.label, t.weeks[i]!]);
    rows.push(['questions', 'all', t.topic, t.label, t.total]);
  }
  for (const o of report.outcomes) {
    for (const key of ['bot', 'staff', 'unanswered'] as const) rows.push(['outcomes', o.week, key, OUTCOME_LABELS[key], o[key]]);
  }
  for (const b of report.responseTimes.bands) rows.push(['staff_response', 'all', b.band, b.label, b.count]);
  rows.push(['staff_response', 'all', 'responses', 'Số lần trả lời', report.responseTimes.responses]);
  if (report.responseTimes.meanMinutes !== null) {
    rows.push(['staff_response', 'all', 'mean_minutes', 'Thời gian trung bình (phút)', report.responseTimes.meanMinutes]);
  }
  for (const r of report.reach) {
    for (const s of REACH_STATES) rows.push(['reach', 'all', `${r.channel}_${s}`, `${r.label}: ${REACH_LABELS[s]}`, r.states[s]]);
    rows.push(['reach', 'all', `${r.channel}_total`, `${r.label}: tổng`, r.total]);
  }
  for (const c of report.screening.categories) rows.push(['screening', 'all', c.category, c.label, c.count]);
  rows.push(['screening', 'all', 'total', 'Tổng số lần tự đánh giá', report.screening.total]);
  return `\uFEFF${rows.map((row) => row.map(quote).join(',')).join('\r\n')}\r\n`;
}

/** RFC 4180 quoting; a leading = + - @ is neutralised so a spreadsheet never runs a cell as a formula. */
function quote(value: string | number): string {
  const text = String(value);
  const safe = /^[=+\-@]/.test(text) ? `'${text}` : text;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}
