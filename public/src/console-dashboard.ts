/**
 * The programme dashboard: questions per topic and week, who answered them, staff response times, announcement reach
 * and self-assessment outcomes, for the city (admins) or the officer's communes. Counts only; a group under 5 comes
 * from the server as "< 5" and is drawn as a pale bar up to 5, never as its number. Chart.js (tree-shaken to bar
 * charts) is bundled into the console only; the widget never loads it.
 */
import { BarController, BarElement, CategoryScale, Chart, type ChartDataset, Legend, LinearScale, Tooltip } from 'chart.js';
import { api, type Dashboard, type Figure } from './console-api.js';
import type { ConsoleContext } from './console-context.js';
import { communeLabel } from './console-format.js';
import { h, replaceChildren } from './dom.js';

Chart.register(BarController, BarElement, CategoryScale, LinearScale, Legend, Tooltip);

const SMALL = '< 5';
const COLORS = { bot: '#2e7d32', staff: '#0b57d0', unanswered: '#c62828', neutral: '#5c6bc0', failed: '#c62828', skipped: '#8a8f98', waiting: '#f9a825' };
/** What a bar of a "< 5" group reaches: its upper bound, drawn pale. */
const SMALL_BAR = 5;

/** Charts of the view on screen: destroyed when it is drawn again or the console moves to another view. */
let charts: Chart[] = [];
const destroyCharts = () => {
  for (const chart of charts) chart.destroy();
  charts = [];
};
window.addEventListener('hashchange', destroyCharts);

const barValue = (f: Figure) => (typeof f === 'number' ? f : f === SMALL ? SMALL_BAR : Number(f.replace(/^≥\s*/, '')));
const pale = (color: string) => `${color}40`;
const shown = (f: Figure) => (typeof f === 'number' ? f.toLocaleString('vi-VN') : f);
const sundayOf = (monday: string) => new Date(Date.parse(`${monday}T00:00:00Z`) + 6 * 86_400_000).toISOString().slice(0, 10);
const weekLabel = (monday: string) => `${monday.slice(8, 10)}/${monday.slice(5, 7)}`;

function dataset(label: string, figures: Figure[], color: string, stack?: string): ChartDataset<'bar', number[]> & { figures: Figure[] } {
  return {
    label,
    data: figures.map(barValue),
    figures,
    backgroundColor: figures.map((f) => (f === SMALL ? pale(color) : color)),
    borderColor: color,
    borderWidth: figures.map((f) => (f === SMALL ? 1 : 0)),
    ...(stack ? { stack } : {}),
  };
}

/** A bar chart in a box of the given height; tooltips say the published figure ("< 5", "≥ 12"), never the bar's height. */
function barChart(
  title: string,
  labels: string[],
  datasets: ReturnType<typeof dataset>[],
  options: { horizontal?: boolean; stacked?: boolean; height?: number } = {},
): HTMLElement {
  const canvas = h('canvas', { role: 'img', 'aria-label': `${title}: biểu đồ; số liệu trong bảng bên dưới` });
  const box = h('div', { class: 'chart' }, canvas);
  // Set through the CSSOM, which the console's Content-Security-Policy (no inline styles) allows.
  box.style.height = `${options.height ?? 16}rem`;
  const axis = options.horizontal ? 'y' : 'x';
  charts.push(
    new Chart(canvas, {
      type: 'bar',
      data: { labels, datasets },
      options: {
        indexAxis: axis,
        animation: false,
        maintainAspectRatio: false,
        scales: {
          x: { stacked: options.stacked, beginAtZero: true, ticks: { precision: 0 } },
          y: { stacked: options.stacked, beginAtZero: true, ticks: { precision: 0 } },
        },
        plugins: {
          legend: { display: datasets.length > 1, position: 'bottom' },
          tooltip: {
            callbacks: {
              label: (item) => {
                const figure = (item.dataset as ReturnType<typeof dataset>).figures[item.dataIndex]!;
                return `${item.dataset.label}: ${figure === SMALL ? 'dưới 5' : shown(figure)}`;
              },
            },
          },
        },
      },
    }),
  );
  return box;
}

