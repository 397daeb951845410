/**
 * Reading a deprivation answer that states the fact instead of saying yes or no: "nuoc mua", "gieng khoan", "nha vs
 * tu hoai", "nha tam", "ko co dt", "co the bhyt roi". Each indicator has words for the household being deprived
 * ("bad": nước ao, nhà tạm, thất nghiệp) and for it not being deprived ("good": nước máy, thẻ BHYT, điện thoại). A
 * negation earlier in the same clause turns one into the other: "ko co dt" (no phone) is deprived, "ko ai that
 * nghiep" is not. What the words mean follows the indicators' thresholds in content/standards/vn-*.yaml.
 */
import { normalizeTokens } from '../../nlu/lexicon.js';
import { readYesNo } from '../../text/answer-words.js';
import { fold } from '../../text/fold.js';
import { tokenize } from '../../text/tokenize.js';
import { AGE_RANGES, AGES } from './household-facts.js';

interface IndicatorWords {
  /** Words that say the household is deprived. */
  bad: readonly string[];
  /** Words that say it is not. */
  good: readonly string[];
  /** Nobody the indicator is about: "nhà không có trẻ con" answers the nutrition question with "not deprived". */
  nobody?: readonly string[];
  /** One of the good things is enough (a phone, a television): any good word not negated settles "not deprived". */
  anyGood?: boolean;
  /**
   * About each member ("có ai … không?"): one member deprived makes the household deprived, whatever is said of the
   * others ("chồng phụ hồ, em làm ruộng", "đứa lớn đi học, đứa nhỏ bỏ học"), so both kinds of words are no "mixed".
   */
  anyMember?: boolean;
  /**
   * Good things that are only one kind among others: having one settles "not deprived", lacking it says only that
   * ("ko có điện thoại thông minh": a basic phone or a television may still be there).
   */
  partial?: readonly string[];
}

const NO_CHILDREN = ['khong co tre', 'khong co chau', 'khong co be', 'khong co con nho', 'khong co dua nho', 'chua co con', 'khong co con'];
const NOBODY_OF_AGE = ['khong co ai tuoi', 'khong co ai do tuoi', 'khong co nguoi tuoi', 'khong ai tuoi', 'khong co ai trong do tuoi'];

/** Work hired by the day or the job, as villagers name it. */
const CASUAL_WORK = ['lam thue', 'lam muon', 'lam cong nhat', 'phu ho', 'lam thoi vu'];

