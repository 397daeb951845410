/**
 * Simulated villagers for the self-assessment: household profiles, and a citizen who reads the question the bot asks
 * and types the answer as people in the villages do — no diacritics, "ko"/"k"/"hok", "dc", "ng", "tr", "2tr5",
 * numbers in words, answers that tell a story or state a fact instead of saying yes or no, and now and then a
 * question of their own in the middle. Every choice comes from a seeded generator, so a run is reproducible.
 */
import { classify } from '../../../src/domain/poverty/classify.js';
import { indicatorsOf } from '../../../src/domain/poverty/standards.js';
import type { Area, Category, Standard } from '../../../src/domain/poverty/types.js';
import type { Reply } from '../../../src/engine/types.js';
import { fold } from '../../../src/text/fold.js';

/** mulberry32: small, fast, good enough to pick phrasings reproducibly. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export type Random = () => number;
const pick = <T>(random: Random, items: readonly T[]): T => items[Math.floor(random() * items.length)]!;

export interface Villager {
  id: number;
  standard: Standard;
  area: Area;
  size: number;
  /** Whole household, đồng per month, a multiple of 100,000 (what people say). */
  income: number;
  /** Indicator ids the household is deprived on. */
  deprived: ReadonlySet<string>;
  /** Asks something else in the middle of the assessment, then goes on. */
  interrupts: boolean;
}

export function expectedCategory(v: Villager): Category {
  return classify(v.standard, { area: v.area, householdSize: v.size, monthlyIncome: v.income, deprivations: [...v.deprived] }).category;
}

const SIZES = [1, 2, 3, 4, 5, 6, 8, 9, 11];

/**
 * Households for every category of `standard`: incomes just at, just above and well around each line (poor and
 * near-poor within the line, average living in the band, none above it), with 0–5 deprivations chosen at random.
 */
