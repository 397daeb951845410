/**
 * Long messages: "Thưa luật sư, nhà tôi có 5 người, bố tôi bị tai nạn… Xin hỏi hộ tôi có được vay vốn không? Xin cảm
 * ơn." The salutations and the signature say nothing of the topic, the story says a little, the question sentence
 * says most. This module splits a message into sentences, drops the polite formulas, and tells questions from story.
 */

import { Memo } from '../memo.js';
import { type Token, tokenize } from '../text/tokenize.js';
import { normalizeTokens } from './lexicon.js';

export type SentenceRole = 'question' | 'context';

export interface Sentence {
  text: string;
  role: SentenceRole;
}

/** Openings and closings that carry no content, folded; removed wherever a sentence starts with one. */
const FORMULAS = [
  'kinh gui', 'kinh thua', 'thua luat su', 'thua ban bien tap', 'thua bao', 'thua quy bao', 'thua chuyen gia', 'thua anh',
  'thua chi', 'thua ong', 'thua ba', 'thua co', 'thua', 'chao ban bien tap', 'chao luat su', 'chao ban', 'chao anh',
  'chao chi', 'chao em', 'chao ad', 'chao admin', 'xin chao', 'chao', 'alo', 'ban bien tap cho toi hoi', 'ban bien tap',
  'luat su cho toi hoi', 'luat su oi', 'cho toi hoi', 'cho em hoi', 'cho minh hoi', 'cho chau hoi', 'cho tui hoi',
  'xin hoi', 'em xin hoi', 'toi xin hoi', 'xin cho hoi', 'xin duoc hoi', 'toi muon hoi', 'em muon hoi', 'minh muon hoi',
  'xin cam on', 'cam on', 'tran trong cam on', 'tran trong', 'rat mong duoc giai dap', 'mong duoc giai dap',
  'mong nhan duoc phan hoi', 'mong duoc tra loi', 'rat mong', 'xin tu van', 'nho tu van', 'nho giai dap', 'giup em voi',
  'giup toi voi', 'em cam on', 'toi xin cam on',
];
const FORMULA_LIST = FORMULAS.map((f) => f.split(' ')).sort((a, b) => b.length - a.length);

/**
 * A request to whoever answers, built from parts rather than listed whole: "Xin luật sư cho biết", "Đề nghị tòa soạn
 * cho biết", "vậy luật sư cho tôi hỏi", "tổng đài cho em hỏi", "nhờ chuyên gia tư vấn giúp": [lead] [addressee]
 * [cho + pronoun] verb, with a lead, an addressee or the "cho …" part present.
 */
const REQUEST_LEADS = ['kinh de nghi', 'de nghi', 'xin', 'nho', 'mong', 'vay'].map((w) => w.split(' '));
const ADDRESSEES = [
  'luat su', 'toa soan', 'ban bien tap', 'quy bao', 'bao', 'chuyen gia', 'tong dai', 'bac si', 'can bo', 'admin', 'ad',
  'anh chi', 'chuyen muc', 'chuong trinh', 'ban tu van', 'trung tam', 'quy co quan', 'co quan chuc nang',
].map((w) => w.split(' '));
const ASKERS = new Set(['toi', 'em', 'e', 'minh', 'mk', 'mik', 'chau', 'tui', 'con']);
const REQUEST_VERBS = ['cho biet', 'hoi', 'biet', 'tu van giup', 'tu van', 'giai dap giup', 'giai dap'].map((w) => w.split(' '));

/** How many tokens of `folded` from `at` a phrase of `phrases` takes (the longest), or 0. */
function phraseAt(folded: readonly string[], at: number, phrases: readonly (readonly string[])[]): number {
  let best = 0;
  for (const p of phrases) if (p.length > best && p.every((w, i) => folded[at + i] === w)) best = p.length;
  return best;
}

/** The length of the request formula `folded` starts with, or 0. */
function requestLength(folded: readonly string[]): number {
  let at = phraseAt(folded, 0, REQUEST_LEADS);
  const lead = at > 0;
  const addressee = phraseAt(folded, at, ADDRESSEES);
  at += addressee;
  let asker = false;
  if (folded[at] === 'cho' && ASKERS.has(folded[at + 1] ?? '')) {
    at += 2;
    asker = true;
  }
  const verb = phraseAt(folded, at, REQUEST_VERBS);
  // "biết" alone after a lead is a verb of the question ("xin biết…" is rare; "cho biết" is the request).
  return verb > 0 && (addressee > 0 || asker || (lead && folded[at] !== 'biet')) ? at + verb : 0;
}