/** Folded, teencode expanded (lexicon.ts): "ko" is "khong", "dt" is "dien thoai", "bhyt" is "bao hiem y te". */
const WORDS: Readonly<Record<string, IndicatorWords>> = {
  employment: {
    // Hired by the day or the job ("làm thuê", "phụ hồ") is wage work without a labour contract, unless one is said.
    bad: ['that nghiep', 'mat viec', 'nghi viec', 'bi cho nghi', ...CASUAL_WORK],
    // Farmers, traders and motorbike-taxi drivers work for themselves, a homemaker seeks no job: neither unemployed nor
    // wage workers without a contract.
    good: [
      'co viec', 'co hop dong', 'hop dong lao dong', 'bien che', 'co luong huu', 'lam ruong', 'lam nong', 'trong lua', 'chan nuoi',
      'buon ban', 'ban hang', 'tu lam', 'noi tro', 'xe om', ...CASUAL_WORK.map((w) => `${w} co hop dong`),
      // Working abroad goes by a contract.
      'xuat khau lao dong', 'xkld', 'lam o nuoc ngoai', 'lam viec o nuoc ngoai',
    ],
    anyMember: true,
  },
  dependants: {
    bad: ['nhieu tre con', 'nhieu nguoi gia', 'toan nguoi gia', 'toan tre con', 'toan tre nho', 'nguoi gia voi tre', 'nguoi gia va tre'],
    good: ['toan nguoi lon', 'di lam duoc het', 'deu di lam', 'nguoi lon di lam', 'deu lam duoc'],
  },
  nutrition: {
    bad: ['suy dinh duong', 'coi', 'thap coi', 'nhe can', 'coi coc', 'gay yeu', 'gay com', 'gay lam', 'gay qua', 'gay nhom', 'thieu can'],
    good: ['khoe', 'binh thuong', 'du can', 'phat trien tot'],
    nobody: NO_CHILDREN,
    anyMember: true,
  },
  health_insurance: {
    // An expired card is no card: "thẻ bhyt hết hạn" is not also "bảo hiểm y tế" (longest first).
    bad: ['het han', 'the het han', 'chua lam the', 'bao hiem y te het han', 'bao hiem het han', 'the bao hiem het han', 'the bao hiem y te het han'],
    good: ['bao hiem y te', 'bao hiem', 'co the', 'the roi', 'the het', 'the bao hiem', 'the y te', 'the kcb'],
    anyMember: true,
  },
  adult_education: {
    bad: ['bo hoc', 'nghi hoc', 'thoi hoc', 'bo ngang'],
    good: ['dang hoc', 'di hoc', 'van di hoc', 'deu di hoc', 'dai hoc', 'cao dang', 'hoc nghe', 'sinh vien', 'tot nghiep', 'het cap 3', 'xong cap 3', 'het cap ba', 'xong cap ba', 'het lop 12', 'xong lop 12'],
    nobody: [...NOBODY_OF_AGE, 'khong co ai'],
    anyMember: true,
  },
  child_schooling: {
    bad: ['bo hoc', 'nghi hoc', 'thoi hoc'],
    // A child told by the class it is in ("cháu học lớp 5", "bé đi mẫu giáo") is at school.
    good: ['di hoc', 'dang hoc', 'di hoc du', 'di hoc het', 'di hoc ca', 'deu di hoc', 'van di hoc', 'hoc lop', 'hoc mau giao', 'di mau giao', 'hoc mam non', 'di nha tre', 'hoc cap 1', 'hoc cap 2', 'hoc cap mot', 'hoc cap hai', 'hoc tieu hoc', 'hoc thcs', 'hoc truong'],
    nobody: [...NO_CHILDREN, ...NOBODY_OF_AGE],
    anyMember: true,
  },
  housing_quality: {
    bad: [
      'nha tam', 'dot nat', 'dot', 'nha tranh', 'vach dat', 'tuong dat', 'lop la', 'mai la', 'nha la', 'tre nua', 'nha go tam', 'sap', 'xieu veo',
      'nat', 'vach tre', 'vach nua', 'tuong tre', 'lop rom', 'mai rom', 'lop tranh', 'mai tranh',
    ],
    // Tiles, metal or fibre-cement sheets and brick are durable materials ("ngói" and "gạch" only with the roof or wall
    // they make: "ngồi" folds alike, and a "điện thoại cục gạch" is a phone).
    good: [
      'nha xay', 'kien co', 'mai bang', 'be tong', 'nha tang', 'nha gach', 'xay gach', 'chac chan', 'nha mai ngoi', 'cap 4', 'lop ngoi', 'mai ngoi',
      'lop ton', 'mai ton', 'lop fibro', 'mai fibro', 'fibro xi mang', 'lop proxi', 'mai proxi', 'tuong gach', 'tuong xay',
    ],
  },
  housing_area: {
    bad: ['chat', 'chat choi', 'chat hep', 'hep', 'cham chu'],
    good: ['rong', 'rong rai', 'thoang', 'du cho', 'thoai mai'],
  },
  drinking_water: {
    // Contaminated water is not clean whatever its source: "nước giếng nhưng nhiễm phèn" says both, asked again.
    bad: [
      'nuoc ao', 'nuoc song', 'nuoc ho', 'nuoc suoi', 'nuoc muong', 'nuoc ruong', 'nuoc ban', 'nuoc duc', 'nuoc nhiem', 'nuoc lo', 'chua sach',
      'khong sach', 'chua loc', 'gieng ho', 'nhiem phen', 'nhiem man', 'nhiem asen', 'nhiem ban', 'bi nhiem', 'nuoc phen', 'nuoc man',
    ],
    good: ['nuoc may', 'gieng khoan', 'gieng dao', 'nuoc gieng', 'gieng', 'nuoc mua', 'nuoc binh', 'nuoc dong binh', 'nuoc dong chai', 'nuoc loc', 'nuoc sach', 'may loc', 'nuoc khe', 'nuoc mo'],
  },
  sanitation: {
    // "có nhà vệ sinh (rồi)": a toilet of its own, said of one that is not makeshift (longer than "ve sinh tam").
    bad: ['nha ve sinh tam', 'cau tom', 'ho dao', 'khong co nha ve sinh', 'khong co nha tieu', 'khong co cho ve sinh', 'khong co wc', 've sinh tam', 'tam thoi', 'di ngoai dong', 'di ngoai vuon', 'di bo', 'nha tieu tam', 've sinh ngoai vuon', 've sinh ngoai dong'],
    good: ['tu hoai', 'ban tu hoai', 'hai ngan', '2 ngan', 'tham doi nuoc', 'doi nuoc', 'bon cau', 'nha ve sinh xay', 'wc xay', 'co nha ve sinh', 'co wc', 'co nha tieu', 'nha ve sinh thi co', 'nha tieu thi co', 'wc thi co'],
  },
  telecom: {
    bad: [],
    good: ['dien thoai', 'internet', 'mang', 'wifi', 'zalo', '4g', '3g', 'smartphone', 'facebook', 'chuyen tien', 'di dong', 'dien thoai thong minh'],
    anyGood: true,
    partial: ['dien thoai thong minh', 'smartphone'],
  },
  information_access: {
    bad: [],
    good: ['tivi', 'ti vi', 'tv', 'dai', 'radio', 'may tinh', 'laptop', 'mang', 'internet', 'wifi', 'smartphone', 'dien thoai thong minh', '4g'],
    anyGood: true,
    partial: ['dien thoai thong minh', 'smartphone'],
  },
  household_waste: {
    bad: ['vut', 'vat', 'do ra', 'do xuong', 'tu dot', 'dot rac', 'dot', 'chon', 'xa ra', 'nem ra'],
    good: ['thu gom', 'xe rac', 'xe thu gom', 'nguoi thu gom', 'cong nhan moi truong', 'dong tien rac', 'phan loai', 'bai rac tap trung'],
  },
};

