/**
 * Long messages: "Thưa luật sư, nhà tôi có 5 người, bố tôi bị tai nạn… Xin hỏi hộ tôi có được vay vốn không? Xin cảm
 * ơn." The salutations and the signature say nothing of the topic, the story says a little, the question sentence
 * says most. This module splits a message into sentences, drops the polite formulas, and tells questions from story.
 */

import { Memo } from '../memo.js';
import { tokenize } from '../text/tokenize.js';
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

/** Folded word sequences that make a sentence a question. */
const QUESTION_CUES = [
  'bao nhieu', 'the nao', 'nhu the nao', 'o dau', 'khi nao', 'bao gio', 'lam sao', 'the sao', 'ra sao', 'co phai',
  'phai khong', 'duoc khong', 'co duoc', 'hay khong', 'hay chua', 'can gi', 'gi', 'nao', 'sao', 'ai', 'muon biet',
  'hoi',
].map((c) => c.split(' '));
/** The cues that ask outright, not a request to ask ("cho em hỏi…", "muốn biết…"). */
const OUTRIGHT_CUES = QUESTION_CUES.filter((c) => c.join(' ') !== 'hoi' && c.join(' ') !== 'muon biet');
/** Cues by their first word: each word of a sentence is looked up once, not every cue tried at every word. */
type CueIndex = ReadonlyMap<string, readonly (readonly string[])[]>;
function byFirstWord(cues: readonly (readonly string[])[]): CueIndex {
  const index = new Map<string, (readonly string[])[]>();
  for (const cue of cues) index.set(cue[0]!, [...(index.get(cue[0]!) ?? []), cue]);
  return index;
}
const QUESTION_CUE_INDEX = byFirstWord(QUESTION_CUES);
const OUTRIGHT_CUE_INDEX = byFirstWord(OUTRIGHT_CUES);
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
    const clauses = askingClauses(content);
    if (clauses) for (const clause of clauses) sentences.push({ text: clause, role: 'question' });
    else sentences.push({ text: content, role: raw.includes('?') || asksSomething(content) ? 'question' : 'context' });
  }
  return sentences;
}

/** "và" (or a comma) between two clauses: "hộ nghèo vay được bao nhiêu và bhyt có được miễn phí không" asks two things. */
const AND = /\s*,?\s+(?:và|va)\s+/iu;
const MIN_CLAUSE_WORDS = 3;

/**
 * The two questions of a sentence that joins them with "và" or a comma, when each side asks something of its own and is no mere
 * noun ("hộ nghèo và cận nghèo có được vay không" asks one thing); null otherwise.
 */
function askingClauses(sentence: string): [string, string] | null {
  const long = (clause: string) => clause.split(/\s+/).length >= MIN_CLAUSE_WORDS;
  const both = (first: string, second: string, cues?: CueIndex): [string, string] | null =>
    long(first) && long(second) && asksSomething(first, cues) && asksSomething(second, cues) ? [first, second] : null;
  const match = AND.exec(sentence);
  if (match) return both(sentence.slice(0, match.index).trim(), sentence.slice(match.index + match[0].length).trim());
  // "hộ nghèo vay được bn, lãi bn 1 tháng": a comma alone joins two questions as often (one comma: a list of three or
  // more is one question's case), each asked outright ("cho e hỏi hộ nghèo, cận nghèo được gì" asks one).
  const parts = sentence.split(',');
  return parts.length === 2 ? both(parts[0]!.trim(), parts[1]!.trim(), OUTRIGHT_CUE_INDEX) : null;
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
    const formula = FORMULA_LIST.find((f) => f.every((w, i) => folded[i] === w));
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

function asksSomething(sentence: string, cues: CueIndex = QUESTION_CUE_INDEX): boolean {
  const forms = normalizeTokens(tokenize(sentence)).map((w) => w.form);
  let last = forms.length - 1;
  while (last > 0 && FINAL_PARTICLES.has(forms[last]!)) last--;
  if (FINAL_CUES.has(forms[last] ?? '')) return true;
  return forms.some((form, i) => cues.get(form)?.some((cue) => cue.every((w, j) => forms[i + j] === w) && !saysNobody(cue, forms, i)));
}

/** "không ai bỏ học", "chẳng ai thất nghiệp": nobody, told, not "who" asked. */
const NOBODY = new Set(['khong', 'chang', 'chua']);
const saysNobody = (cue: readonly string[], forms: readonly string[], at: number) =>
  cue.length === 1 && cue[0] === 'ai' && NOBODY.has(forms[at - 1] ?? '');

/** The message's question sentences; every content sentence when none reads as a question. */
export function questionsOf(sentences: readonly Sentence[]): Sentence[] {
  const questions = sentences.filter((s) => s.role === 'question');
  return questions.length > 0 ? questions : [...sentences];
}

/** A question needs some content besides its cue: "sao?" or "không ạ" alone is an answer, not a new question. */
const MIN_QUESTION_WORDS = 3;

/** A question of its own ("hộ nghèo được vay bao nhiêu?"), not an answer to the bot's. */
export function isQuestion(text: string): boolean {
  const sentences = sentencesOf(text);
  const words = sentences.reduce((n, s) => n + s.text.split(/\s+/).length, 0);
  return words >= MIN_QUESTION_WORDS && sentences.some((s) => s.role === 'question');
}
