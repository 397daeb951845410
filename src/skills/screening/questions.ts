import { dimensionOf } from '../../domain/poverty/standards.js';
import { type Area, MAX_HOUSEHOLD_SIZE, type Standard } from '../../domain/poverty/types.js';
import type { QuickReply, Reply } from '../../engine/types.js';
import { progress, type QuestionStep, SCREENING_SKILL, type ScreeningState } from './flow-state.js';
import { formatDong, formatMillions } from './format.js';
import { AGE_RANGES } from './household-facts.js';

/** Quick-reply payloads: `screening:<step>:<answer>`, so a button left over from an earlier question is recognised. */
const payloads = {
  area: (area: Area) => `${SCREENING_SKILL}:area:${area}`,
  size: (n: number) => `${SCREENING_SKILL}:size:${n}`,
  income: (index: number) => `${SCREENING_SKILL}:income:${index}`,
  days: (n: number) => `${SCREENING_SKILL}:days:${n}`,
  indicator: (id: string, deprived: boolean) => `${SCREENING_SKILL}:indicator:${id}:${deprived ? 'yes' : 'no'}`,
};

/** Zalo documents 20 characters as the safe length of a button title. */
const MAX_TITLE = 20;
/**
 * "1 người"…"4 người": no more than a bubble shows, so a number typed on Zalo is both the menu choice and the head
 * count; a larger household types its size.
 */
const SIZE_BUTTONS = 4;
/** Days a month offered for an income said by the day; any other number is typed. */
const DAY_BUTTONS = [10, 15, 20, 26];

interface IncomeRange {
  /** Button title. */
  title: string;
  /** The range in words, for the result ("từ 5.400.000 đến 6.000.000 đồng"). */
  words: string;
  /**
   * A point inside the range, used to evaluate it. The ranges are cut at the income line, at the margin around it and
   * at the average-living band, so every point of a range gives the same category and the same "close to the line".
   */
  amount: number;
}

function title(long: string, short: string): string {
  return long.length <= MAX_TITLE ? long : short;
}

/** Household income ranges around the lines of the standard, for a household of `size` in `area`. */
export function incomeRanges(standard: Standard, area: Area, size: number): IncomeRange[] {
  const rule = standard.areas[area];
  const p = standard.classification.nearLinePercent;
  const line = rule.incomeLine * size;
  const low = (line * (100 - p)) / 100;
  const high = (line * (100 + p)) / 100;
  const band = rule.averageLivingUpTo !== null ? rule.averageLivingUpTo * size : null;
  const m = formatMillions;
  const d = formatDong;
  const ranges: IncomeRange[] = [
    { title: title(`Dưới ${m(low)} triệu`, `Dưới ${m(low)} tr`), words: `dưới ${d(low)} đồng`, amount: low / 2 },
    {
      title: title(`${m(low)}–${m(line)} triệu`, `${m(low)}–${m(line)} tr`),
      words: `từ ${d(low)} đến ${d(line)} đồng`,
      amount: (low + line) / 2,
    },
    {
      title: title(`Hơn ${m(line)}–${m(high)} triệu`, `Hơn ${m(line)}–${m(high)} tr`),
      words: `trên ${d(line)} đến ${d(high)} đồng`,
      amount: (line + high) / 2,
    },
  ];
  if (band !== null && band > high) {
    ranges.push({
      title: title(`Hơn ${m(high)}–${m(band)} triệu`, `Hơn ${m(high)}–${m(band)} tr`),
      words: `trên ${d(high)} đến ${d(band)} đồng`,
      amount: (high + band) / 2,
    });
  }
  const top = band !== null && band > high ? band : high;
  ranges.push({ title: title(`Hơn ${m(top)} triệu`, `Hơn ${m(top)} tr`), words: `trên ${d(top)} đồng`, amount: top * 1.5 });
  return ranges;
}

const YES_NO_HINT = 'Bạn chọn "Có" hoặc "Không" (hoặc nhắn "có", "không").';

/**
 * The question of a step, with its buttons (no more than the channel shows). `titles`: the indicator's buttons in
 * words (deprived, not deprived), after an answer that could mean either. `again`: asked again right after the
 * citizen told something else than its answer, which was said back: the area, size and income questions are then
 * asked in a line, without the explanation they had the first time.
 */