/** Words that negate what follows in the same clause. */
const NEGATION = /(^| )(khong|chua|chang|cha|hong|deo)( |$)/;
/** Clause boundaries: punctuation, "nhưng", "mà" ("còn" is also a child: "không có con nhỏ"). */
const CLAUSES = /[,;.!?\n]+|\s+(?:nhưng|nhung|mà|ma)\s+/i;

/** "nhà vs" is the toilet (nhà vệ sinh), not "với", in an answer about sanitation. */
const TOILET = /(?<![\p{L}])(nhà|nha|chỗ|cho|đi|di)\s+(vs|wc)(?![\p{L}])/giu;

function normalize(clause: string): string {
  const tokens = tokenize(clause.replace(TOILET, '$1 ve sinh'));
  // Numbers stay as typed ("2 ngan", "4g"): the lexicon turns them into "#".
  return normalizeTokens(tokens)
    .map((w) => (w.form === '#' ? (tokens.find((t) => t.start === w.start)?.folded ?? w.form) : w.form))
    .join(' ');
}

function find(clause: string, phrase: string): number {
  const padded = ` ${clause} `;
  const at = padded.indexOf(` ${phrase} `);
  return at < 0 ? -1 : at;
}

/** Every phrase of an indicator with whether it means deprived, longest first (made once per indicator). */
const PHRASES = new Map<IndicatorWords, [string, boolean][]>();
function phrasesOf(words: IndicatorWords): [string, boolean][] {
  let phrases = PHRASES.get(words);
  if (!phrases) {
    phrases = [...words.bad.map((p): [string, boolean] => [p, true]), ...words.good.map((p): [string, boolean] => [p, false])];
    phrases.sort((a, b) => b[0].length - a[0].length);
    PHRASES.set(words, phrases);
  }
  return phrases;
}

/**
 * An age a clause tells ("17 tuổi", "5 và 17t") when none it tells is within the ages the indicator is about: "cháu 17
 * tuổi nghỉ học" says nothing of the children's schooling (3 to under 16). Null otherwise.
 */
export function ageOutside(id: string, clause: string): number | null {
  const range = AGE_RANGES[id];
  if (!range) return null;
  const ages = [...fold(clause).matchAll(AGES)].map((m) => Number(m[1]));
  return ages.length > 0 && ages.every((a) => a < range[0] || a > range[1]) ? ages[0]! : null;
}

/** `partial`: only one kind of good thing said lacking ("ko có điện thoại thông minh"): the others are to ask. */
export type Statement = 'deprived' | 'not_deprived' | 'mixed' | 'partial' | null;