/** The figures as a table; its box scrolls sideways on a phone, so it can take the focus (keyboard scrolling). */
function table(title: string, head: string[], rows: (string | Figure)[][]): HTMLElement {
  return h(
    'div',
    { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-label': title },
    h(
      'table',
      { class: 'figures' },
      h('thead', {}, h('tr', {}, ...head.map((c, i) => h('th', i === 0 ? { scope: 'col' } : { scope: 'col', class: 'num' }, c)))),
      h('tbody', {}, ...rows.map(([first, ...rest]) => h('tr', {}, h('th', { scope: 'row' }, shown(first!)), ...rest.map((c) => h('td', { class: 'num' }, shown(c)))))),
    ),
  );
}

const section = (title: string, ...children: (HTMLElement | null)[]) => h('section', { class: 'dash' }, h('h3', {}, title), ...children);

function render(d: Dashboard): HTMLElement[] {
  destroyCharts();
  const weeks = d.weeks.map((w) => weekLabel(w.monday));
  const period = d.outcomes.at(-1)!;
  const byWeek = d.outcomes.slice(0, -1);
  const share = period.shares
    ? `Trợ lý trả lời ${period.shares.bot} %, chuyển cán bộ ${period.shares.staff} %, chưa trả lời được ${period.shares.unanswered} %.`
    : 'Tỷ lệ chỉ tính được khi cả ba con số đều chính xác (không có nhóm dưới 5).';
  const summary = h(
    'dl',
    { class: 'tiles' },
    ...(
      [
        ['Trợ lý trả lời', period.bot],
        ['Chuyển cán bộ', period.staff],
        ['Chưa trả lời được', period.unanswered],
        ['Tự đánh giá hộ nghèo', d.screening.total],
      ] as [string, Figure][]
    ).map(([label, figure]) => h('div', {}, h('dt', {}, label), h('dd', {}, shown(figure)))),
  );
  const topics = d.topics.slice(0, 12);
  return [
    summary,
    h('p', { class: 'hint' }, share),
    section(
      'Câu hỏi theo chủ đề',
      barChart('Câu hỏi theo chủ đề', topics.map((t) => t.label), [dataset('Số câu hỏi', topics.map((t) => t.total), COLORS.neutral)], {
        horizontal: true,
        height: Math.max(8, 2 + topics.length * 1.6),
      }),
      table('Câu hỏi theo chủ đề và tuần', ['Chủ đề', ...weeks, 'Cả kỳ'], d.topics.map((t) => [t.label, ...t.weeks, t.total])),
    ),
    section(
      'Ai trả lời, theo tuần',
      barChart(
        'Ai trả lời, theo tuần',
        weeks,
        [
          dataset('Trợ lý trả lời', byWeek.map((o) => o.bot), COLORS.bot, 'a'),
          dataset('Chuyển cán bộ', byWeek.map((o) => o.staff), COLORS.staff, 'a'),
          dataset('Chưa trả lời được', byWeek.map((o) => o.unanswered), COLORS.unanswered, 'a'),
        ],
        { stacked: true },
      ),
    ),
    section(
      'Thời gian cán bộ trả lời lần đầu',
      barChart('Thời gian cán bộ trả lời lần đầu', d.responseTimes.bands.map((b) => b.label), [
        dataset('Số lần trả lời', d.responseTimes.bands.map((b) => b.count), COLORS.staff),
      ], { height: 12 }),
      h(
        'p',
        { class: 'hint' },
        `Số lần trả lời: ${shown(d.responseTimes.responses)}. ` +
          (d.responseTimes.meanMinutes === null ? 'Thời gian trung bình chỉ tính khi có từ 5 lần trả lời.' : `Trung bình ${d.responseTimes.meanMinutes.toLocaleString('vi-VN')} phút.`),
      ),
    ),
    section(
      'Thông báo đến người dân (thông báo phát hành trong kỳ)',
      barChart(
        'Thông báo đến người dân',
        d.reach.map((r) => r.label),
        [
          dataset('Đã gửi', d.reach.map((r) => r.states.sent), COLORS.bot, 'a'),
          dataset('Đang chờ', d.reach.map((r) => r.states.waiting), COLORS.waiting, 'a'),
          dataset('Lỗi', d.reach.map((r) => r.states.failed), COLORS.failed, 'a'),
          dataset('Bỏ qua', d.reach.map((r) => r.states.skipped), COLORS.skipped, 'a'),
        ],
        { horizontal: true, stacked: true, height: 10 },
      ),
      table('Thông báo theo kênh', ['Kênh', 'Đã gửi', 'Đang chờ', 'Lỗi', 'Bỏ qua', 'Tổng'], d.reach.map((r) => [r.label, r.states.sent, r.states.waiting, r.states.failed, r.states.skipped, r.total])),
      h('p', { class: 'hint' }, 'Đã xem: chưa ghi nhận được trên cả hai kênh.'),
    ),
    section(
      'Kết quả tự đánh giá',
      barChart('Kết quả tự đánh giá', d.screening.categories.map((c) => c.label), [
        dataset('Số lần', d.screening.categories.map((c) => c.count), COLORS.neutral),
      ], { horizontal: true, height: 10 }),
      table('Kết quả tự đánh giá', ['Kết quả', 'Số lần'], [...d.screening.categories.map((c) => [c.label, c.count]), ['Tổng', d.screening.total]]),
    ),
    h(
      'p',
      { class: 'hint' },
      'Chỉ có số liệu tổng hợp, không có thông tin của từng người. Nhóm dưới 5 hiện "< 5" (cột nhạt cao tối đa 5); tổng có nhóm dưới 5 hiện "≥ n" để không suy ra được nhóm nhỏ.',
    ),
  ];
}

/** The dashboard view: a period and a commune to choose, the figures, and their CSV. */
export function dashboardView(ctx: ConsoleContext): HTMLElement {
  const admin = ctx.me.role === 'admin';
  const from = h('input', { type: 'date', id: 'dash-from' });
  const to = h('input', { type: 'date', id: 'dash-to' });
  const scope = (admin ? ctx.communes : ctx.communes.filter((c) => ctx.me.communes.includes(c.id))).slice().sort((a, b) => a.name.localeCompare(b.name, 'vi'));
  const commune = h(
    'select',
    { id: 'dash-commune' },
    h('option', { value: '' }, admin ? 'Toàn thành phố' : 'Tất cả xã/phường của tôi'),
    ...scope.map((c) => h('option', { value: c.id }, communeLabel(c))),
  );
  const csv = h('a', { class: 'button', download: '' }, 'Tải CSV');
  const body = h('div', {}, h('p', { class: 'hint' }, 'Đang tải…'));
  const form = h(
    'form',
    { class: 'dash-filter' },
    h('label', {}, 'Từ ngày', from),
    h('label', {}, 'Đến ngày', to),
    h('label', {}, 'Xã/phường', commune),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, 'Xem'), csv),
  );
  const query = () => {
    const params = new URLSearchParams();
    if (from.value) params.set('from', from.value);
    if (to.value) params.set('to', to.value);
    if (commune.value) params.set('commune', commune.value);
    return params;
  };
  const load = async () => {
    try {
      const d = await api<Dashboard>('GET', `api/staff/dashboard?${query()}`);
      // The whole weeks counted, so the form (and the CSV) say what the figures cover.
      from.value = d.weeks[0]!.monday;
      to.value = sundayOf(d.weeks.at(-1)!.monday);
      csv.setAttribute('href', `api/staff/dashboard.csv?${query()}`);
      replaceChildren(body, ...render(d));
    } catch (error) {
      replaceChildren(body, h('p', { class: 'error' }, (error as Error).message));
    }
  };
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void load();
  });
  void load();
  return h('section', {}, h('h2', {}, 'Số liệu chương trình'), form, body);
}
