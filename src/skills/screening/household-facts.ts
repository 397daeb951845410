/**
 * Reading facts about the household's members out of a free-text answer to a deprivation question: "2 đứa nhỏ chưa
 * có thẻ BHYT, cả ba mẹ cũng không có", "có 1 đứa 12 tuổi bỏ học rồi". One message may settle several indicators, or
 * another one than asked; the flow records them all and asks only what is still open.
 *
 * Ages follow the indicators of both standards (content/standards/vn-*.yaml): BHYT counts members from 6 years of
 * age (younger children get a free card); child schooling counts children from 3 to under 16; adult education
 * counts 16–30-year-olds, and only for 18–30 does leaving school mean missing the expected level (THPT) — at 16–17
 * the expected level is THCS, which a drop-out may already have, so that case is left to the question.
 */
import { fold } from '../../text/fold.js';

export interface HouseholdFact {
  indicator: 'health_insurance' | 'child_schooling' | 'adult_education';
  deprived: boolean;
  /** Who it concerns, in words for the reply: "trẻ 12 tuổi bỏ học". */
  who: string;
}

export interface HouseholdFacts {
  facts: HouseholdFact[];
  /** Children under 6 (or of unknown age) said to have no card: they are entitled to a free one. */
  youngWithoutCard: boolean;
}

export const BHYT_FROM_AGE = 6;
const SCHOOL_FROM_AGE = 3;
const SCHOOL_UNDER_AGE = 16;
const ADULT_LEVEL_FROM_AGE = 18;
const ADULT_EDUCATION_TO_AGE = 30;

const INSURANCE = /\b(bhyt|bh yt|bao hiem y te|bao hiem|the bh|the bhyt|the y te|the bao hiem)\b/;
/** "thẻ" alone folds like "thế"/"thể" ("có thể"): it names the card only while the card is being asked about. */
const CARD = /\b(co|lam|cap|duoc cap|chua co|ko co|khong co|k co) the\b/;
const LACKING = /\b(chua|ko|khong|k|kh|hong|chang|het han)\b/;
const EVERYONE = /\b(ca nha|ca ho|tat ca|moi nguoi|deu)\b/;
const OUT_OF_SCHOOL = /\b(bo hoc|nghi hoc|thoi hoc|(khong|ko|k|chua|hong) (di hoc|hoc nua|hoc))\b/;
export const CHILDREN = /\b(dua nho|con nho|tre nho|tre em|tre|be|chau nho|chau|dua|con gai|con trai|thang nho|con be)\b/;
const ADULTS = /\b(bo me|ba me|cha me|vo chong|ong ba|nguoi lon|chong|vo|toi|minh|ca nha|ca ho|ong|ong noi|ong ngoai|ba noi|ba ngoai|bo|me|cha)\b/;
/** "cả nhà có thẻ rồi trừ ông": everyone but the one named after it, who lacks the card. */
const EXCEPT = /\b(?:ngoai tru|tru|tru moi|tru mot)\b/;
/** The ages an indicator of members is about, both ends included. */
export const AGE_RANGES: Readonly<Record<string, readonly [from: number, to: number]>> = {
  child_schooling: [SCHOOL_FROM_AGE, SCHOOL_UNDER_AGE - 1],
  adult_education: [SCHOOL_UNDER_AGE, ADULT_EDUCATION_TO_AGE],
};

/** "12 tuổi", "3 và 5 tuổi", "12t". */
export const AGES = /\b(\d{1,2})(?=(?:\s*(?:va|,)?\s*\d{1,2})*\s*(?:tuoi|t)\b)/g;

interface Segment {
  text: string;
  ages: number[];
  children: boolean;
  adults: boolean;
}

function segments(text: string): Segment[] {
  return text
    .split(/[,;.!?\n]+|\s+(?:nhung|con nua)\s+/)
    .map((part) => fold(part))
    .filter(Boolean)
    .map(segment);
}

function segment(part: string): Segment {
  const ages = [...part.matchAll(AGES)].map((m) => Number(m[1]));
  return { text: part, ages, children: CHILDREN.test(part), adults: ADULTS.test(part) };
}

type Topic = 'insurance' | 'school' | null;

/**
 * The facts a message states about members' BHYT cards and schooling. `asked` is the indicator being asked: while
 * it is health insurance, "thẻ" means the card and a clause without a topic ("cả ba mẹ cũng không có") is about it.
 */
export function readHouseholdFacts(text: string, asked?: string): HouseholdFacts {
  const facts: HouseholdFact[] = [];
  let youngWithoutCard = false;
  let previous: Topic = null;
  for (const s of segments(text)) {
    const aboutCard = INSURANCE.test(s.text) || (asked === 'health_insurance' && CARD.test(s.text));
    let topic: Topic = OUT_OF_SCHOOL.test(s.text) ? 'school' : aboutCard ? 'insurance' : null;
    // "…, cả ba mẹ cũng không có": the clause goes on with the previous one's subject.
    if (!topic && (s.children || s.adults) && /\b(cung|cung vay|cung the)\b/.test(s.text)) topic = previous;
    if (!topic && asked === 'health_insurance' && (s.children || s.adults) && LACKING.test(s.text)) topic = 'insurance';
    previous = topic;
    if (topic === 'insurance') {
      // "…trừ ông": the card lacking is the excepted one's; who that is decides as below.
      const except = EXCEPT.exec(s.text);
      const lacking = except !== null || LACKING.test(s.text);
      const who = except ? segment(s.text.slice(except.index + except[0].length)) : s;
      if (!lacking) {
        if (EVERYONE.test(s.text)) facts.push({ indicator: 'health_insurance', deprived: false, who: 'cả nhà đã có thẻ' });
        continue;
      }
      const olderAge = who.ages.find((a) => a >= BHYT_FROM_AGE);
      if (olderAge !== undefined) facts.push({ indicator: 'health_insurance', deprived: true, who: `người ${olderAge} tuổi chưa có thẻ` });
      else if (who.adults) facts.push({ indicator: 'health_insurance', deprived: true, who: 'người lớn chưa có thẻ' });
      // "nhà chưa có BHYT": nobody named, said of the household.
      else if (!who.children && who.ages.length === 0) facts.push({ indicator: 'health_insurance', deprived: true, who: 'trong nhà có người chưa có thẻ' });
      else youngWithoutCard = true;
    } else if (topic === 'school') {
      const child = s.ages.find((a) => a >= SCHOOL_FROM_AGE && a < SCHOOL_UNDER_AGE);
      const adult = s.ages.find((a) => a >= ADULT_LEVEL_FROM_AGE && a <= ADULT_EDUCATION_TO_AGE);
      if (child !== undefined) facts.push({ indicator: 'child_schooling', deprived: true, who: `trẻ ${child} tuổi không đi học` });
      else if (s.ages.length === 0 && s.children) facts.push({ indicator: 'child_schooling', deprived: true, who: 'trẻ không đi học' });
      if (adult !== undefined) facts.push({ indicator: 'adult_education', deprived: true, who: `người ${adult} tuổi đã thôi học` });
    }
  }
  // One fact per indicator: a deprivation found anywhere in the message wins.
  const byIndicator = new Map<string, HouseholdFact>();
  for (const fact of facts) if (!byIndicator.get(fact.indicator)?.deprived) byIndicator.set(fact.indicator, fact);
  return { facts: [...byIndicator.values()], youngWithoutCard };
}