/** Who asks, named before "hỏi": "Ông Thái Quang Minh hỏi, …", "Bạn đọc Nguyễn Văn A hỏi: …". */
const ASKER_TITLES = new Set(['ong', 'ba', 'anh', 'chi', 'ban', 'doc', 'gia', 'em', 'chau', 'co', 'chu', 'bac', 'cu', 'khan']);
const MAX_ASKER_WORDS = 6;

/** Folded word sequences that make a sentence a question. */
const QUESTION_CUES = [
  'bao nhieu', 'the nao', 'nhu the nao', 'o dau', 'khi nao', 'bao gio', 'lam sao', 'the sao', 'ra sao', 'co phai',
  'phai khong', 'duoc khong', 'co duoc', 'hay khong', 'hay chua', 'can gi', 'gi', 'nao', 'sao', 'ai', 'muon biet',
  'hoi',
].map((c) => c.split(' '));
/** Negations elsewhere, but a question at the end of a sentence ("hộ nghèo vay được ko", "có thẻ chưa ạ"). */
const FINAL_CUES = new Set(['khong', 'chua']);
const FINAL_PARTICLES = new Set(['a', 'vay', 'nhi', 'nhe', 'ha', 'ta', 'ban', 'em', 'anh', 'chi', 'ad', 'admin']);

/**
 * Sentence ends; a newline too, since many type one thought per line. A full stop ends a sentence only before a space
 * or the end: "1.500.000 đồng", "gmail.com" stay whole.
 */
const SENTENCE_END = /(?:[?!;\n…]|\.(?!\S))+/;
const TRAILING_END = /[.?!;\n…]+$/;

/** A chat turn splits the same message more than once (the whole, then each question); the split is remembered. */
const SPLITS = new Memo<readonly Sentence[]>(256);

/** Splits a message into content sentences (formulas removed), each marked question or context. */
export function sentencesOf(text: string): readonly Sentence[] {
  return SPLITS.get(text, split);
}