export function villagers(standard: Standard, count: number, seed: number): Villager[] {
  const random = seeded(seed);
  const ids = indicatorsOf(standard).map((i) => i.id);
  const out: Villager[] = [];
  for (let id = 0; id < count; id++) {
    const area: Area = random() < 0.5 ? 'rural' : 'urban';
    const size = SIZES[id % SIZES.length]!;
    const { incomeLine, averageLivingUpTo } = standard.areas[area];
    const line = incomeLine * size;
    const band = averageLivingUpTo === null ? null : averageLivingUpTo * size;
    const step = 100_000;
    const down = (x: number) => Math.floor(x / step) * step;
    const incomes = [
      down(line), // at the line: within it
      down(line) + step, // just above
      down(line * 0.6),
      down(line * 0.3),
      band === null ? down(line * 1.3) : down(band), // top of the band
      band === null ? down(line * 2) : down(band) + step, // just above the band
      down(line * 2.5),
    ].filter((x) => x > 0 || random() < 0.3);
    const income = pick(random, incomes);
    // About half the households within the line are poor: 3 or more deprivations.
    const wanted = pick(random, [0, 1, 2, 3, 3, 4, 5]);
    const deprived = new Set<string>();
    while (deprived.size < wanted) deprived.add(pick(random, ids));
    out.push({ id, standard, area, size, income, deprived, interrupts: random() < 0.25 });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// How villagers type

const ONES = ['khong', 'mot', 'hai', 'ba', 'bon', 'nam', 'sau', 'bay', 'tam', 'chin', 'muoi'];

/** A small count in words, as typed: "bon", "muoi mot". */
function countWords(n: number): string {
  if (n <= 10) return ONES[n]!;
  if (n < 20) return `muoi ${n === 15 ? 'lam' : ONES[n % 10]}`;
  return String(n);
}

/** Millions with one decimal at most: 4_500_000 → [4, 5]. */
function millions(amount: number): [number, number] {
  const tenths = Math.round(amount / 100_000);
  return [Math.floor(tenths / 10), tenths % 10];
}

/** The ways a villager says a household income (whole household, per month unless said otherwise). */
function incomePhrases(v: Villager): string[] {
  const { income, size } = v;
  if (income === 0) return ['ko co thu nhap', 'khong co', 'chua co thu nhap gi', 'ko co dong nao'];
  const [m, d] = millions(income);
  const out: string[] = [];
  if (m > 0) {
    out.push(
      d ? `${m}tr${d}` : `${m}tr`,
      d ? `${m} trieu ${d}` : `${m} trieu`,
      d ? `thang dc ${m}tr${d}` : `thang dc ${m}tr`,
      `${(income / 1000).toLocaleString('de-DE')}k`,
      `${income.toLocaleString('de-DE')}`,
      d === 5 ? `${m} trieu ruoi` : d ? `${m} trieu ${d} tram` : `${m} trieu chan`,
      d === 5 ? `${countWords(m)} trieu ruoi` : d ? `${countWords(m)} trieu ${countWords(d)}` : `${countWords(m)} trieu`,
      `ca nha thang kiem dc tam ${d ? `${m}tr${d}` : `${m} trieu`}`,
      `nha e ${size} ng, chong di lam xa, thang dc ${d ? `${m}tr${d}` : `${m}tr`}`,
    );
  } else {
    out.push(`${d} tram nghin`, `${d}00k`, `thang dc ${d} tram`);
  }
  // "tầm 4 5 triệu": between two whole millions, meant as about the middle.
  if (d === 5 && m > 0) out.push(`1 thang tam ${m} ${m + 1} trieu`);
  // A year's income, when it divides into whole hundred thousands.
  if ((income * 12) % 1_000_000 === 0) out.push(`ca nam dc ${(income * 12) / 1_000_000} trieu`);
  // Per person, when it divides evenly.
  const each = income / size;
  if (size > 1 && each % 100_000 === 0 && each > 0) {
    const [em, ed] = millions(each);
    out.push(em > 0 ? `moi ng tam ${ed ? `${em}tr${ed}` : `${em} trieu`} 1 thang` : `moi nguoi ${ed} tram 1 thang`);
  }
  return out;
}

function sizePhrases(size: number): string[] {
  if (size === 1) return ['1 minh', 'o mot minh', 'song 1 minh thoi', 'co 1 minh e', '1 ng'];
  const out = [
    `${size}`,
    `${size} ng`,
    `${size} nguoi`,
    `ca nha ${size} ng`,
    `nha e ${size} nguoi`,
    `${countWords(size)} nguoi`,
    `nha co ${countWords(size)} nguoi a`,
    `da ${size} ng a`,
  ];
  // "nhà có 3 đứa con": only the children; the bot has to ask for the rest.
  if (size >= 3) out.push(`nha co ${size - 2} dua con`);
  // "2 vợ chồng và 3 đứa con": the household is the sum.
  if (size >= 3 && size <= 7) out.push(`2 vo chong va ${size - 2} dua con`);
  if (size >= 4 && size <= 8) out.push(`nha co ong ba, 2 vo chong voi ${size - 4 || 'khong'} dua con`.replace(/voi khong dua con/, 'chua co con'));
  return out.filter((s) => !/ong ba, 2 vo chong chua co con/.test(s) || size === 4);
}

const YES = ['co', 'co a', 'da co', 'u', 'uh co', 'uk co', 'dung roi', 'co chu', 'vang', 'co nha', 'da dung roi a', 'co e', 'co a, dung vay', 'C', 'Co'];
const NO = ['ko', 'k', 'hok', 'khong', 'ko co', 'k co', 'khong a', 'da khong', 'hong co', 'hem co', 'khum', 'ko ai', 'kh', 'ko co dau', 'da ko a', 'Ko', 'K'];

/**
 * What a villager says about each indicator, deprived or not, besides a plain yes or no: the fact itself. Both
 * lists mean the same for every household: "nuoc mua" is clean water, "nha tam" is a makeshift house.
 */
const STATEMENTS: Record<string, { deprived: string[]; fine: string[] }> = {
  employment: {
    deprived: ['chong e di lam thue ko co hop dong', 'con trai that nghiep o nha', 'co, thang lon that nghiep'],
    fine: ['ko, ca nha deu co viec', 'ko ai that nghiep ca', 'chong lam cong ty co hop dong'],
  },
  dependants: {
    deprived: ['co, nha nhieu tre con voi ong ba gia lam', 'co, toan nguoi gia voi tre nho'],
    fine: ['ko, nguoi lon di lam dc het', 'khong, nha toan nguoi lon'],
  },
  nutrition: {
    deprived: ['co, chau nho bi suy dinh duong', 'be nha e bi coi'],
    fine: ['ko, tre nha e khoe', 'nha ko co tre con', 'ko co chau nao bi suy dinh duong'],
  },
  health_insurance: {
    deprived: ['ko co bhyt', 'nha e chua co the bhyt', 'chong e chua co bao hiem y te', 'co, 2 vo chong chua co the'],
    fine: ['co the bhyt roi', 'ca nha deu co bhyt', 'co the het roi', 'ko, ai cung co the bhyt'],
  },
  adult_education: {
    deprived: ['co, thang lon 19 tuoi bo hoc tu lop 9', 'con e 20 tuoi nghi hoc tu lop 10'],
    fine: ['ko, con lon dang hoc dai hoc', 'ko co ai tuoi do', 'ko, hoc het cap 3 roi'],
  },
  child_schooling: {
    deprived: ['co 1 dua 12 tuoi bo hoc roi', 'thang nho 10 tuoi nghi hoc roi'],
    fine: ['ko, tui nho di hoc du', 'nha ko co tre tuoi di hoc', 'ko, chau nao cung di hoc'],
  },
  housing_quality: {
    deprived: ['nha tam', 'nha dot nat lam', 'co, nha tranh vach dat', 'nha lop la, dot het'],
    fine: ['ko, nha xay', 'nha mai bang', 'ko, nha xay kien co roi', 'co, nha xay kien co'],
  },
  housing_area: {
    deprived: ['co, nha chat lam', 'nha co 20 met vuong ma 5 ng o'],
    fine: ['ko, nha rong', 'ko chat dau', 'nha rong rai'],
  },
  drinking_water: {
    deprived: ['nuoc ao', 'dung nuoc song', 'co, nha dung nuoc ao chua loc'],
    fine: ['nuoc mua', 'gieng khoan', 'nuoc may', 'ko, nha dung nuoc may', 'dung nuoc gieng khoan', 'co, nuoc may'],
  },
  sanitation: {
    deprived: ['ko co nha ve sinh', 'co, cau tom', 'nha vs tam thoi'],
    fine: ['nha vs tu hoai', 'ko, nha ve sinh tu hoai', 'nha vs 2 ngan', 'co, tu hoai'],
  },
  telecom: {
    deprived: ['ko co dt', 'nha ko ai co dien thoai', 'co, ko ai dung dien thoai'],
    fine: ['co dien thoai nhung ko co mang', 'ko, co dt', 'ko, nha co dien thoai', 'nha co dt roi', 'co, co dt'],
  },
  information_access: {
    deprived: ['co, nha ko co tivi, dt cung ko co mang', 'ko co tivi, ko co gi ca'],
    fine: ['ko, nha co tivi', 'co tivi roi', 'ko, co dt co mang'],
  },
  household_waste: {
    deprived: ['co, rac vut ra vuon', 'tu dot rac', 'do ra bai dat trong'],
    fine: ['ko, co xe thu gom rac', 'rac co nguoi thu gom', 'ko, xa thu gom'],
  },
};

const OFF_TOPIC = [
  'ma ho ngheo dc vay von bao nhieu vay?',
  'cho hoi the bhyt ho can ngheo dc ho tro bao nhieu?',
  'lam giay xac nhan ho ngheo o dau vay?',
];
const GO_ON = ['tiep tuc', 'tiep di', 'ok tiep tuc'];

export type Question = { kind: 'area' | 'size' | 'income' | 'result' | 'resume' } | { kind: 'indicator'; id: string } | { kind: 'unknown' };

/** Words of each indicator's question that a person would notice. */
const INDICATOR_CUES: [string, RegExp][] = [
  ['employment', /that nghiep/],
  ['dependants', /chiem hon mot nua/],
  ['nutrition', /suy dinh duong/],
  ['health_insurance', /bao hiem y te/],
  ['adult_education', /tu 16 den 30 tuoi/],
  ['child_schooling', /tu 3 den duoi 16 tuoi/],
  ['housing_quality', /nha tam/],
  ['housing_area', /dien tich nha/],
  ['drinking_water', /nuoc chua sach/],
  ['sanitation', /nha ve sinh/],
  ['telecom', /khong ai dung dien thoai/],
  ['information_access', /tivi/],
  ['household_waste', /rac/],
];

/** What the bot's last bubble asks, read as a person reads it. */
export function questionOf(replies: Reply[]): Question {
  // What comes before "Câu 8/15" is what the bot understood of the last answer; a person answers the question.
  const bubble = replies.at(-1)?.text ?? '';
  const last = fold(bubble.slice(Math.max(0, bubble.search(/Câu \d+\/\d+(?![\s\S]*Câu \d+\/\d+)/))));
  if (categoryOf(replies)) return { kind: 'result' };
  if ((replies.at(-1)?.quickReplies ?? []).some((q) => q.title === 'Tiếp tục')) return { kind: 'resume' };
  // A question of the assessment ("Câu 5/15 …") or a short one asking to make an answer clear.
  const asking = /\bcau \d+ \d+\b/.test(last) || bubble.trim().endsWith('?');
  if (!asking) return { kind: 'unknown' };
  if (/xa hay phuong/.test(last)) return { kind: 'area' };
  if (/bao nhieu nguoi/.test(last)) return { kind: 'size' };
  if (/thu nhap/.test(last) && /bao nhieu/.test(last)) return { kind: 'income' };
  for (const [id, cue] of INDICATOR_CUES) if (cue.test(last)) return { kind: 'indicator', id };
  return { kind: 'unknown' };
}

/** The communes a villager may name instead of saying "xã" or "phường". */
export interface CommuneNames {
  rural: string[];
  urban: string[];
}

/** A plain yes or no, as a villager answers a question asked again. */
export function plainAnswer(v: Villager, question: Question, random: Random): string | null {
  return question.kind === 'indicator' ? pick(random, v.deprived.has(question.id) ? YES : NO) : null;
}

/**
 * The answer a villager types to `question`. Some answers are ambiguous on purpose ("co, nha xay kien co" to "is it a
 * makeshift house?": yes to the house, no to the question); the bot must ask again, and then gets a plain answer.
 */
export function answerTo(v: Villager, question: Question, random: Random, communes: CommuneNames): string {
  switch (question.kind) {
    case 'area': {
      const words =
        v.area === 'rural'
          ? ['xa', 'o xa', 'nong thon', 'nha e o xa a', 'o que', 'xa a']
          : ['phuong', 'o phuong', 'thanh thi', 'nha e o phuong', 'phuong a'];
      const named = pick(random, v.area === 'rural' ? communes.rural : communes.urban);
      return random() < 0.25 ? fold(`${v.area === 'rural' ? 'xa' : 'phuong'} ${named}`) : pick(random, words);
    }
    case 'size':
      return pick(random, sizePhrases(v.size));
    case 'income':
      return pick(random, incomePhrases(v));
    case 'indicator': {
      const deprived = v.deprived.has(question.id);
      const said = STATEMENTS[question.id];
      // Plain yes/no only where "yes" plainly means deprived; statements for every indicator.
      if (said && random() < 0.5) return pick(random, deprived ? said.deprived : said.fine);
      return pick(random, deprived ? YES : NO);
    }
    case 'resume':
      return pick(random, GO_ON);
    default:
      return '';
  }
}

export const offTopic = (random: Random) => pick(random, OFF_TOPIC);

/** The income as said in a story: "thang dc 6tr", "thang dc 8 tram nghin". */
function toldIncome(v: Villager): string {
  const [m, d] = millions(v.income);
  if (v.income === 0) return 'ko co thu nhap';
  return m > 0 ? `thang dc ${d ? `${m}tr${d}` : `${m}tr`}` : `thang dc ${d} tram nghin`;
}

/** The size question answered with the income too: "nha e 4 ng, chong di lam xa, thang dc 6tr". */
export function sizeWithIncome(v: Villager, random: Random): string {
  const who = v.size === 1 ? 'e o 1 minh' : pick(random, [`nha e ${v.size} ng`, `ca nha ${v.size} nguoi`]);
  return pick(random, [`${who}, chong di lam xa, ${toldIncome(v)}`, `${who}, ${toldIncome(v)} thoi`]);
}

const OPENINGS = ['tu danh gia ho ngheo', 'kiem tra ho ngheo', 'nha e co dc ho ngheo ko', 'e muon biet nha e co thuoc ho can ngheo k'];

/** The first message: asking to be assessed, sometimes with the household told at once. */
export function opening(v: Villager, random: Random): string {
  if (random() < 0.7) return pick(random, OPENINGS);
  const income = toldIncome(v);
  const where = v.area === 'rural' ? 'o xa' : 'o phuong';
  return pick(random, [
    `nha e ${v.size} ng ${where}, ${income}, co dc ho ngheo ko`,
    `cho e hoi nha e ${v.size} nguoi, ${income} thi co thuoc ho ngheo k`,
    `nha ${v.size} ng ${where}, ${income} thi co phai ho ngheo ko`,
  ]);
}

const LABELS: [RegExp, Category][] = [
  [/co kha nang khong thuoc dien/, 'none'],
  [/thuoc dien ho ngheo\b/, 'poor'],
  [/thuoc dien ho can ngheo/, 'near_poor'],
  [/thuoc dien ho co muc song trung binh/, 'average_living'],
];

/** The category the result bubble states. */
export function categoryOf(replies: Reply[]): Category | null {
  // The result's verdict line: "👉 Hộ của bạn có khả năng thuộc diện hộ nghèo."
  const line = replies.flatMap((r) => r.text.split('\n')).find((l) => l.startsWith('👉 Hộ của bạn có khả năng'));
  const verdict = fold(line ?? '');
  return LABELS.find(([re]) => re.test(verdict))?.[1] ?? null;
}

/** What the bot understood of the household, from its result's "Xem tất cả quyền lợi" button. */
export interface Understood {
  area: string;
  size: number;
  income: number;
  deprived: string[];
}

export function understoodOf(replies: Reply[], standard: Standard): Understood | null {
  const payload = replies.flatMap((r) => r.quickReplies ?? []).find((q) => q.title === 'Xem tất cả quyền lợi')?.payload;
  if (!payload) return null;
  const [, area, size, income, deprived] = payload.slice('screening:details:'.length).split('|').slice(1);
  const ids = indicatorsOf(standard).map((i) => i.id);
  return { area: area!, size: Number(size), income: Number(income), deprived: [...deprived!].map((c) => ids[Number.parseInt(c, 36)]!) };
}

/**
 * Where the bot's reading differs from the household (empty when it read everything right). Deprivations are
 * compared on the indicators it recorded as deprived: one it never asked is not a misreading.
 */
export function misreadings(v: Villager, u: Understood): string[] {
  const out: string[] = [];
  if (u.area !== v.area) out.push(`area ${u.area}`);
  if (u.size !== v.size) out.push(`size ${u.size}`);
  if (Math.abs(u.income - v.income) > 1) out.push(`income ${u.income}`);
  for (const id of u.deprived) if (!v.deprived.has(id)) out.push(`${id} read as deprived`);
  return out;
}
