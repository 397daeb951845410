/**
 * How many questions a screening takes, measured by running whole conversations on /api/chat for a set of households
 * and answering each question truthfully for that household. Counted: every reply that asks "Câu k/N".
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ChatService, startChatService, texts } from './chat.js';

interface Household {
  name: string;
  area: 'rural' | 'urban';
  size: number;
  income: number;
  deprived: string[];
}

/**
 * People who ask whether their household qualifies, under the 2022–2025 standard (rural line 1,500,000, urban
 * 2,000,000 đồng/person/month): poor, near-poor, just above the line, average living, and well above it.
 */
const TYPICAL_POOR: Household = {
  name: 'typical poor: rural, 4 people, 4,000,000/month, deprived on dependants, health insurance, housing, sanitation',
  area: 'rural',
  size: 4,
  income: 4_000_000,
  deprived: ['dependants', 'health_insurance', 'housing_quality', 'sanitation'],
};
const WELL_ABOVE: Household = { name: 'well above: rural, 4 people, 12,000,000/month', area: 'rural', size: 4, income: 12_000_000, deprived: [] };
const HOUSEHOLDS: Household[] = [
  TYPICAL_POOR,
  { name: 'poor: elderly couple', area: 'rural', size: 2, income: 2_000_000, deprived: ['dependants', 'housing_quality', 'housing_area', 'sanitation'] },
  { name: 'poor: urban, unemployed', area: 'urban', size: 3, income: 5_000_000, deprived: ['employment', 'adult_education', 'housing_area'] },
  { name: 'poor: rural, children', area: 'rural', size: 5, income: 5_500_000, deprived: ['employment', 'nutrition', 'child_schooling', 'drinking_water'] },
  { name: 'poor: living alone', area: 'rural', size: 1, income: 1_000_000, deprived: ['dependants', 'housing_quality', 'telecom', 'information_access'] },
  { name: 'poor: large urban', area: 'urban', size: 6, income: 9_000_000, deprived: ['employment', 'dependants', 'health_insurance', 'adult_education', 'housing_area'] },
  { name: 'near-poor: one deprivation', area: 'rural', size: 4, income: 5_600_000, deprived: ['sanitation'] },
  { name: 'near-poor: none', area: 'urban', size: 3, income: 5_800_000, deprived: [] },
  { name: 'near-poor: two', area: 'rural', size: 3, income: 4_200_000, deprived: ['employment', 'housing_area'] },
  { name: 'near-poor: insurance', area: 'rural', size: 2, income: 2_900_000, deprived: ['health_insurance'] },
  { name: 'just above the line', area: 'rural', size: 4, income: 6_400_000, deprived: ['telecom'] },
  { name: 'average living: rural', area: 'rural', size: 4, income: 8_000_000, deprived: [] },
  { name: 'average living: urban', area: 'urban', size: 3, income: 8_100_000, deprived: [] },
  { name: 'average living: rural 5', area: 'rural', size: 5, income: 10_500_000, deprived: ['sanitation'] },
  WELL_ABOVE,
  { name: 'well above: urban 4', area: 'urban', size: 4, income: 20_000_000, deprived: [] },
  { name: 'well above: urban 2', area: 'urban', size: 2, income: 10_000_000, deprived: [] },
  { name: 'well above: rural 3', area: 'rural', size: 3, income: 9_000_000, deprived: [] },
  { name: 'well above: rural 6', area: 'rural', size: 6, income: 15_000_000, deprived: [] },
  { name: 'well above: urban 5', area: 'urban', size: 5, income: 18_000_000, deprived: [] },
];

let service: ChatService;
beforeAll(async () => {
  service = await startChatService();
});
afterAll(() => service.close());

let n = 0;
async function questionsFor(h: Household): Promise<number> {
  const c = service.conversation(`question-count-${++n}`);
  let replies = await c.press('intent:screening_start');
  let asked = 0;
  for (let turn = 0; turn < 30; turn++) {
    const question = replies.at(-1);
    if (!question || !/Câu \d+\/\d+/.test(question.text)) return asked;
    asked += 1;
    const payloads = (question.quickReplies ?? []).map((q) => q.payload);
    const indicator = payloads.map((p) => /^screening:indicator:(\w+):yes$/.exec(p)?.[1]).find(Boolean);
    if (payloads.includes('screening:area:rural')) replies = await c.press(`screening:area:${h.area}`);
    else if (payloads.includes('screening:size:1')) replies = await c.say(`${h.size} người`);
    else if (payloads.some((p) => p.startsWith('screening:income:'))) replies = await c.say(`${h.income} đồng`);
    else if (indicator) replies = await c.press(`screening:indicator:${indicator}:${h.deprived.includes(indicator) ? 'yes' : 'no'}`);
    else throw new Error(`Unexpected question: ${question.text}`);
  }
  throw new Error(`No result after 30 turns: ${texts(replies)}`);
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length / 2;
  return sorted.length % 2 ? sorted[Math.floor(mid)]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

describe('number of questions in a full screening', () => {
  it('typical poor household, household well above the line, and the median over the set', async () => {
    const counts = new Map<string, number>();
    for (const h of HOUSEHOLDS) counts.set(h.name, await questionsFor(h));
    const all = [...counts.values()];
    // The figures the README quotes (printed so they can be copied from the test output).
    console.info(
      `Questions per screening — typical poor: ${counts.get(TYPICAL_POOR.name)}, well above the line: ${counts.get(WELL_ABOVE.name)}, ` +
        `median over ${all.length} households: ${median(all)} (min ${Math.min(...all)}, max ${Math.max(...all)})\n` +
        [...counts].map(([name, count]) => `  ${count}  ${name}`).join('\n'),
    );
    expect(counts.get(TYPICAL_POOR.name)).toBe(10);
    expect(counts.get(WELL_ABOVE.name)).toBe(3);
    expect(median(all)).toBeLessThanOrEqual(10);
  });
});