export function question(
  state: ScreeningState,
  step: QuestionStep,
  maxButtons = SIZE_BUTTONS,
  titles: [string, string] = ['Có', 'Không'],
  again = false,
): Reply {
  const { standard, data } = state;
  const { number, total } = progress(state, step);
  const head = `Câu ${number}/${total}`;
  switch (step.kind) {
    case 'area': {
      const { rural, urban } = standard.areas;
      return {
        text: again
          ? `${head}. Còn nhà bạn ở xã hay phường?`
          : `${head}. Nhà bạn ở xã hay phường? Thông thường xã tính là khu vực ${rural.label}, phường là khu vực ` +
            `${urban.label}; chuẩn nghèo của hai khu vực khác nhau. Bạn cũng có thể nhắn tên xã/phường.`,
        quickReplies: [
          { title: `Xã (${rural.label})`, payload: payloads.area('rural') },
          { title: `Phường (${urban.label})`, payload: payloads.area('urban') },
        ],
        // A commune's name tells its kind; "xã", "nông thôn"… are read by the skill (readAreaWord).
        expects: { kind: 'commune', owner: SCREENING_SKILL },
      };
    }
    case 'size':
      return {
        text: again
          ? `${head}. Còn hộ của bạn có bao nhiêu người cùng ăn, ở chung?`
          : `${head}. Hộ của bạn có bao nhiêu người (những người cùng ăn, ở chung và có tên trong hộ)? ` +
            'Chọn bên dưới hoặc nhắn số người, ví dụ: 5 người.',
        quickReplies: Array.from({ length: Math.min(SIZE_BUTTONS, maxButtons) }, (_, i): QuickReply => ({
          title: `${i + 1} người`,
          payload: payloads.size(i + 1),
        })),
        expects: { kind: 'count', owner: SCREENING_SKILL },
      };
    case 'income': {
      const ranges = incomeRanges(standard, data.area!, data.householdSize!);
      return {
        text: again
          ? `${head}. Còn tổng thu nhập của cả hộ mỗi tháng khoảng bao nhiêu? Chọn một khoảng hoặc nhắn số tiền, ví dụ: 4tr5.`
          : `${head}. Tổng thu nhập của cả hộ mỗi tháng khoảng bao nhiêu? Cộng mọi khoản thu của tất cả mọi người ` +
            '(lương, làm thuê, bán nông sản, buôn bán…); nếu thu nhập không đều, tính trung bình một tháng. ' +
            'Chọn một khoảng bên dưới hoặc nhắn số tiền, ví dụ: 4tr5, 6 triệu, 6.500.000 đồng.',
        quickReplies: ranges.map((r, i) => ({ title: r.title, payload: payloads.income(i) })),
        expects: { kind: 'money', owner: SCREENING_SKILL },
      };
    }
    case 'days': {
      const { perDay, monthly } = data.daily!;
      const besides = monthly > 0 ? ` (ngoài ${formatDong(monthly)} đồng/tháng của các khoản khác)` : '';
      return {
        text:
          `${head}. Thu nhập ${formatDong(perDay)} đồng một ngày${besides}: một tháng thường làm được khoảng bao nhiêu ` +
          'ngày? Nếu mỗi tháng một khác, tính trung bình. Chọn bên dưới hoặc nhắn số ngày, ví dụ: 22 ngày.',
        quickReplies: DAY_BUTTONS.slice(0, maxButtons).map((n): QuickReply => ({ title: `${n} ngày`, payload: payloads.days(n) })),
        expects: { kind: 'count', owner: SCREENING_SKILL },
      };
    }
    case 'indicator': {
      const dimension = dimensionOf(standard, step.indicator.id);
      return {
        text: `${head}${dimension ? ` (${dimension.label})` : ''}. ${step.indicator.question}`,
        quickReplies: [
          { title: titles[0], payload: payloads.indicator(step.indicator.id, true) },
          { title: titles[1], payload: payloads.indicator(step.indicator.id, false) },
        ],
        expects: { kind: 'yes_no', owner: SCREENING_SKILL },
      };
    }
  }
}