/**
 * What the answer states about indicator `id`: deprived, not deprived, words both ways ("mixed": "nhà cấp 4 cũ dột"),
 * or nothing (no word of the indicator). `householdSize` lets "20 mét vuông mà 5 người ở" be worked out against the
 * 8 m² a person; `phrasesOnly` reads only words of two or more (a message that answers no such question).
 */
export function readIndicatorStatement(id: string, text: string, householdSize?: number, { phrasesOnly = false } = {}): Statement {
  const words = WORDS[id];
  if (!words) return null;
  if (id === 'housing_area') {
    const perPerson = areaPerPerson(text, householdSize);
    if (perPerson !== null) return perPerson < 8 ? 'deprived' : 'not_deprived';
  }
  if (id === 'dependants' && householdSize) {
    const counted = dependantsCounted(text);
    if (counted !== null) return counted * 2 > householdSize ? 'deprived' : 'not_deprived';
  }
  let deprived = false;
  let fine = false;
  let lacksOne = false;
  for (const raw of text.split(CLAUSES)) {
    const clause = normalize(raw);
    if (!clause || ageOutside(id, raw) !== null) continue;
    if (words.nobody?.some((p) => find(clause, p) >= 0)) {
      fine = true;
      continue;
    }
    // Longest first over both lists, each place once: "nuoc may" is not also "may", "the het han" not "the het".
    let rest = clause;
    for (const [phrase, meansDeprived] of phrasesOf(words)) {
      // One word alone ("dot": dột, đợt, đốt) is too loose for a message about something else.
      if (phrasesOnly && !phrase.includes(' ')) continue;
      const at = find(rest, phrase);
      if (at < 0) continue;
      const negated = NEGATION.test(rest.slice(0, at));
      rest = `${rest.slice(0, at)} ${'_'.repeat(phrase.length)} ${rest.slice(at + phrase.length + 1)}`;
      if (negated && words.partial?.includes(phrase)) lacksOne = true;
      else if (meansDeprived !== negated) deprived = true;
      else fine = true;
    }
  }
  if (words.anyGood && fine) return 'not_deprived';
  if (words.anyMember && deprived) return 'deprived';
  if (deprived && fine) return 'mixed';
  if (!deprived && !fine) return lacksOne ? 'partial' : null;
  return deprived ? 'deprived' : 'not_deprived';
}

/**
 * How an answer that gives numbers was worked out, said back with the answer: "Mình tính: 4/4 người là người phụ
 * thuộc", "Mình tính: 30 m² cho 5 người là 6 m² mỗi người". Undefined when the answer gave no numbers to work with.
 */
export function workedOut(id: string, text: string, householdSize: number | undefined): string | undefined {
  // Hired work read as without a contract: a guess the citizen can correct.
  if (id === 'employment' && hiredWithoutContractSaid(text)) {
    return 'Mình hiểu: làm thuê, phụ hồ thường không có hợp đồng lao động nên tính là thiếu hụt; nếu có hợp đồng, nhắn "quay lại".';
  }
  if (!householdSize) return undefined;
  if (id === 'dependants') {
    const counted = dependantsCounted(text);
    if (counted !== null) return `Mình tính: ${counted}/${householdSize} người trong nhà là trẻ em, người già hoặc người không tự làm việc được.`;
  }
  if (id === 'housing_area') {
    const perPerson = areaPerPerson(text, householdSize);
    if (perPerson !== null) return `Mình tính: khoảng ${String(Math.round(perPerson * 10) / 10).replace('.', ',')} m² mỗi người.`;
  }
  return undefined;
}

/** Hired work told without a word of its contract, and read as deprived. */
function hiredWithoutContractSaid(text: string): boolean {
  const words = ` ${normalize(text)} `;
  return !words.includes(' hop dong ') && CASUAL_WORK.some((w) => words.includes(` ${w} `)) && readIndicatorStatement('employment', text) === 'deprived';
}

/** "nhà 20 mét vuông mà 5 người ở", "30m2": square metres per person, when the answer gives the floor area. */
function areaPerPerson(text: string, householdSize: number | undefined): number | null {
  const folded = fold(text);
  const area = /(\d+(?:[.,]\d+)?)\s*(?:m2|m ?vuong|met vuong|met|m)\b/.exec(folded);
  if (!area) return null;
  const people = /(\d+)\s*(?:nguoi|ng|khau)\b/.exec(folded);
  const size = people ? Number(people[1]) : householdSize;
  if (!size) return null;
  return Number(area[1]!.replace(',', '.')) / size;
}