/** "Nguyễn Thị L. 25 tuổi", "TP. Hồ Chí Minh": a full stop after an initial or a place abbreviation ends nothing. */
const ABBREVIATION = /(?:^|[\s(])(?:\p{Lu}|TP|Tp|TX|ThS|TS|BS)$/u;

/** Where the first sentence of `text` ends (after its end marks), or the text's length. */
function sentenceEnd(text: string): number {
  const marks = new RegExp(SENTENCE_END.source, 'g');
  for (let match = marks.exec(text); match; match = marks.exec(text)) {
    const end = match.index + match[0].length;
    if (!(match[0] === '.' && ABBREVIATION.test(text.slice(0, match.index)) && /^ \S/.test(text.slice(end)))) return end;
  }
  return text.length;
}

function split(text: string): Sentence[] {
  const sentences: Sentence[] = [];
  let rest = text.normalize('NFC');
  while (rest.length > 0) {
    const end = sentenceEnd(rest);
    const raw = rest.slice(0, end);
    rest = rest.slice(end);
    const content = withoutFormulas(raw.replace(TRAILING_END, ' ').trim());
    if (!content) continue;
    const role = raw.includes('?') || asksSomething(content) ? 'question' : 'context';
    if (role === 'context' && isSignature(content)) continue;
    sentences.push({ text: content, role });
  }
  return sentences;
}

/**
 * A reader's signature: "(Nguyễn Thu Hiền - Sóc Sơn, Hà Nội)", "Lữ Thị Luật (82 tuổi, xã Sơn Cẩm, huyện Phú Lương)",
 * "thuhue***@gmail.com": names and places say nothing of the question, and their syllables match entries by chance.
 * Most words after the first capitalised, or an e-mail address.
 */
const SIGNATURE_SHARE = 0.6;
function isSignature(sentence: string): boolean {
  if (/\S@\S/.test(sentence)) return true;
  const words = tokenize(sentence).filter((t) => !t.isNumber).slice(1);
  // A name is written "Nguyễn" or "L."; a message typed in capitals ("NHA TOI CO 5 NGUOI") names no one.
  const named = words.filter((t) => t.capitalised && (t.end - t.start === 1 || /\p{Ll}/u.test(sentence.slice(t.start + 1, t.end)))).length;
  return named >= 2 && named >= SIGNATURE_SHARE * words.length;
}

/** Formulas that greet someone: the name or title after them, up to a comma, is whom the letter is for. */
const GREETING_STARTS = new Set(['kinh', 'thua', 'chao', 'alo']);
/**
 * A greeted addressee ("ban tư vấn Báo Nhân Dân", "anh Nam cán bộ xã") starts with one of these words or a name, and
 * is this short; anything else ("chào ad cho e hỏi hộ nghèo, …") is content.
 */
const ADDRESSEE_STARTS = new Set([
  'ban', 'bao', 'quy', 'toa', 'tap', 'luat', 'chuyen', 'trang', 'cong', 'chuong', 'thu', 'trung', 'so', 'phong', 'anh',
  'chi', 'co', 'chu', 'bac', 'ong', 'ba', 'admin', 'ad', 'can', 'em',
]);
const MAX_ADDRESSEE_WORDS = 8;

/**
 * The sentence without the formulas it starts with ("Thưa luật sư, cho tôi hỏi hộ nghèo…" → "hộ nghèo…"), and,
 * after a greeting, without whom it greets ("Xin chào ban tư vấn Thư viện Pháp luật, tôi muốn hỏi…" → "bố tôi…"):
 * a newspaper's or a firm's name says nothing of the question (and "pháp luật" would read as legal aid).
 */
function withoutFormulas(sentence: string): string {
  let tokens = tokenize(sentence);
  let greeted = false;
  for (;;) {
    const folded = tokens.map((t) => t.folded);
    const formula = FORMULA_LIST.find((f) => f.every((w, i) => folded[i] === w)) ?? requestOrAsker(tokens, sentence);
    if (formula) {
      const last = tokens[formula.length - 1]!;
      tokens = tokens.slice(formula.length);
      // "Thưa luật sư, …": the greeting ends at its comma; "Chào ban tư vấn Báo X, …": the addressee comes first.
      const endsHere = tokens.length === 0 || sentence.slice(last.end, tokens[0]!.start).includes(',');
      greeted = !endsHere && (GREETING_STARTS.has(formula[0]!) || formula.join(' ') === 'xin chao');
      continue;
    }
    if (!greeted || tokens.length === 0) break;
    greeted = false;
    const comma = sentence.indexOf(',', tokens[0]!.start);
    const addressee = comma < 0 ? -1 : tokens.findIndex((t) => t.start > comma);
    const named = ADDRESSEE_STARTS.has(tokens[0]!.folded) || /^\p{Lu}/u.test(sentence.slice(tokens[0]!.start));
    if (addressee > 0 && addressee <= MAX_ADDRESSEE_WORDS && named) tokens = tokens.slice(addressee);
  }
  if (tokens.length === 0) return '';
  return sentence.slice(tokens[0]!.start).trim();
}

/** The request formula or the named asker the tokens start with, as folded words, or undefined. */
function requestOrAsker(tokens: readonly Token[], sentence: string): string[] | undefined {
  const folded = tokens.map((t) => t.folded);
  const request = requestLength(folded);
  if (request > 0) return folded.slice(0, request);
  const asked = folded.indexOf('hoi');
  if (asked <= 0 || asked > MAX_ASKER_WORDS || asked + 1 >= tokens.length) return undefined;
  const named = tokens.slice(0, asked).every((t) => t.capitalised || ASKER_TITLES.has(t.folded)) && tokens.slice(0, asked).some((t) => t.capitalised);
  const punctuated = /^\s*[,:]/.test(sentence.slice(tokens[asked]!.end));
  return named && punctuated ? folded.slice(0, asked + 1) : undefined;
}

/**
 * A cue that tells instead of asking: "không còn gì cả" (nothing left), "có hỏi trưởng ấp" / "đã hỏi xã" (went and
 * asked someone).
 */
const TOLD_BEFORE_ASKED = new Set(['co', 'da', 'di', 'len', 'den', 'ra', 'tung']);
function narrates(forms: readonly string[], at: number, length: number): boolean {
  if (forms[at] === 'gi' && forms[at + length] === 'ca') return true;
  return length === 1 && forms[at] === 'hoi' && TOLD_BEFORE_ASKED.has(forms[at - 1] ?? '');
}

function asksSomething(sentence: string): boolean {
  const forms = normalizeTokens(tokenize(sentence)).map((w) => w.form);
  let last = forms.length - 1;
  while (last > 0 && FINAL_PARTICLES.has(forms[last]!)) last--;
  if (FINAL_CUES.has(forms[last] ?? '')) return true;
  return QUESTION_CUES.some((cue) => forms.some((_, i) => cue.every((w, j) => forms[i + j] === w) && !narrates(forms, i, cue.length)));
}

/**
 * Words by which a question points back at the story told before it: "Như vậy có đúng không?", "Trường hợp này có
 * được hưởng không?", "pháp luật quy định thế nào về đối tượng này?". Such a question says what is asked, the story
 * what it is about.
 */
const BACK_REFERENCES = [
  'nhu vay', 'nhu the', 'truong hop nay', 'truong hop tren', 'truong hop cua', 'doi tuong nay', 'viec nay', 'dieu nay',
  'ho tro nay', 'che do nay', 'nhu tren', 'tren day',
].map((c) => c.split(' '));
/** Words that ask without saying about what: "Vậy có đúng không?", "Được không ạ?", "Đúng hay sai?". */
const BARE_QUESTION_WORDS = new Set([
  'vay', 'co', 'dung', 'khong', 'hay', 'sai', 'duoc', 'a', 'the', 'nao', 'sao', 'la', 'thi', 'chua', 'phai', 'roi', 'nhi',
  'ha', 'u', 'hoi', 'xin', 'cho', 'toi', 'em', 'minh', 'ban', 'luat', 'su', 'oi',
]);

/**
 * A question about someone the story told of, named by kin or a pronoun ("Cháu có được miễn học phí không?", "Bà tôi
 * có được hưởng thêm không?"): what the story says of them (disabled, at university, 85 years old) is the subject.
 */
const PERSONS = new Map([
  ['chau', 'chau1'], ['be', 'be1'], ['no', 'no1'], ['ba', 'ba2'], ['ong', 'ông'], ['me', 'me5'], ['bo', 'bô1'],
  ['vo', 'vơ5'], ['chong', 'chông2'], ['co', 'cô'], ['chu', 'chu1'], ['di', 'di2'], ['cu', 'cu5'],
]);
/**
 * Typed without accents, these fold from other words as often ("co" có, "di" đi, "bo" bỏ, "no" nợ, "ba" ba): a person
 * only before "tôi", "em", "ấy"…
 */
const UNSURE_PERSONS = new Set(['no', 'ba', 'bo', 'co', 'chu', 'di', 'cu']);
const POSSESSIVES = new Set(['toi', 'em', 'minh', 'tui', 'ay', 'nha']);
const PERSON_LEADS = new Set(['vay', 'the', 'xin', 'hoi', 'nhu', 'nay', 'hien', 'gio', 'bay']);

export function refersBack(sentence: Sentence): boolean {
  const words = normalizeTokens(tokenize(sentence.text));
  const forms = words.map((w) => w.form);
  if (forms.every((f) => BARE_QUESTION_WORDS.has(f))) return true;
  const at = forms.findIndex((f) => !PERSON_LEADS.has(f));
  if (at >= 0 && isPerson(words[at]!, forms[at + 1])) return true;
  // "như thế nào" asks how; "như thế" alone points back.
  return BACK_REFERENCES.some((cue) => forms.some((_, i) => cue.every((w, j) => forms[i + j] === w) && forms[i + cue.length] !== 'nao'));
}

function isPerson({ form, typed }: { form: string; typed?: string }, next: string | undefined): boolean {
  const spelling = PERSONS.get(form);
  if (spelling === undefined || next === 'nao') return false;
  if (typed !== undefined) return typed === spelling;
  return !UNSURE_PERSONS.has(form) || POSSESSIVES.has(next ?? '');
}

/** The message's question sentences; every content sentence when none reads as a question. */
export function questionsOf(sentences: readonly Sentence[]): Sentence[] {
  const questions = sentences.filter((s) => s.role === 'question');
  return questions.length > 0 ? questions : [...sentences];
}