/** What to say when an answer cannot be used: what was expected, with an example. */
export function retryHint(
  step: QuestionStep,
  reason?: 'season' | 'place' | 'unsure' | 'too_many' | 'too_small' | 'special_zone' | 'contradiction' | 'mixed' | 'other_question' | 'children_only' | 'needed' | 'partial',
): string {
  if (reason === 'needed') return 'Câu này cần để so với chuẩn nghèo nên không bỏ qua được; nếu không chắc, bạn trả lời gần đúng nhất.';
  switch (step.kind) {
    case 'area':
      return reason === 'special_zone'
        ? 'Chưa có hướng dẫn đặc khu tính là nông thôn hay đô thị; bạn hãy chọn khu vực gần đúng nhất hoặc hỏi UBND đặc khu.'
        : 'Mình chưa rõ nhà bạn ở xã hay phường. Bạn chọn một nút bên dưới, hoặc nhắn "xã" hay "phường".';
    case 'size':
      if (reason === 'children_only') return 'Tính cả bố mẹ và những người khác cùng ở, hộ có tất cả bao nhiêu người? Bạn nhắn một con số, ví dụ: 5 người.';
      return reason === 'too_many'
        ? `Mình chỉ tính được hộ từ 1 đến ${MAX_HOUSEHOLD_SIZE} người. Bạn kiểm tra lại số người trong hộ nhé, ví dụ: 5 người.`
        : 'Mình chưa hiểu số người trong hộ. Bạn nhắn một con số, ví dụ: 4 người.';
    case 'income':
      if (reason === 'season') {
        return 'Thu theo vụ thì bạn tính ra cả năm, rồi nhắn cùng các khoản khác, ví dụ: 2 vụ lúa được 40tr 1 năm, chồng làm thuê 200k 1 ngày.';
      }
      if (reason === 'unsure') {
        return 'Nếu không nhớ chính xác, bạn ước lượng trung bình một tháng hoặc chọn khoảng gần đúng nhất bên dưới; xã/phường sẽ kiểm tra lại khi rà soát.';
      }
      return reason === 'too_small'
        ? 'Số tiền có vẻ quá nhỏ cho thu nhập cả tháng. Bạn nhắn rõ đơn vị nhé, ví dụ: 6 triệu, 6tr hoặc 6.000.000 đồng; nếu hộ không có thu nhập, nhắn "không có".'
        : 'Mình chưa đọc được số tiền. Bạn chọn một khoảng bên dưới, hoặc nhắn ví dụ: 4tr5, 6 triệu, 6.500.000 đồng.';
    case 'days':
      return 'Mình chưa hiểu số ngày. Bạn nhắn số ngày làm trong một tháng (từ 1 đến 31), ví dụ: 22 ngày.';
    case 'indicator':
      if (reason === 'unsure') {
        return `Nếu không chắc, bạn chọn câu trả lời gần đúng nhất; xã/phường sẽ kiểm tra lại khi rà soát. ${YES_NO_HINT}`;
      }
      if (reason === 'mixed') {
        return `Câu trả lời kể cả điều đủ và điều thiếu nên mình chưa chọn được. Bạn chọn câu trả lời gần đúng nhất; xã/phường sẽ kiểm tra lại khi rà soát. ${YES_NO_HINT}`;
      }
      if (reason === 'partial') {
        return `Không có điện thoại thông minh chưa chắc đã là thiếu: nếu nhà vẫn có điện thoại thường, tivi, đài hoặc máy tính thì chọn "Không". ${YES_NO_HINT}`;
      }
      if (reason === 'other_question') return `Câu trả lời có vẻ dành cho một câu hỏi khác. ${YES_NO_HINT}`;
      return reason === 'contradiction'
        ? `Mình chưa rõ ý bạn: câu trả lời vừa nói "có"/"không" vừa kể điều ngược lại. ${YES_NO_HINT}`
        : `Mình chưa hiểu câu trả lời. ${YES_NO_HINT}`;

  }
}

/** Said when the one an answer is about is not of the ages the question asks about ("cháu 17 tuổi" to the children's). */
export function ageHint(id: string, age: number): string {
  const [from, to] = AGE_RANGES[id]!;
  return `Câu này chỉ tính người từ ${from} đến ${to} tuổi, nên người ${age} tuổi không tính ở đây. Ngoài người đó, trong nhà có ai như câu hỏi dưới đây không? ${YES_NO_HINT}`;
}

/** The answer given earlier to a step, in words ("Xã (nông thôn)", "5 người", "Có"). */
export function describeAnswer(standard: Standard, step: QuestionStep, after: ScreeningState['data']): string | null {
  switch (step.kind) {
    case 'area':
      return after.area ? (after.area === 'rural' ? 'xã' : 'phường') + ` (${standard.areas[after.area].label})` : null;
    case 'size':
      return after.householdSize ? `${after.householdSize} người` : null;
    case 'income':
      return after.income ? (after.income.range ?? `${formatDong(after.income.amount)} đồng`) : null;
    case 'days':
      return null;
    case 'indicator': {
      const answer = after.answers[step.indicator.id];
      return answer === undefined ? null : answer ? 'Có' : 'Không';
    }

  }
}