/**
 * "có hết", "ai cũng có", "đều có cả": everyone has what the question asks whether anyone lacks ("Trong nhà có ai …
 * chưa có thẻ bảo hiểm y tế không?"), so the household is not deprived, though the answer opens with "có". Only for
 * the question asked: to another question these words say nothing.
 */
export function everyoneHas(id: string, text: string): boolean {
  return (
    ANYONE_LACKING.has(id) &&
    /^(?:(?:nha|ca nha|moi nguoi|tat ca|ca ho)\s+)?(?:co het|co ca|co du|deu co|ai cung co|co het ca|nguoi nao cung co)(?:\s+(?:the|bhyt|bao hiem|roi|ca|het|a|nhe|ma|luon))*$/.test(
      fold(text).replace(/[,.!]+/g, ' ').replace(/\s+/g, ' ').trim(),
    )
  );
}
/** Questions asked as "is anyone lacking…?". */
const ANYONE_LACKING = new Set(['health_insurance']);

const SMALL_NUMBERS: Readonly<Record<string, number>> = { mot: 1, hai: 2, ba: 3, bon: 4, nam: 5, sau: 6 };
const COUNT = String.raw`(\d{1,2}|mot|hai|ba|bon|nam|sau)`;
/** Children told with their number: "2 đứa nhỏ", "3 cháu", "hai bé". */
const COUNTED_CHILDREN = new RegExp(String.raw`\b${COUNT}\s+(?:dua nho|dua con|con nho|chau nho|dua chau|dua tre|tre con|tre em|tre nho|dua|chau|be|tre)\b`, 'g');
/** Old or disabled people told with their number: "2 người già", "1 người khuyết tật". */
const COUNTED_OLD = new RegExp(String.raw`\b${COUNT}\s+(?:nguoi gia|cu gia|ong ba gia|nguoi khuyet tat|nguoi tan tat|nguoi benh)\b`, 'g');
/** Words for a number of people not told: "nhiều", "mấy đứa", "các cháu", "toàn". */
const UNCOUNTED = /\b(nhieu|may|cac|toan|dong|lu)\b/;
/** Old people who still work ("ông bà vẫn làm ruộng được") are no dependants. */
const STILL_WORKING = '(?!(?: [a-z]+){0,2} (?:van lam|con lam|deu lam|lam duoc|lam dc|di lam|con khoe|van khoe))';
/** A grandparents' couple, one old person: "ông bà", "bà nội", "mẹ già". */
const OLD_COUPLE = new RegExp(String.raw`\bong ba(?: gia)?\b${STILL_WORKING}`, 'g');
const OLD_ONE = new RegExp(String.raw`\b(?:ong noi|ba noi|ong ngoai|ba ngoai|me gia|bo gia|ba cu|ong cu)\b${STILL_WORKING}`, 'g');

/**
 * How many dependants (children, the old, the disabled) an answer counts: "nhà có 2 ông bà già với 2 đứa nhỏ" (4),
 * "3 đứa con" (3); null when it counts none. Against the household's size it answers whether they are more than half.
 */
function dependantsCounted(text: string): number | null {
  let rest = ` ${fold(text)} `;
  // "nhiều trẻ con với ông bà già": some are not counted, so the count says nothing.
  if (UNCOUNTED.test(rest)) return null;
  let total = 0;
  let found = false;
  const take = (re: RegExp, count: (m: string[]) => number) => {
    rest = rest.replace(re, (...m: string[]) => {
      total += count(m);
      found = true;
      return ' ';
    });
  };
  const number = (word: string) => SMALL_NUMBERS[word] ?? Number(word);
  take(COUNTED_OLD, (m) => number(m[1]!));
  take(COUNTED_CHILDREN, (m) => number(m[1]!));
  take(OLD_COUPLE, () => 2);
  take(OLD_ONE, () => 1);
  return found ? total : null;
}

/** The yes or no an answer opens with as a clause of its own ("có, …", "không. …"); null without one. */
export function leadingYesNo(text: string): 'yes' | 'no' | null {
  const [first, ...rest] = text.split(/[,;.!]+/);
  if (rest.length === 0 || !first) return null;
  const said = readYesNo(first, { strict: true });
  return said === 'yes' || said === 'no' ? said : null;
}
