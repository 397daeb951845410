/**
 * A bare "có", "ko", "đúng", "không có", "không phải" to a deprivation question. Several questions are asked in the
 * negative ("Trong nhà có ai … CHƯA có thẻ bảo hiểm y tế không?", "Có phải cả nhà KHÔNG ai dùng điện thoại … không?"):
 * there "có" may agree with the question (someone lacks a card) or say what the household has (we have cards), and
 * "không có" may deny the question or say what is missing. Each such question says which bare answers read one way
 * (said back, so a misreading is noticed) and which could mean either (asked again, with two buttons that say each
 * reading in words). Questions asked plainly ("Nhà có chật không?") take the bare answers as they are.
 */
import { answerCore } from '../../text/answer-words.js';
import { fold } from '../../text/fold.js';

/** `agree`: "đúng", "phải"; `none`: "không có", "chưa có"; `not_so`: "không phải", "sai". */
type Bare = 'yes' | 'agree' | 'no' | 'none' | 'not_so';

const BARE: readonly [Bare, RegExp][] = [
  ['agree', /^(?:dung|dung roi|dung vay|dung the|phai|phai roi|chinh xac|chuan)$/],
  ['not_so', /^(?:(?:khong|ko|k|kh|chang|dau|hong) (?:phai|dung)|sai|sai roi)$/],
  ['none', /^(?:(?:khong|ko|k|kh|chua|chang|hong) co)$/],
  ['yes', /^(?:co|c|co chu|yes|vang|da|vang co|da co)$/],
  ['no', /^(?:khong|ko|k|kh|khg|hong|hok|khum|no|n)$/],
];

/** How a bare answer reads: deprived or not, or either (`ask`). */
type Reading = 'deprived' | 'fine' | 'ask';

interface NegativeQuestion {
  /** The two readings in words, said back after an answer read one way. */
  deprived: string;
  fine: string;
  /** The two readings as button titles (Zalo shows 20 characters safely). */
  deprivedTitle: string;
  fineTitle: string;
  reads: Readonly<Record<Bare, Reading>>;
  /**
   * How an answer that could mean either is read when typed again after the two readings were offered: a villager
   * who types "có" twice means it, and is not asked a third time (what is said back can still be corrected).
   */
  again?: Readonly<Partial<Record<Bare, 'deprived' | 'fine'>>>;
}

/** A bare "có" or "không có" could mean either; "đúng", "không", "không phải" read one way. */
const EITHER_WAY: NegativeQuestion['reads'] = { yes: 'ask', agree: 'deprived', no: 'fine', none: 'ask', not_so: 'fine' };
/** A bare yes agrees with the question, any no denies it. */
const AS_ASKED: NegativeQuestion['reads'] = { yes: 'deprived', agree: 'deprived', no: 'fine', none: 'fine', not_so: 'fine' };

/** The negatively worded questions of both standards (content/standards/vn-*.yaml), by indicator id. */
const NEGATIVE: Readonly<Record<string, NegativeQuestion>> = {
  health_insurance: {
    deprived: 'trong nhà có người từ 6 tuổi trở lên chưa có thẻ bảo hiểm y tế',
    fine: 'mọi người từ 6 tuổi trở lên đều có thẻ bảo hiểm y tế',
    deprivedTitle: 'Có người chưa có thẻ',
    fineTitle: 'Ai cũng có thẻ',
    reads: EITHER_WAY,
    // "Có ai … chưa có thẻ không?" — "có": there is; "không có": there is none.
    again: { yes: 'deprived', none: 'fine' },
  },
  telecom: {
    deprived: 'cả nhà không ai dùng điện thoại hay internet',
    fine: 'trong nhà có người dùng điện thoại hoặc internet',
    deprivedTitle: 'Không ai dùng',
    fineTitle: 'Có người dùng',
    // "Có phải … không?" answered "không" is "không phải".
    reads: EITHER_WAY,
    // "Có phải … không?" — "có": it is so; "không có": it is not.
    again: { yes: 'deprived', none: 'fine' },
  },
  information_access: {
    deprived: 'nhà không có tivi, đài, máy tính hay điện thoại có internet',
    fine: 'nhà có tivi, đài, máy tính hoặc điện thoại có internet',
    deprivedTitle: 'Không có thứ nào',
    fineTitle: 'Có ít nhất 1 thứ',
    reads: EITHER_WAY,
    again: { yes: 'deprived', none: 'fine' },
  },
  sanitation: {
    deprived: 'nhà dùng nhà vệ sinh tạm hoặc không có nhà vệ sinh',
    fine: 'nhà có nhà vệ sinh hợp vệ sinh (tự hoại, bán tự hoại, thấm dội nước, hai ngăn)',
    deprivedTitle: 'Tạm hoặc không có',
    fineTitle: 'Hợp vệ sinh',
    reads: { yes: 'deprived', agree: 'deprived', no: 'fine', none: 'ask', not_so: 'fine' },
    // "không có" (nhà vệ sinh).
    again: { none: 'deprived' },
  },
  child_schooling: {
    deprived: 'trong nhà có trẻ từ 3 đến dưới 16 tuổi không đi học',
    fine: 'không có trẻ từ 3 đến dưới 16 tuổi nào nghỉ học',
    deprivedTitle: 'Có trẻ không đi học',
    fineTitle: 'Không có trẻ nghỉ',
    reads: AS_ASKED,
  },
  household_waste: {
    deprived: 'rác bị vứt ra ngoài hoặc tự đốt, không được thu gom',
    fine: 'rác được thu gom hoặc xử lý đúng cách',
    deprivedTitle: 'Vứt hoặc tự đốt',
    fineTitle: 'Được thu gom',
    reads: AS_ASKED,
  },
};

function bareOf(text: string): Bare | null {
  const core = answerCore(text);
  return BARE.find(([, re]) => re.test(core))?.[0] ?? null;
}

export type BareReading = { deprived: boolean; said: string } | { ask: [deprivedTitle: string, fineTitle: string] };

/**
 * A bare answer to a negatively worded question: the reading with the words that say it back, or the two readings'
 * titles when it could mean either (`askedBefore`: the question was asked again already). Null for any other answer,
 * and for a question asked plainly.
 */
export function readBareAnswer(id: string, text: string, askedBefore = false): BareReading | null {
  const question = NEGATIVE[id];
  if (!question) return null;
  // "có rồi" to the card question: the card, had already.
  const bare = id === 'health_insurance' && /^(?:da |vang )?co roi(?: a)?$/.test(fold(text)) ? 'not_so' : bareOf(text);
  if (!bare) return null;
  const reading = (askedBefore && question.again?.[bare]) || question.reads[bare];
  if (reading === 'ask') return { ask: [question.deprivedTitle, question.fineTitle] };
  const deprived = reading === 'deprived';
  return { deprived, said: saidBack(id, deprived)! };
}

/** "Mình hiểu: …": what a yes or no to a negatively worded question was taken to mean; null for a plain question. */
export function saidBack(id: string, deprived: boolean): string | null {
  const question = NEGATIVE[id];
  return question ? `Mình hiểu: ${deprived ? question.deprived : question.fine}. Nếu chưa đúng, nhắn "quay lại".` : null;
}
